package org.crmwarehouse.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.orchestrate.GracefulStop;
import org.crmwarehouse.orchestrate.NightlyLauncher;
import org.crmwarehouse.orchestrate.WarehouseApplication;
import org.crmwarehouse.report.RunReport;
import org.crmwarehouse.report.RunReportWriter;
import org.crmwarehouse.sql.DuckDbErrors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the nightly job for one business date.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "Job config YAML (e.g. jobs/nightly.yaml).")
    Path config;

    @Option(names = "--date", description = "Business date YYYY-MM-DD (default: the config's business_date, else yesterday).")
    LocalDate date;

    @Option(names = "--full", description = "Rebuild incremental sources from scratch: forget their merged "
            + "state, watermarks and files read, and read every file and row again.")
    boolean full;

    @Option(names = "--allow-future-date", description = "Run a business date later than today (refused otherwise: "
            + "a mistyped year would publish a night no real night can follow).")
    boolean allowFutureDate;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Set a model parameter for this night "
            + "(repeatable), over the config's parameters:; checked like them. warehouse_parameters records it.")
    java.util.LinkedHashMap<String, String> params = new java.util.LinkedHashMap<>();

    @Option(names = "--engine", paramLabel = "duckdb|spark", description = "Run the night on this engine (over the "
            + "config's engine:; default duckdb). Spark needs Spark on the classpath: ./crm-warehouse puts it there.")
    String engine;

    @Mixin
    StopGraceOption stopGrace;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (java.util.Map.Entry<String, String> p : params.entrySet()) {
            try {
                JobConfigLoader.commandLineParameter(p.getKey(), p.getValue());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (p.getValue().contains("\n")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--param " + p.getKey()
                        + " must be one line");
            }
        }
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        if (engine != null) {
            job = job.withEngine(engine);
        }
        LocalDate businessDate = date != null ? date
                : job.businessDate() != null ? job.businessDate() : LocalDate.now(job.timeZone()).minusDays(1);
        refuseFutureDate(job, businessDate, allowFutureDate);
        if (full) {
            deleteState(job.stateFolder());
        }
        try (GracefulStop ignored = stopGrace.install();
                ConfigurableApplicationContext context = WarehouseApplication.start(job.repository())) {
            JobExecution execution = context.getBean(NightlyLauncher.class).run(job, businessDate, params);
            String stoppedBefore = GracefulStop.stoppedBefore(execution);
            if (stoppedBefore != null) {
                System.err.println(stopped(job, businessDate, stoppedBefore) + "; run it again to resume there");
                return GracefulStop.EXIT_STOPPED;
            }
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                throw new IllegalStateException("job " + job.name() + " for " + businessDate + " ended "
                        + execution.getStatus() + ": " + failureOf(execution));
            }
            Path summary = job.reportFolder(businessDate).resolve("run-report.txt");
            System.out.println();
            System.out.print(Files.readString(summary, StandardCharsets.UTF_8));
            java.util.List<String> warnings = warningsOf(job, businessDate);
            if (!warnings.isEmpty()) {
                warnings.forEach(w -> System.err.println("crm-warehouse: warning: " + w));
                System.err.println("crm-warehouse: warning: job " + job.name() + " for " + businessDate
                        + " completed with warnings: published, exit code " + RunReport.EXIT_WARNING);
                return RunReport.EXIT_WARNING;
            }
            return 0;
        }
    }

    /** The warnings of the night's run report (a completed night's: see RunReport.warnings). */
    static java.util.List<String> warningsOf(JobConfig job, LocalDate businessDate) throws java.io.IOException {
        return RunReportWriter.warnings(job.reportFolder(businessDate).resolve("run-report.json"));
    }

    /**
     * A night of a date later than today (in the job's time zone) is refused before anything runs:
     * once published, every real night before it fails (its history is older than the published
     * one). {@code --allow-future-date} is for the rare planned case (a test, a clock known wrong).
     */
    static void refuseFutureDate(JobConfig job, LocalDate businessDate, boolean allowed) {
        LocalDate today = LocalDate.now(job.timeZone());
        if (!allowed && businessDate.isAfter(today)) {
            throw new IllegalArgumentException("business date " + businessDate + " is later than today (" + today
                    + " in " + job.timeZone() + "): nothing has run; pass --allow-future-date if it is meant");
        }
    }

    private static void deleteState(Path folder) throws java.io.IOException {
        if (Files.exists(folder)) {
            try (var walk = Files.walk(folder)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The one line a night stopped on SIGTERM leaves on stderr (exit code {@link GracefulStop#EXIT_STOPPED}). */
    static String stopped(JobConfig job, LocalDate businessDate, String step) {
        return "crm-warehouse: stopped: job " + job.name() + " for " + businessDate + " stopped before step " + step
                + " on " + GracefulStop.signalName();
    }

    static String failureOf(JobExecution execution) {
        for (StepExecution step : execution.getStepExecutions()) {
            if (!step.getFailureExceptions().isEmpty()) {
                return "step " + step.getStepName() + " failed: " + DuckDbErrors.oneLine(step.getFailureExceptions().get(0));
            }
        }
        return execution.getAllFailureExceptions().stream().map(DuckDbErrors::oneLine)
                .collect(Collectors.joining("; "));
    }
}
