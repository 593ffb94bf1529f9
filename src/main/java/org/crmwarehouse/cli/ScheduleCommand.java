package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.orchestrate.NightlyLauncher;
import org.crmwarehouse.orchestrate.WarehouseApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.support.CronExpression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A long-running scheduler: at each fire time of the config's {@code schedule} (a Spring cron
 * expression with 6 fields, e.g. {@code "0 30 2 * * *"} = 02:30:00 every day, local time) it runs
 * the nightly job for the previous day, unless that date has already completed. Nights run one
 * after another in this process, and the output lock makes a night started elsewhere (a manual
 * {@code run}, a second scheduler) fail fast instead of overlapping; a failed night is logged and
 * the scheduler waits for the next fire. It logs the next fire time and stops on SIGTERM (or
 * Ctrl-C) when idle; a night interrupted by a hard kill is resumed by the next run of that date.
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

    private volatile boolean stopping;
    private volatile Thread loop;
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        if (job.schedule() == null) {
            throw new IllegalArgumentException(job.file() + ": no 'schedule' key (a cron expression with 6 fields, "
                    + "e.g. schedule: \"0 30 2 * * *\")");
        }
        CronExpression cron = CronExpression.parse(job.schedule());
        loop = Thread.currentThread();
        Thread hook = new Thread(this::stop, "crm-warehouse-schedule-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int fires = 0;
        int failures = 0;
        try (ConfigurableApplicationContext context = WarehouseApplication.start(job.repository())) {
            NightlyLauncher launcher = context.getBean(NightlyLauncher.class);
            log.info("[schedule] job {} on \"{}\"", job.name(), job.schedule());
            while (!stopping && (maxFires <= 0 || fires < maxFires)) {
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
                    if (execution.getStatus() == BatchStatus.COMPLETED) {
                        log.info("[schedule] business date {} completed (execution {})", businessDate, execution.getId());
                    } else {
                        failures++;
                        log.error("[schedule] business date {} ended {}: {}", businessDate, execution.getStatus(),
                                RunCommand.failureOf(execution));
                    }
                } catch (Exception e) {
                    failures++;
                    log.error("[schedule] business date {} not run: {}", businessDate, CrmWarehouse.oneLine(e));
                }
            }
        } finally {
            loop = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // SIGTERM: the hook is running and waits for this loop to end
            }
        }
        log.info("[schedule] stopped after {} fire(s), {} failed", fires, failures);
        finished.countDown();
        return 0;
    }

    /** Sleeps until the time; false when asked to stop meanwhile. */
    private boolean sleepUntil(LocalDateTime time) {
        while (!stopping) {
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

    /** SIGTERM: ask the loop to stop, and give a night in progress a while to finish. */
    private void stop() {
        stopping = true;
        Thread t = loop;
        if (t != null) {
            log.info("[schedule] SIGTERM: stopping after the current night, if any");
            try {
                // not Thread.join: after the loop, main calls System.exit, which blocks during shutdown
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
