package org.crmwarehouse.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", description = "Query the published warehouse (opened read-only).")
final class SqlCommand implements Callable<Integer> {

    enum Format { table, csv }

    @Option(names = "--config", required = true, description = "The job config whose warehouse to query.")
    Path config;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (csv has a header row).")
    Format format;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
    String query;

    @Override
    public Integer call() throws Exception {
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        Path warehouse = job.warehouseFile();
        if (!Files.exists(warehouse)) {
            throw new IllegalStateException("no published warehouse at " + warehouse + ": run the job first");
        }
        try (Connection db = Db.openReadOnly(warehouse); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            if (format == Format.csv) {
                printCsv(rs, System.out);
            } else {
                printTable(rs, System.out);
            }
        }
        return 0;
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
