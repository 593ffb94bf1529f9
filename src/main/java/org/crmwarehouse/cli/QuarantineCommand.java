package org.crmwarehouse.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Shows the quarantined rows of a published night: from the night's Parquet file
 * ({@code marts/quarantine/business_date=<d>/quarantine.parquet}), or from the warehouse when no date is given
 * or the date is the one the warehouse holds (the latest published).
 */
@Command(name = "quarantine", description = "Show the rows quarantined on a published night (read-only).")
final class QuarantineCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The job config whose output to read.")
    Path config;

    @Option(names = "--date", description = "Business date (YYYY-MM-DD); default: the latest published night.")
    LocalDate date;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many rows (default 100; 0 = all).")
    int limit;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (csv: full values, header row).")
    SqlCommand.Format format;

    /** Table cells longer than this are cut (a raw line may hold megabytes); csv shows them whole. */
    static final int TABLE_CELL_CHARS = 60;

    private static final String COLUMNS = "business_date, entity, source, line, column_name, reason_code, value, "
            + "detail, raw_text";

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be 0 (all) or more, not " + limit);
        }
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        Path warehouse = job.warehouseFile();
        LocalDate published = Files.exists(warehouse) ? publishedDate(warehouse) : null;
        Path parquet = date == null ? null : job.martsFile(Publisher.QUARANTINE_TABLE, date);
        if (date == null || (date.equals(published) && !Files.exists(parquet))) {
            if (published == null) {
                throw new IllegalStateException("no published warehouse at " + warehouse + ": run the job first");
            }
            try (Connection db = Db.openReadOnly(warehouse)) {
                print(db, Publisher.QUARANTINE_TABLE);
            }
        } else {
            if (!Files.exists(parquet)) {
                throw new IllegalStateException("nothing published for " + date + ": no " + parquet);
            }
            try (Connection db = Db.inMemory()) {
                // business_date is the folder's (the Hive partition column), not in the file
                print(db, "read_parquet(" + Sql.literal(parquet) + ", hive_partitioning = true)");
            }
        }
        return 0;
    }

    private void print(Connection db, String from) throws Exception {
        String columns = format == SqlCommand.Format.csv ? COLUMNS : tableColumns();
        String query = "SELECT " + columns + " FROM " + from + " ORDER BY entity, line, column_name, reason_code"
                + (limit > 0 ? " LIMIT " + limit : "");
        long total = Db.queryLong(db, "SELECT count(*) FROM " + from);
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(query)) {
            if (format == SqlCommand.Format.csv) {
                SqlCommand.printCsv(rs, System.out);
            } else {
                SqlCommand.printTable(rs, System.out);
                if (limit > 0 && total > limit) {
                    System.out.println("(first " + limit + " of " + total + " quarantined rows: --limit 0 shows all)");
                }
            }
        }
    }

    private static String tableColumns() {
        StringBuilder b = new StringBuilder();
        for (String c : COLUMNS.split(", ")) {
            b.append(b.length() == 0 ? "" : ", ").append(c.equals("business_date") || c.equals("line") ? c
                    : "CASE WHEN length(" + c + ") > " + TABLE_CELL_CHARS + " THEN left(" + c + ", "
                            + (TABLE_CELL_CHARS - 3) + ") || '...' ELSE " + c + " END AS " + c);
        }
        return b.toString();
    }

    private static LocalDate publishedDate(Path warehouse) throws SQLException {
        try (Connection db = Db.openReadOnly(warehouse); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT CAST(business_date AS VARCHAR) FROM warehouse_info")) {
            return rs.next() ? LocalDate.parse(rs.getString(1)) : null;
        }
    }
}
