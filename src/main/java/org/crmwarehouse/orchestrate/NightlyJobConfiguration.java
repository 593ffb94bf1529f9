package org.crmwarehouse.orchestrate;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The {@code nightly} job: extract, validate, transform, publish, report. */
@Configuration(proxyBeanMethods = false)
public class NightlyJobConfiguration {
    public static final String JOB_NAME = "nightly";
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");

    @FunctionalInterface
    interface StepWork {
        void run(RunContext run, StepExecution execution) throws Exception;
    }

    @Bean
    public Job nightlyJob(JobRepository repository, PlatformTransactionManager transactions) {
        NightlySteps steps = new NightlySteps();
        // one job, one repository, one restart logic for both engines: each step runs on the night's
        // engine (SparkNight loads Spark's classes only when the engine is spark)
        return new JobBuilder(JOB_NAME, repository)
                .listener(new FailedNightReport())
                .start(step("extract", repository, transactions, (run, e) -> {
                    if (run.config().onSpark()) {
                        SparkNight.extract(run);
                    } else {
                        steps.extract(run);
                    }
                }))
                .next(step("validate", repository, transactions, (run, e) -> {
                    if (run.config().onSpark()) {
                        SparkNight.validate(run);
                    } else {
                        steps.validate(run);
                    }
                }))
                .next(step("transform", repository, transactions, (run, e) -> {
                    if (run.config().onSpark()) {
                        SparkNight.transform(run);
                    } else {
                        steps.transform(run);
                    }
                }))
                .next(step("publish", repository, transactions, (run, e) -> {
                    if (run.config().onSpark()) {
                        SparkNight.publish(run, e.getJobExecutionId());
                    } else {
                        steps.publish(run, e.getJobExecutionId());
                    }
                }))
                .next(step("report", repository, transactions, (run, e) -> {
                    if (run.config().onSpark()) {
                        SparkNight.report(run, e.getJobExecution());
                    } else {
                        steps.report(run, e.getJobExecution());
                    }
                }))
                .build();
    }

    /**
     * The Spark steps behind a class of their own: this class mentions no Spark type, so the DuckDB
     * night runs from the jar alone, with no Spark on the classpath.
     */
    private static final class SparkNight {
        static void extract(RunContext run) throws Exception {
            new SparkNightSteps().extract(run);
        }

        static void validate(RunContext run) throws Exception {
            new SparkNightSteps().validate(run);
        }

        static void transform(RunContext run) throws Exception {
            new SparkNightSteps().transform(run);
        }

        static void publish(RunContext run, long executionId) throws Exception {
            new SparkNightSteps().publish(run, executionId);
        }

        static void report(RunContext run, org.springframework.batch.core.job.JobExecution execution)
                throws Exception {
            new SparkNightSteps().report(run, execution);
        }
    }

    private static Step step(String name, JobRepository repository, PlatformTransactionManager transactions,
            StepWork work) {
        return new StepBuilder(name, repository)
                .tasklet((contribution, chunk) -> {
                    StepExecution execution = chunk.getStepContext().getStepExecution();
                    RunContext run = RunContext.of(execution.getJobParameters());
                    try {
                        work.run(run, execution);
                    } catch (Exception e) {
                        throw CorruptDatabaseException.explain(e, run);
                    }
                    TestPause.afterWork(name);
                    return RepeatStatus.FINISHED;
                }, transactions)
                .listener(new StepProgress())
                .build();
    }

    /**
     * A TEST HOOK, never set in production: with {@code CRM_WAREHOUSE_TEST_PAUSE_IN_STEP=<step>} in
     * the environment, that step, after doing its work and before Spring Batch records it complete,
     * prints {@code crm-warehouse-test: paused in step <step>} on stdout and sleeps (up to
     * {@code CRM_WAREHOUSE_TEST_PAUSE_SECONDS}, default 300), so that a test can kill the process
     * at the worst moment: the step's effects exist but the JobRepository still says STARTED
     * (see cli/RestartAfterKillTest). A stop asked meanwhile (SIGTERM, see {@link GracefulStop})
     * ends the pause {@value #AFTER_STOP_MILLIS} ms later, so that a test of a graceful stop has
     * that long to send a second signal and need not wait out the whole pause (cli/StopOnSigtermTest).
     */
    static final class TestPause {
        static final String STEP_ENV = "CRM_WAREHOUSE_TEST_PAUSE_IN_STEP";
        static final String SECONDS_ENV = "CRM_WAREHOUSE_TEST_PAUSE_SECONDS";
        static final String MARKER = "crm-warehouse-test: paused in step ";
        static final long AFTER_STOP_MILLIS = 3000;

        static void afterWork(String step) throws InterruptedException {
            if (!step.equals(System.getenv(STEP_ENV))) {
                return;
            }
            String seconds = System.getenv(SECONDS_ENV);
            System.out.println(MARKER + step);
            System.out.flush();
            long end = System.currentTimeMillis() + 1000L * (seconds == null ? 300 : Long.parseLong(seconds));
            boolean stopSeen = false;
            while (System.currentTimeMillis() < end) {
                if (!stopSeen && GracefulStop.requested()) {
                    stopSeen = true;
                    end = Math.min(end, System.currentTimeMillis() + AFTER_STOP_MILLIS);
                }
                Thread.sleep(Math.max(1, Math.min(100, end - System.currentTimeMillis())));
            }
        }
    }

    /**
     * One line when a step starts and one when it ends: enough to follow a night from a log. A
     * stop asked at a step boundary (see {@link GracefulStop}) is taken here: the step is marked
     * terminate-only before it runs, so Spring Batch records it STOPPED without doing its work and
     * the job STOPPED, which the next run of the date restarts at this step.
     */
    static final class StepProgress implements StepExecutionListener {
        private long started;
        private boolean stoppedBeforeWork;

        @Override
        public void beforeStep(StepExecution step) {
            started = System.nanoTime();
            stoppedBeforeWork = GracefulStop.atStepBoundary();
            if (stoppedBeforeWork) {
                step.setTerminateOnly();
                log.info("[{}] not started: stopping on {}; the next run of {} resumes here", step.getStepName(),
                        GracefulStop.signalName(), step.getJobParameters().getLocalDate(RunContext.BUSINESS_DATE));
                return;
            }
            log.info("[{}] started", step.getStepName());
        }

        @Override
        public ExitStatus afterStep(StepExecution step) {
            if (stoppedBeforeWork) {
                return step.getExitStatus();
            }
            String seconds = String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9);
            String status = step.getStatus().name().toLowerCase(java.util.Locale.ROOT);
            List<Throwable> inputFailures = step.getFailureExceptions().stream()
                    .filter(InputFailures::isInputFailure).toList();
            if (inputFailures.isEmpty()) {
                log.info("[{}] {} in {} s", step.getStepName(), status, seconds);
            } else {
                // the message names what is wrong and where; no stack trace (see InputFailures)
                inputFailures.forEach(f -> log.error("[{}] {} in {} s: {}", step.getStepName(), status, seconds,
                        f.getMessage()));
            }
            return step.getExitStatus();
        }
    }
}
