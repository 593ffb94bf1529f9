package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.config.RepositoryConfig;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.DuckDbErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show the recent runs recorded in the JobRepository and how they ended.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--config", description = "A job config whose repository to read (default: the one earlier "
            + "versions shared, $CRM_WAREHOUSE_HOME/job-repository or ./var/job-repository).")
    Path config;

    @Option(names = "--limit", defaultValue = "20", description = "How many runs to show (default ${DEFAULT-VALUE}).")
    int limit;

    enum Format { table, json }

    @Option(names = "--format", defaultValue = "table", description = "table or json (an array of run objects).")
    Format format;

    private static final String RECENT_RUNS = """
            SELECT e.JOB_EXECUTION_ID, e.STATUS, e.START_TIME, e.END_TIME, e.EXIT_MESSAGE,
                   (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                     WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'job.name') AS JOB,
                   (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                     WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'business.date') AS BUSINESS_DATE,
                   (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                     WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'rerun') AS RERUN,
                   (SELECT max(s.STEP_NAME) FROM BATCH_STEP_EXECUTION s
                     WHERE s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND s.STATUS = 'FAILED') AS FAILED_STEP
              FROM BATCH_JOB_EXECUTION e
             ORDER BY e.JOB_EXECUTION_ID DESC
             LIMIT ?
            """;

    @Override
    public Integer call() throws Exception {
        RepositoryConfig repository = config == null ? RepositoryConfig.embeddedDefault()
                : new JobConfigLoader(Contract.standard()).load(config).repository();
        org.crmwarehouse.orchestrate.RepositorySafety.checkOpens(repository);
        String url = repository.url().startsWith("jdbc:h2:") ? repository.url() + ";IFEXISTS=TRUE" : repository.url();
        try (Connection c = DriverManager.getConnection(url, repository.user(), repository.password());
                PreparedStatement s = c.prepareStatement(RECENT_RUNS)) {
            s.setInt(1, limit);
            List<List<Object>> runs = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    LocalDateTime start = rs.getObject(3, LocalDateTime.class);
                    LocalDateTime end = rs.getObject(4, LocalDateTime.class);
                    Double seconds = start != null && end != null ? Duration.between(start, end).toMillis() / 1000.0 : null;
                    String note = rs.getString(9) != null ? "failed in " + rs.getString(9) + ": "
                            + firstLine(rs.getString(5)) : "";
                    String rerun = rs.getString(8);
                    runs.add(Arrays.asList(rs.getLong(1), rs.getString(6), rs.getString(7),
                            rerun == null ? null : Long.valueOf(rerun), rs.getString(2),
                            start == null ? null : start.withNano(0).toString().replace('T', ' '),
                            end == null ? null : end.withNano(0).toString().replace('T', ' '), seconds,
                            rs.getString(9), note));
                }
            }
            if (format == Format.json) {
                JsonRows.print(List.of("execution", "job", "business_date", "rerun", "status", "started", "ended",
                        "seconds", "failed_step", "note"), runs, System.out);
                return 0;
            }
            System.out.printf(Locale.ROOT, "%-6s %-14s %-12s %-5s %-10s %-19s %9s  %s%n",
                    "exec", "job", "date", "rerun", "status", "started", "seconds", "note");
            for (List<Object> r : runs) {
                System.out.printf(Locale.ROOT, "%-6d %-14s %-12s %-5s %-10s %-19s %9s  %s%n", r.get(0), r.get(1),
                        r.get(2), r.get(3), r.get(4), r.get(5) == null ? "" : r.get(5),
                        r.get(7) == null ? "" : String.format(Locale.ROOT, "%.1f", (Double) r.get(7)), r.get(9));
            }
            if (runs.isEmpty()) {
                System.out.println("(no runs recorded yet)");
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("not found")) {
                if (format == Format.json) {
                    System.out.println("[]");
                } else {
                    System.out.println("No runs recorded yet: the JobRepository " + repository.redactedUrl()
                            + " does not exist." + (config == null ? " A job's repository is in its output folder "
                            + "(<output>/" + RepositoryConfig.FOLDER + "/): pass --config FILE." : ""));
                }
                return 0;
            }
            throw new SQLException("cannot read the JobRepository " + repository.redactedUrl() + ": " + e.getMessage(), e);
        }
        return 0;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        // the exit description is a stack trace: its first line is the exception and its message
        String line = DuckDbErrors.readable(text).lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
