package org.crmwarehouse.orchestrate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.stream.Stream;
import org.crmwarehouse.config.ConfigException;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.publish.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Starts a night for one business date and decides how:
 * <ul>
 *   <li>never run for this date: a new job instance, from a clean work folder;</li>
 *   <li>last attempt FAILED or STOPPED: a restart of that instance, which resumes at the failed
 *       step with the work database as the failed attempt left it;</li>
 *   <li>last attempt left STARTED by a killed process: it is marked failed (logged), then restarted;</li>
 *   <li>already COMPLETED: a rerun, a new instance with the next {@code rerun} number;</li>
 *   <li>last attempt failed but its work database is gone (deleted because it was corrupt): that
 *       attempt is ABANDONED and the night starts again from extract as the next rerun.</li>
 * </ul>
 * Before any of this, the repository must still hold the last night completed for this output
 * (see {@link RepositorySafety}).
 * A night that completes leaves no work folder; a failed one keeps it for its restart.
 * The business date, the job name and the rerun number identify the instance.
 */
@Component
public class NightlyLauncher {
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");

    private final JobOperator operator;
    private final JobRepository repository;
    private final Job nightlyJob;

    public NightlyLauncher(JobOperator operator, JobRepository repository, Job nightlyJob) {
        this.operator = operator;
        this.repository = repository;
        this.nightlyJob = nightlyJob;
    }

    public JobExecution run(JobConfig config, LocalDate businessDate) throws Exception {
        return run(config, businessDate, java.util.Map.of());
    }

    /**
     * Runs the night with model parameters given on the command line ({@code run --param}, as
     * typed: name to value text, already checked), which win over the config's.
     */
    public JobExecution run(JobConfig config, LocalDate businessDate, java.util.Map<String, String> commandLineParameters)
            throws Exception {
        String commandLine = RunContext.encodeParameters(commandLineParameters);
        try (OutputLock ignored = OutputLock.acquire(config.output())) {
            RepositorySafety.checkKnowsLastNight(repository, config);
            refuseNameOfAnotherOutput(config);
            // a publish killed while switching left a journal: finish that switch before anything else
            Publisher.recover(config);
            BatchStatus before = null; // how the previous instance of the date ended
            for (long rerun = 0; ; rerun++) {
                JobParameters parameters = new JobParametersBuilder(parameters(config, businessDate, rerun))
                        .addString(RunContext.COMMAND_LINE_PARAMETERS, commandLine, false).toJobParameters();
                JobExecution last = repository.getLastJobExecution(nightlyJob.getName(), parameters);
                if (last == null) {
                    deleteRecursively(config.workFolder(businessDate));
                    log.info("[run] job {} for business date {}{}", config.name(), businessDate,
                            rerun == 0 ? "" : before == BatchStatus.ABANDONED
                                    ? " (rerun " + rerun + ": the attempt before was abandoned, the night starts again)"
                                    : " (rerun " + rerun + ": the date already completed)");
                    return removeWorkWhenCompleted(config, businessDate, operator.start(nightlyJob, parameters));
                }
                BatchStatus status = last.getStatus();
                if (status == BatchStatus.COMPLETED || status == BatchStatus.ABANDONED) {
                    before = status;
                    continue;
                }
                if (status.isRunning()) {
                    // We hold the output lock, so no live process owns this execution: it crashed.
                    log.warn("[run] execution {} for {} was left {} by a process that died; marking it failed "
                            + "and restarting", last.getId(), businessDate, status);
                    last = operator.recover(last);
                    last.setExitStatus(last.getExitStatus().addExitDescription("the process running it died "
                            + "(killed or crashed); recovered and restarted by a later run"));
                    repository.update(last);
                }
                if (!Files.exists(config.workFolder(businessDate).resolve("build.duckdb"))
                        && !(config.onSpark() && Files.isDirectory(RunContext.sparkTablesFolder(config, businessDate)))) {
                    // a restart resumes at the failed step from the work database: without it, start over
                    log.warn("[run] the work database of execution {} for {} is gone: abandoning it and starting the "
                            + "night again from extract", last.getId(), businessDate);
                    last.setStatus(BatchStatus.ABANDONED);
                    repository.update(last);
                    before = BatchStatus.ABANDONED;
                    continue;
                }
                String attemptEngine = last.getJobParameters().getString(RunContext.ENGINE);
                if (!config.engine().equals(attemptEngine == null ? JobConfig.ENGINE_DUCKDB : attemptEngine)) {
                    // each engine keeps its own work state: the other engine's cannot be resumed
                    log.warn("[run] execution {} for {} failed on engine {}; this run uses {}: abandoning it and "
                            + "starting the night again from extract", last.getId(), businessDate,
                            attemptEngine == null ? JobConfig.ENGINE_DUCKDB : attemptEngine, config.engine());
                    last.setStatus(BatchStatus.ABANDONED);
                    repository.update(last);
                    before = BatchStatus.ABANDONED;
                    continue;
                }
                log.info("[run] restarting job {} for business date {} after a {} attempt (execution {})",
                        config.name(), businessDate, last.getStatus(), last.getId());
                String attemptConfig = last.getJobParameters().getString(RunContext.CONFIG_FILE);
                String attemptCommandLine = last.getJobParameters().getString(RunContext.COMMAND_LINE_PARAMETERS);
                if (!commandLine.equals(attemptCommandLine == null ? "" : attemptCommandLine)) {
                    // the parameters given now win, like a corrected config (below)
                    log.warn("[run] the failed attempt ran with --param [{}]; this restart uses [{}]",
                            attemptCommandLine == null ? "" : attemptCommandLine.replace('\n', ' '),
                            commandLine.replace('\n', ' '));
                    return removeWorkWhenCompleted(config, businessDate, operator.start(nightlyJob, parameters));
                }
                if (attemptConfig != null && !attemptConfig.equals(config.file().toString())) {
                    // The operator names the file they want now (often a corrected copy): it wins. A
                    // launch with the same identifying parameters restarts the failed instance, at its
                    // failed step, with this launch's non-identifying ones (the config file).
                    log.warn("[run] the failed attempt ran with config {}; this restart reads {} (the file given now)",
                            attemptConfig, config.file());
                    return removeWorkWhenCompleted(config, businessDate, operator.start(nightlyJob, parameters));
                }
                return removeWorkWhenCompleted(config, businessDate, operator.restart(last));
            }
        }
    }

    /**
     * The work database serves only to resume a failed night at its failed step; once the night
     * completed, everything in it that matters is published. Kept, it would cost a night's build
     * (about 1.6 GB at 1,000,000 customers) for every date run.
     */
    private static JobExecution removeWorkWhenCompleted(JobConfig config, LocalDate businessDate,
            JobExecution execution) throws java.io.IOException {
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            deleteRecursively(config.workFolder(businessDate));
            RepositorySafety.recordCompleted(config, execution);
        }
        return execution;
    }

    /**
     * Whether the date has completed: its first instance (rerun 0), or a later one after abandoned
     * attempts. Backfill and schedule skip it.
     */
    public boolean completed(JobConfig config, LocalDate businessDate) {
        for (long rerun = 0; ; rerun++) {
            JobExecution last = repository.getLastJobExecution(nightlyJob.getName(),
                    parameters(config, businessDate, rerun));
            if (last == null || last.getStatus() != BatchStatus.ABANDONED) {
                return last != null && last.getStatus() == BatchStatus.COMPLETED;
            }
        }
    }

    static JobParameters parameters(JobConfig config, LocalDate businessDate, long rerun) {
        return new JobParametersBuilder()
                .addLocalDate(RunContext.BUSINESS_DATE, businessDate, true)
                .addString(RunContext.JOB_NAME, config.name(), true)
                .addLong(RunContext.RERUN, rerun, true)
                .addString(RunContext.CONFIG_FILE, config.file().toString(), false)
                .addString(RunContext.OUTPUT, config.output().toString(), false)
                .addString(RunContext.ENGINE, config.engine(), false)
                .toJobParameters();
    }

    /**
     * The business date and the config's name identify a night, so two configs with one name
     * and different output folders in one job repository (a shared PostgreSQL one, say) would
     * share their nights: a date one completed would be skipped for the other, a failed one
     * restarted with the other's work. The newest night recorded under the name must be of this
     * output folder (nights recorded before the output was recorded pass).
     */
    private void refuseNameOfAnotherOutput(JobConfig config) {
        for (JobInstance instance : repository.getJobInstances(nightlyJob.getName(), 0, 500)) {
            JobExecution last = repository.getLastJobExecution(instance);
            if (last == null || !config.name().equals(last.getJobParameters().getString(RunContext.JOB_NAME))) {
                continue;
            }
            String output = last.getJobParameters().getString(RunContext.OUTPUT);
            if (output != null && !output.equals(config.output().toString())) {
                throw new ConfigException(config.file(), "name '" + config.name() + "' already records nights of the "
                        + "output folder " + output + " in this job repository: two jobs sharing a name would share "
                        + "their nights; give this config a name of its own (or move the output back)");
            }
            return;
        }
    }

    private static void deleteRecursively(Path folder) throws java.io.IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
