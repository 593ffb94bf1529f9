package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.orchestrate.GracefulStop;
import org.crmwarehouse.orchestrate.NightlyLauncher;
import org.crmwarehouse.orchestrate.WarehouseApplication;
import org.crmwarehouse.sql.DuckDbErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.support.CronExpression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A long-running scheduler: at each fire time of the config's {@code schedule} (a Spring cron
 * expression with 6 fields, e.g. {@code "0 30 2 * * *"} = 02:30:00 every day, local time) it runs
 * the nightly job for the previous day, unless that date has already completed. Nights run one
 * after another in this process, and the output lock makes a night started elsewhere (a manual
 * {@code run}, a second scheduler) fail fast instead of overlapping; a failed night is logged and
 * the scheduler waits for the next fire; a night completed with warnings (exit code 3 for {@code run})
 * is published and completed, logged as a warning, and not run again. It logs the next fire time. SIGTERM (or Ctrl-C) stops it:
 * at once when idle, after the running night otherwise (exit 0); a night stopped at a step boundary
 * (a second SIGTERM, or past {@code --stop-grace}) makes the exit code
 * {@link GracefulStop#EXIT_STOPPED}. A night interrupted by a hard kill, or stopped, is resumed by the
 * next run of that date.
 */
@Command(name = "schedule", description = "Run the nightly job for the previous day at each fire time of the "
        + "config's 'schedule' cron expression (6 fields); stops on SIGTERM.")
final class ScheduleCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");

    @Option(names = "--config", required = true, description = "Job config YAML with a 'schedule:' key.")
    Path config;

    @Option(names = "--max-fires", defaultValue = "0",
            description = "Stop after this many fire times (0, the default: run until SIGTERM). For tests and trials.")
    int maxFires;

    @Mixin
    StopGraceOption stopGrace;

    @Override
    public Integer call() throws Exception {
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        if (job.schedule() == null) {
            throw new IllegalArgumentException(job.file() + ": no 'schedule' key (a cron expression with 6 fields, "
                    + "e.g. schedule: \"0 30 2 * * *\")");
        }
        CronExpression cron = CronExpression.parse(job.schedule());
        int fires = 0;
        int failures = 0;
        boolean nightStopped = false;
        try (GracefulStop ignored = stopGrace.install();
                ConfigurableApplicationContext context = WarehouseApplication.start(job.repository())) {
            NightlyLauncher launcher = context.getBean(NightlyLauncher.class);
            log.info("[schedule] job {} on \"{}\"", job.name(), job.schedule());
            while (!GracefulStop.requested() && (maxFires <= 0 || fires < maxFires)) {
                LocalDateTime next = cron.next(LocalDateTime.now());
                if (next == null) {
                    log.info("[schedule] the cron expression has no further fire time; stopping");
                    break;
                }
                log.info("[schedule] next night at {} for business date {}", next, next.toLocalDate().minusDays(1));
                if (!sleepUntil(next)) {
                    break;
                }
                fires++;
                LocalDate businessDate = next.toLocalDate().minusDays(1);
                if (launcher.completed(job, businessDate)) {
                    log.info("[schedule] business date {} already completed; skipped", businessDate);
                    continue;
                }
                try {
                    JobExecution execution = launcher.run(job, businessDate);
                    String stoppedBefore = GracefulStop.stoppedBefore(execution);
                    if (stoppedBefore != null) {
                        nightStopped = true;
                        log.warn("[schedule] business date {} stopped before step {} on {}; the next run of that date "
                                + "resumes there", businessDate, stoppedBefore, GracefulStop.signalName());
                    } else if (execution.getStatus() == BatchStatus.COMPLETED) {
                        java.util.List<String> warnings = RunCommand.warningsOf(job, businessDate);
                        if (warnings.isEmpty()) {
                            log.info("[schedule] business date {} completed (execution {})", businessDate,
                                    execution.getId());
                        } else {
                            // published and completed: not run again; the warnings are in its report
                            log.warn("[schedule] business date {} completed with warnings (execution {}): {}",
                                    businessDate, execution.getId(), String.join("; ", warnings));
                        }
                    } else {
                        failures++;
                        log.error("[schedule] business date {} ended {}: {}", businessDate, execution.getStatus(),
                                RunCommand.failureOf(execution));
                    }
                } catch (Exception e) {
                    failures++;
                    log.error("[schedule] business date {} not run: {}", businessDate, DuckDbErrors.oneLine(e));
                }
            }
        }
        log.info("[schedule] stopped after {} fire(s), {} failed", fires, failures);
        return nightStopped ? GracefulStop.EXIT_STOPPED : 0;
    }

    /** Sleeps until the time; false when asked to stop meanwhile. */
    private boolean sleepUntil(LocalDateTime time) {
        while (!GracefulStop.requested()) {
            long millis = LocalDateTime.now().until(time, ChronoUnit.MILLIS);
            if (millis <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(millis, 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
