package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.model.CustomerHistoryModel;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.orchestrate.GracefulStop;
import org.crmwarehouse.orchestrate.NightlyLauncher;
import org.crmwarehouse.orchestrate.WarehouseApplication;
import org.crmwarehouse.sql.DuckDbErrors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the nightly job for every business date of a range, oldest first. A date whose night has
 * already completed is skipped; a failed or crashed one is resumed like {@code run} does. The
 * first failure stops the backfill with exit code 1, so the dates after it never run on top of a
 * missing night. One line per date, then a summary line. SIGTERM lets the running night finish and
 * runs no further date (exit 0); a night stopped at a step boundary (a second SIGTERM, or past
 * {@code --stop-grace}) ends the backfill with exit code {@link GracefulStop#EXIT_STOPPED}. A night
 * that completed with warnings is published and counts as run (a later backfill skips it); the
 * backfill goes on and, without a failure or a stop, exits with the warning code (3).
 */
@Command(name = "backfill", description = "Run the nightly job for each business date from --from to --to, "
        + "skipping dates already completed; stops at the first failure (exit 1).")
final class BackfillCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "Job config YAML (e.g. jobs/nightly.yaml).")
    Path config;

    @Option(names = "--from", required = true, description = "First business date YYYY-MM-DD.")
    LocalDate from;

    @Option(names = "--to", required = true, description = "Last business date YYYY-MM-DD (included).")
    LocalDate to;

    @Option(names = "--allow-future-date", description = "Allow --to later than today (refused otherwise).")
    boolean allowFutureDate;

    @Option(names = "--engine", paramLabel = "duckdb|spark", description = "Run the nights on this engine (over the "
            + "config's engine:; default duckdb).")
    String engine;

    @Mixin
    StopGraceOption stopGrace;

    @Override
    public Integer call() throws Exception {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        if (engine != null) {
            job = job.withEngine(engine);
        }
        RunCommand.refuseFutureDate(job, to, allowFutureDate);
        List<LocalDate> run = new ArrayList<>();
        List<LocalDate> skipped = new ArrayList<>();
        LocalDate failed = null;
        String failure = null;
        String stop = null;
        String stoppedLine = null;
        List<LocalDate> warned = new ArrayList<>();
        try (GracefulStop ignored = stopGrace.install();
                ConfigurableApplicationContext context = WarehouseApplication.start(job.repository())) {
            NightlyLauncher launcher = context.getBean(NightlyLauncher.class);
            refuseEarlierThanPublishedHistory(job, launcher);
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                if (GracefulStop.requested()) {
                    stop = "stopped on " + GracefulStop.signalName() + " before " + d;
                    System.out.println("backfill: " + stop);
                    break;
                }
                if (launcher.completed(job, d)) {
                    skipped.add(d);
                    System.out.println("backfill: " + d + " skipped (already completed)");
                    continue;
                }
                long started = System.nanoTime();
                try {
                    JobExecution execution = launcher.run(job, d);
                    String stoppedBefore = GracefulStop.stoppedBefore(execution);
                    if (stoppedBefore != null) {
                        System.out.println("backfill: " + d + " STOPPED before step " + stoppedBefore + " on "
                                + GracefulStop.signalName() + " (the next backfill or run of " + d + " resumes there)");
                        stoppedLine = RunCommand.stopped(job, d, stoppedBefore) + "; run the backfill again to resume there";
                        stop = "stopped at " + d + " (on " + GracefulStop.signalName() + ")";
                        break;
                    }
                    if (execution.getStatus() != BatchStatus.COMPLETED) {
                        failure = "ended " + execution.getStatus() + ": " + RunCommand.failureOf(execution);
                    }
                } catch (Exception e) {
                    failure = DuckDbErrors.oneLine(e);
                }
                if (failure != null) {
                    failed = d;
                    System.out.println("backfill: " + d + " FAILED: " + failure);
                    break;
                }
                run.add(d);
                List<String> warnings = RunCommand.warningsOf(job, d);
                if (!warnings.isEmpty()) {
                    warned.add(d); // completed and published: not retried, the backfill goes on
                }
                System.out.printf(Locale.ROOT, "backfill: %s run (completed%s in %.1f s)%n", d, warnings.isEmpty() ? ""
                        : " with warnings: " + String.join("; ", warnings), (System.nanoTime() - started) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "backfill %s..%s: run %d %s, skipped %d %s, failed %s%s%n", from, to,
                run.size(), run, skipped.size(), skipped, failed != null ? failed + " (stopped there)"
                        : stop == null ? "none" : "none; " + stop,
                warned.isEmpty() ? "" : ", with warnings " + warned.size() + " " + warned);
        if (stoppedLine != null) {
            System.err.println(stoppedLine);
            return GracefulStop.EXIT_STOPPED;
        }
        if (failed != null) {
            System.err.println("crm-warehouse: error: backfill stopped at " + failed + ": " + failure);
            return 1;
        }
        return warned.isEmpty() ? 0 : org.crmwarehouse.report.RunReport.EXIT_WARNING;
    }

    /**
     * Each night carries the customer history (dim_customer_history) forward from the published
     * one, so a night before the published one fails in transform (unless the job rewinds the
     * history). Found here, before anything runs, with what to do instead.
     */
    private void refuseEarlierThanPublishedHistory(JobConfig job, NightlyLauncher launcher) throws Exception {
        Object onEarlier = job.parameters().getOrDefault("value_history_on_earlier_date", "fail");
        LocalDate published = CustomerHistoryModel.publishedNight(Publisher.lastPublished(job));
        if (published == null || !"fail".equals(onEarlier)) {
            return;
        }
        LocalDate first = from;
        while (!first.isAfter(to) && launcher.completed(job, first)) {
            first = first.plusDays(1); // a resumed backfill: the dates it already did are skipped
        }
        if (first.isAfter(to) || !first.isBefore(published)) {
            return;
        }
        throw new IllegalArgumentException("backfill from " + first + " is before the published night " + published
                + ": each night carries the customer history forward from the night before, so the nights from " + first
                + " to " + published + " must be rebuilt in order. Either backfill into a new output folder, or set "
                + "parameters: {value_history_on_earlier_date: rewind} in " + job.file() + " and run each date from "
                + first + " to " + published + " with 'run --date' (completed dates run again as reruns); nothing has run");
    }
}
