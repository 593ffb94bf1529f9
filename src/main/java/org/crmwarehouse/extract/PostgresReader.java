package org.crmwarehouse.extract;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.crmwarehouse.config.PostgresConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.ParsedSql;
import org.crmwarehouse.sql.Sql;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code query} source from PostgreSQL over JDBC into a DuckDB table of text columns
 * ({@code _line} + the query's columns, lower-cased), streamed with DuckDB's Appender. With a
 * {@code key_range} the query is read in slices of the key column's range (integer keys: equal
 * ranges between its minimum and maximum; other keys: by {@code hashtext}), one connection and
 * one thread per slice. With a watermark only rows at or after it are read; the filter runs in
 * PostgreSQL.
 */
final class PostgresReader {
    private static final Logger log = LoggerFactory.getLogger(PostgresReader.class);
    private static final int FETCH_SIZE = 10_000;

    private final PostgresConfig config;

    PostgresReader(PostgresConfig config) {
        if (config == null) {
            throw new ExtractException("a query source needs the job's 'postgres' connection");
        }
        this.config = config;
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
        try {
            // Every transaction of the session is read-only, whatever the URL's readOnlyMode says;
            // the query is one statement (checked in read), so it cannot end this transaction
            // and start a writing one.
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            }
            c.setAutoCommit(false); // the driver streams with a cursor (fetch size) only inside a transaction
            c.setReadOnly(true);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Reads the source into {@code table}. Returns the number of rows. {@code watermarkColumn} and
     * {@code watermarkFrom} (text of the last maximum) are both null for a full read.
     */
    long read(Connection duck, SourceSpec source, String table, String watermarkColumn, String watermarkFrom)
            throws SQLException {
        long started = System.nanoTime();
        String base = "SELECT * FROM (\n" + source.query() + "\n) q";
        List<String> columns = new ArrayList<>();
        String watermarkType = null;
        List<String> where = new ArrayList<>();
        try (Connection pg = connect()) {
            // The load checked this assuming standard_conforming_strings; this server's setting decides.
            boolean standardStrings = pg.unwrap(org.postgresql.core.BaseConnection.class).getStandardConformingStrings();
            int statements = ParsedSql.postgresStatements(base, standardStrings);
            if (statements != 1) {
                throw new ExtractException("sources." + source.entity() + ".query must be a single query: the "
                        + "PostgreSQL driver reads " + statements + " statements in it");
            }
            try (PreparedStatement s = pg.prepareStatement(base + " WHERE false"); ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
                    if (md.getColumnLabel(i).equalsIgnoreCase(String.valueOf(watermarkColumn))) {
                        watermarkType = md.getColumnTypeName(i);
                    }
                }
            } catch (SQLException e) {
                throw new ExtractException("sources." + source.entity() + ".query does not run on "
                        + config.redactedUrl() + ": " + SourceExtractor.firstLine(e), e);
            }
            if (watermarkColumn != null && watermarkType == null) {
                throw new ExtractException("sources." + source.entity() + ".query does not return the watermark column "
                        + watermarkColumn + "; it returns " + columns);
            }
            if (watermarkFrom != null) {
                where.add("q." + Sql.identifier(watermarkColumn) + " >= CAST(? AS " + watermarkType + ")");
            }
            List<String> slices = new ArrayList<>();
            SourceSpec.KeyRange range = source.keyRange();
            if (range == null || range.partitions() == 1) {
                slices.add(null);
            } else {
                String key = "q." + Sql.identifier(range.column());
                try (PreparedStatement s = pg.prepareStatement("SELECT min(" + key + "), max(" + key + "), "
                        + "pg_typeof(min(" + key + "))::text FROM (\n" + source.query() + "\n) q"
                        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)))) {
                    if (watermarkFrom != null) {
                        s.setString(1, watermarkFrom);
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        String type = rs.getString(3);
                        if (rs.getObject(1) == null) {
                            slices.add(null); // nothing to read
                        } else if (type != null && type.matches("smallint|integer|bigint")) {
                            long min = rs.getLong(1);
                            long max = rs.getLong(2);
                            long width = Math.max(1, (max - min) / range.partitions() + 1);
                            for (int p = 0; p < range.partitions(); p++) {
                                long lo = min + p * width;
                                if (lo > max) {
                                    break;
                                }
                                slices.add(key + " >= " + lo + (p == range.partitions() - 1 ? "" : " AND " + key
                                        + " < " + (lo + width)));
                            }
                        } else {
                            for (int p = 0; p < range.partitions(); p++) {
                                slices.add("abs(hashtext(" + key + "::text)) % " + range.partitions() + " = " + p);
                            }
                        }
                    }
                }
            }
            pg.rollback();
            return readSlices(duck, source, table, columns, base, where, watermarkFrom, slices, started);
        }
    }

    private long readSlices(Connection duck, SourceSpec source, String table, List<String> columns, String base,
            List<String> where, String watermarkFrom, List<String> slices, long started) throws SQLException {
        List<String> defs = new ArrayList<>();
        columns.forEach(c -> defs.add(Sql.identifier(c) + " VARCHAR"));
        for (int p = 0; p < slices.size(); p++) {
            Db.execute(duck, "CREATE OR REPLACE TABLE " + table + "__p" + p + " (" + String.join(", ", defs) + ")");
        }
        ExecutorService pool = Executors.newFixedThreadPool(slices.size());
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int p = 0; p < slices.size(); p++) {
                List<String> conditions = new ArrayList<>(where);
                if (slices.get(p) != null) {
                    conditions.add(slices.get(p));
                }
                String sql = base + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions));
                String target = table + "__p" + p;
                futures.add(pool.submit(() -> readSlice(duck, sql, watermarkFrom, target, columns.size())));
            }
            long rows = 0;
            for (Future<Long> f : futures) {
                try {
                    rows += f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw new ExtractException("sources." + source.entity() + ": reading PostgreSQL failed: "
                            + cause.getMessage(), cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ExtractException("interrupted while reading PostgreSQL", e);
                }
            }
            List<String> parts = new ArrayList<>();
            for (int p = 0; p < slices.size(); p++) {
                parts.add("SELECT * FROM " + table + "__p" + p);
            }
            String order = source.keyRange() != null && columns.contains(source.keyRange().column().toLowerCase(Locale.ROOT))
                    ? "ORDER BY try_cast(" + Sql.identifier(source.keyRange().column().toLowerCase(Locale.ROOT))
                            + " AS BIGINT), " + Sql.identifier(source.keyRange().column().toLowerCase(Locale.ROOT))
                    : "";
            Db.execute(duck, "CREATE OR REPLACE TABLE " + table + " AS SELECT row_number() OVER (" + order
                    + ") AS _line, * FROM (" + String.join(" UNION ALL ", parts) + ")");
            for (int p = 0; p < slices.size(); p++) {
                Db.execute(duck, "DROP TABLE " + table + "__p" + p);
            }
            log.info("[extract] {} from PostgreSQL: {} rows in {} slice(s) ({} ms)", source.entity(), rows,
                    slices.size(), (System.nanoTime() - started) / 1_000_000);
            return rows;
        } finally {
            pool.shutdownNow();
        }
    }

    private long readSlice(Connection duck, String sql, String watermarkFrom, String target, int width)
            throws SQLException {
        long rows = 0;
        try (Connection pg = connect(); PreparedStatement s = pg.prepareStatement(sql);
                DuckDBConnection own = ((DuckDBConnection) duck.unwrap(DuckDBConnection.class)).duplicate();
                DuckDBAppender appender = own.createAppender(DuckDBConnection.DEFAULT_SCHEMA, target)) {
            s.setFetchSize(FETCH_SIZE);
            if (watermarkFrom != null) {
                s.setString(1, watermarkFrom);
            }
            try (ResultSet rs = s.executeQuery()) {
                int[] types = new int[width];
                for (int i = 0; i < width; i++) {
                    types[i] = rs.getMetaData().getColumnType(i + 1);
                }
                while (rs.next()) {
                    appender.beginRow();
                    for (int i = 1; i <= width; i++) {
                        String v = text(rs, i, types[i - 1]);
                        if (v == null) {
                            appender.appendNull();
                        } else {
                            appender.append(v);
                        }
                    }
                    appender.endRow();
                    rows++;
                }
            }
            pg.rollback();
        }
        return rows;
    }

    /** The value as the contract's text: ISO dates and timestamps, plain decimals, true/false. */
    private static String text(ResultSet rs, int i, int type) throws SQLException {
        return switch (type) {
            case Types.NUMERIC, Types.DECIMAL -> {
                var d = rs.getBigDecimal(i);
                yield d == null ? null : d.toPlainString();
            }
            case Types.BIT, Types.BOOLEAN -> {
                boolean b = rs.getBoolean(i);
                yield rs.wasNull() ? null : Boolean.toString(b);
            }
            case Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> bcAsDuckDbWrites(rs.getString(i));
            default -> rs.getString(i);
        };
    }

    /** PostgreSQL's "0044-03-15 10:00:00 BC" ends with the era; DuckDB, and validation, read "0044-03-15 (BC) 10:00:00". */
    private static final java.util.regex.Pattern BC = java.util.regex.Pattern.compile("([0-9]{4,}-[0-9]{2}-[0-9]{2})(.*) BC");

    static String bcAsDuckDbWrites(String text) {
        if (text == null || !text.endsWith(" BC")) {
            return text;
        }
        var m = BC.matcher(text);
        // a BC date is then refused as OUT_OF_RANGE (before earliest_date), not as BAD_TYPE
        return m.matches() ? m.group(1) + " (BC)" + m.group(2) : text;
    }
}
