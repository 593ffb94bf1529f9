package org.crmwarehouse.orchestrate;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Properties;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.RepositoryConfig;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Refuses to run on a job repository that is corrupt or has lost nights. H2 reports a damaged
 * file only when it cannot find a valid chunk; cut short further on, it opens the last complete
 * older version and a completed night is simply gone (the night would run again as new, from
 * incremental state already past it). So each completed night is also written to a ledger beside
 * the output, {@code <output>/state/last-completed-night.properties}, after the repository has
 * recorded it; before a run, the repository must still hold that execution, COMPLETED, for the
 * same job, date and rerun. The ledger is written last, so a crash leaves it behind the
 * repository, never ahead. {@code run --full} deletes it with the rest of the state: that is how
 * a lost history is accepted.
 */
public final class RepositorySafety {
    static final String LEDGER = "last-completed-night.properties";

    private RepositorySafety() {
    }

    /**
     * An embedded H2 repository file that exists must open; a corrupt one is one line saying what
     * to do. A job's default repository that does not exist yet first adopts the one at the
     * previous default place ({@link #adoptPreviousDefault}).
     */
    public static void checkOpens(RepositoryConfig repository) {
        Path file = h2File(repository);
        if (file == null) {
            return;
        }
        adoptPreviousDefault(repository, file);
        if (!Files.exists(file)) {
            return; // a new repository
        }
        String url = repository.url();
        try (Connection ignored = DriverManager.getConnection(url + ";IFEXISTS=TRUE", repository.user(),
                repository.password())) {
            // opens
        } catch (SQLException e) {
            // 90030 FILE_CORRUPTED_1, 90028 IO_EXCEPTION_1 (a file cut short or overwritten)
            if (e.getErrorCode() == 90030 || e.getErrorCode() == 90028) {
                throw new IllegalStateException("the job repository " + file + " is corrupt and cannot be opened (H2: "
                        + firstLine(e.getMessage()).replaceAll("\\s*\\[\\d+-\\d+]$", "") + "): restore it from a "
                        + "backup; without one, move it aside and run with --full (a new repository starts empty, "
                        + "so every night runs again as new)");
            }
        }
    }

    /** The file of an embedded H2 repository, or null for another database. */
    private static Path h2File(RepositoryConfig repository) {
        String url = repository.url();
        if (url == null || !url.startsWith("jdbc:h2:file:")) {
            return null;
        }
        return Path.of(url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db");
    }

    /**
     * Earlier versions kept the default repository of every job in one place that depended on the
     * working directory ({@code $CRM_WAREHOUSE_HOME/job-repository}, else
     * {@code ./var/job-repository}). When a job's default repository (in its output folder) does
     * not exist yet and that file does, the job's starts as a copy of it, so an upgrade keeps the
     * record of completed nights and failed ones to restart. A copy, not a move: the old file may
     * hold other jobs' nights, which adopt it in their turn.
     */
    static void adoptPreviousDefault(RepositoryConfig repository, Path file) {
        if (repository.previousDefault() == null || Files.exists(file)) {
            return;
        }
        Path previous = repository.previousDefault().resolve(file.getFileName());
        if (!Files.isRegularFile(previous) || previous.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".adopting");
            Files.copy(previous, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the job repository from its previous default place " + previous
                    + " to " + file + " (" + e.getMessage() + "): copy it there yourself, or name it in the config's "
                    + "repository: url", e);
        }
        // stdout, not the log: logging is set up only once the repository has opened
        System.out.println("[repository] copied the job repository from its previous default place " + previous
                + " to " + file + " (the job's repository now lives in its output folder; the old file is left for "
                + "other jobs: delete it once each has run)");
    }

    static Path ledger(JobConfig config) {
        return config.stateFolder().resolve(LEDGER);
    }

    /** Records a night the repository has just recorded COMPLETED. */
    static void recordCompleted(JobConfig config, JobExecution execution) throws IOException {
        JobParameters p = execution.getJobParameters();
        Properties night = new Properties();
        night.setProperty("job", p.getString(RunContext.JOB_NAME));
        night.setProperty("business_date", String.valueOf(p.getLocalDate(RunContext.BUSINESS_DATE)));
        night.setProperty("rerun", String.valueOf(p.getLong(RunContext.RERUN)));
        night.setProperty("execution", String.valueOf(execution.getId()));
        Path file = ledger(config);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(LEDGER + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            night.store(w, "the last night the job repository recorded COMPLETED; checked before every run");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Refuses, in one line, when the repository no longer holds the ledger's night. */
    static void checkKnowsLastNight(JobRepository repository, JobConfig config) throws IOException {
        Path file = ledger(config);
        if (!Files.isRegularFile(file)) {
            return; // no night completed yet (or an output from before the ledger)
        }
        Properties night = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            night.load(r);
        }
        String job = night.getProperty("job");
        String date = night.getProperty("business_date");
        String rerun = night.getProperty("rerun");
        long id;
        try {
            id = Long.parseLong(night.getProperty("execution", ""));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " is damaged (no execution number): delete it to skip this check "
                    + "once, or run with --full");
        }
        JobExecution execution;
        try {
            execution = repository.getJobExecution(id);
        } catch (org.springframework.dao.IncorrectResultSizeDataAccessException absent) {
            execution = null; // the JDBC repository throws rather than answer null for an unknown id
        }
        if (execution != null && execution.getStatus() == BatchStatus.COMPLETED) {
            JobParameters p = execution.getJobParameters();
            LocalDate recorded = p.getLocalDate(RunContext.BUSINESS_DATE);
            if (job != null && job.equals(p.getString(RunContext.JOB_NAME)) && recorded != null
                    && recorded.toString().equals(date) && String.valueOf(p.getLong(RunContext.RERUN)).equals(rerun)) {
                return;
            }
        }
        throw new IllegalStateException("the job repository " + config.repository().redactedUrl() + " has lost night "
                + date + " of job " + job + " (execution " + id + "), which completed and was published (" + file
                + "): the repository was truncated, replaced or restored from an older copy; restore its latest copy, "
                + "or run with --full to start over from the sources (nights it lost then run again as new)");
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
