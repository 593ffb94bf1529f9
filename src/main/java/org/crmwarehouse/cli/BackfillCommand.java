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
import org.crmwarehouse.orchestrate.NightlyLauncher;
import org.crmwarehouse.orchestrate.WarehouseApplication;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the nightly job for every business date of a range, oldest first. A date whose night has
 * already completed is skipped; a failed or crashed one is resumed like {@code run} does. The
 * first failure stops the backfill with exit code 1, so the dates after it never run on top of a
 * missing night. One line per date, then a summary line.
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

    @Override
    public Integer call() throws Exception {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        RunCommand.refuseFutureDate(job, to, allowFutureDate);
        List<LocalDate> run = new ArrayList<>();
        List<LocalDate> skipped = new ArrayList<>();
        LocalDate failed = null;
        String failure = null;
        try (ConfigurableApplicationContext context = WarehouseApplication.start(job.repository())) {
            NightlyLauncher launcher = context.getBean(NightlyLauncher.class);
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                if (launcher.completed(job, d)) {
                    skipped.add(d);
                    System.out.println("backfill: " + d + " skipped (already completed)");
                    continue;
                }
                long started = System.nanoTime();
                try {
                    JobExecution execution = launcher.run(job, d);
                    if (execution.getStatus() != BatchStatus.COMPLETED) {
                        failure = "ended " + execution.getStatus() + ": " + RunCommand.failureOf(execution);
                    }
                } catch (Exception e) {
                    failure = CrmWarehouse.oneLine(e);
                }
                if (failure != null) {
                    failed = d;
                    System.out.println("backfill: " + d + " FAILED: " + failure);
                    break;
                }
                run.add(d);
                System.out.printf(Locale.ROOT, "backfill: %s run (completed in %.1f s)%n", d,
                        (System.nanoTime() - started) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "backfill %s..%s: run %d %s, skipped %d %s, failed %s%n", from, to,
                run.size(), run, skipped.size(), skipped, failed == null ? "none" : failed + " (stopped there)");
        if (failed != null) {
            System.err.println("crm-warehouse: error: backfill stopped at " + failed + ": " + failure);
            return 1;
        }
        return 0;
    }
}
