package org.crmwarehouse.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.DuckDbErrors;
import org.crmwarehouse.sql.ParsedSql;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One query over the published warehouse. The text must be exactly one query as DuckDB's own
 * parser reads it (no second statement, no COPY, ATTACH, INSTALL, LOAD, SET or PRAGMA), and it
 * runs on a connection that reads the warehouse file and the Parquet marts and nothing else, with
 * its configuration locked (see {@link Db#openQueryOnly}).
 */
@Command(name = "sql", description = "Query the published warehouse: one read-only query (SELECT, WITH, FROM, "
        + "DESCRIBE, ...) that can read the warehouse and the Parquet marts and no other file.")
final class SqlCommand implements Callable<Integer> {

    enum Format { table, csv, json }

    @Option(names = "--config", required = true, description = "The job config whose warehouse to query.")
    Path config;

    @Option(names = "--format", defaultValue = "table", description = "table, csv (with a header row) or json (an array of row objects).")
    Format format;

    @Parameters(index = "0", paramLabel = "QUERY", description = "One SQL query.")
    String query;

    @Override
    public Integer call() throws Exception {
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        Path warehouse = job.warehouseFile();
        if (!Files.exists(warehouse)) {
            throw new IllegalStateException("no published warehouse at " + warehouse + ": run the job first");
        }
        try (Connection db = Db.openQueryOnly(warehouse, List.of(job.output().resolve("marts")))) {
            String refused = ParsedSql.parse(db, query).notOneQuery();
            if (refused != null) {
                throw new IllegalArgumentException("sql runs one read-only query (SELECT, WITH ... SELECT, FROM ..., "
                        + "DESCRIBE ...) and nothing else: " + refused);
            }
            run(db, job.output().resolve("marts"));
        }
        return 0;
    }

    private void run(Connection db, Path marts) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(query)) {
            if (format == Format.csv) {
                printCsv(rs, System.out);
            } else if (format == Format.json) {
                JsonRows.print(rs, System.out);
            } else {
                printTable(rs, System.out);
            }
        } catch (SQLException e) {
            SQLException clear = DuckDbErrors.readable(e);
            if (String.valueOf(clear.getMessage()).contains("Permission Error")) {
                // DuckDB's "LINE 1: ..." excerpt only repeats the path
                throw new SQLException(clear.getMessage().replaceFirst("(?s)\\s*LINE \\d+:.*$", "").strip() + " (sql reads the warehouse and the Parquet "
                        + "files under " + marts.toAbsolutePath().normalize() + " and no other file)");
            }
            throw clear;
        }
    }

    static void printCsv(ResultSet rs, PrintStream out) throws Exception {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> header = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            header.add(csvField(meta.getColumnLabel(i)));
        }
        out.println(String.join(",", header));
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String v = rs.getString(i);
                row.add(v == null ? "" : csvField(v));
            }
            out.println(String.join(",", row));
        }
    }

    static String csvField(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    static void printTable(ResultSet rs, PrintStream out) throws Exception {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        int[] width = new int[n];
        String[] header = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = meta.getColumnLabel(i + 1);
            width[i] = header[i].length();
        }
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                String v = rs.getString(i + 1);
                row[i] = v == null ? "NULL" : v.replace('\n', ' ');
                width[i] = Math.max(width[i], row[i].length());
            }
            rows.add(row);
        }
        out.println(line(header, width));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (String[] row : rows) {
            out.println(line(row, width));
        }
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }

    private static String line(String[] values, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : " | ").append(String.format("%-" + Math.max(1, width[i]) + "s", values[i]));
        }
        return b.toString().stripTrailing();
    }
}
