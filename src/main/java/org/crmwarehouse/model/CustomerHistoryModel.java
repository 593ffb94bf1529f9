package org.crmwarehouse.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.JavaModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dim_customer_history: the value tier, RFM segment and lifecycle state of every customer as a
 * type-2 slowly changing dimension (one row per change, valid_from / valid_to, valid_to NULL on the
 * current row), kept night by night.
 *
 * <p>The work database is rebuilt from the inputs every night, so yesterday's history is not in it:
 * it is read from the snapshot of the night last published ({@code run_parameters.published_warehouse},
 * see Publisher.lastPublished; attached read-only; absent on the first night, or when the file has
 * no history yet), never from the live {@code warehouse.duckdb}, which a reader may hold open
 * read-write. It is first
 * rewound to the state before business_date: rows that started on or after business_date are
 * dropped and rows closed on or after it are reopened. Rerunning a night therefore replaces what
 * an earlier attempt of the same night wrote. Tonight's state (mart_customer_lifecycle, with
 * mart_customer_value.value_tier and mart_customer_rfm.segment) is then merged in: an unchanged
 * customer keeps its open row, a changed one has its open row closed at business_date and gets a
 * new row from business_date, a customer no longer known has its open row closed.
 *
 * <p>A business_date before the published night would drop the later nights' changes, so it fails
 * unless the job sets {@code value_history_on_earlier_date: rewind} (then the history is cut back
 * to that date and the later nights are recorded again when they are rerun).
 */
public final class CustomerHistoryModel implements JavaModel {
    private static final Logger log = LoggerFactory.getLogger(CustomerHistoryModel.class);

    public static final String NAME = "dim_customer_history";
    static final String PREVIOUS = "tmp_previous_customer_history";
    private static final String ATTACHED = "previous_warehouse";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("mart_customer_lifecycle", "mart_customer_value", "mart_customer_rfm");
    }

    @Override
    public void build(Connection db) throws SQLException {
        LocalDate businessDate;
        String published;
        String onEarlierDate;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT business_date, published_warehouse, value_history_on_earlier_date FROM run_parameters")) {
            rs.next();
            businessDate = rs.getObject(1, LocalDate.class);
            published = rs.getString(2);
            onEarlierDate = rs.getString(3).toLowerCase(Locale.ROOT);
        }
        if (!onEarlierDate.equals("fail") && !onEarlierDate.equals("rewind")) {
            throw new IllegalArgumentException("parameter value_history_on_earlier_date must be fail or rewind, got '"
                    + onEarlierDate + "'");
        }
        String date = "DATE " + Sql.literal(businessDate.toString());
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE " + PREVIOUS + " (customer_id VARCHAR, valid_from DATE,"
                + " valid_to DATE, value_tier VARCHAR, rfm_segment VARCHAR, lifecycle_state VARCHAR,"
                + " changed VARCHAR)");
        if (published != null && Files.exists(Path.of(published))) {
            readPrevious(db, Path.of(published), businessDate, onEarlierDate);
        } else {
            log.info("[transform] {}: no published warehouse yet, the history starts on {}", NAME, businessDate);
        }
        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " AS" + mergeQuery(date));
        Db.execute(db, "DROP TABLE " + PREVIOUS);
    }

    /**
     * Tonight's history: {@code PREVIOUS} (the published history, rewound) merged with tonight's
     * state; {@code date} is business_date as a SQL literal. Every join is an equi-join, which the
     * plan test (CustomerHistoryModelTest) checks: a condition on one side alone in a LEFT JOIN's
     * ON clause once made DuckDB run a nested loop join, 9+ minutes at 1,000,000 customers.
     */
    static String mergeQuery(String date) {
        return " WITH previous AS (SELECT * FROM " + PREVIOUS + "),"
                + " tonight AS (SELECT l.customer_id, v.value_tier, r.segment AS rfm_segment, l.lifecycle_state"
                + "   FROM mart_customer_lifecycle l"
                + "   LEFT JOIN mart_customer_value v ON v.customer_id = l.customer_id"
                + "   LEFT JOIN mart_customer_rfm r ON r.customer_id = l.customer_id),"
                + " open_rows AS (SELECT * FROM previous WHERE valid_to IS NULL),"
                + " compared AS (SELECT o.customer_id, o.valid_from,"
                + "   t.customer_id IS NULL AS gone,"
                + "   concat_ws(', ',"
                + "     CASE WHEN o.value_tier IS DISTINCT FROM t.value_tier THEN 'value_tier' END,"
                + "     CASE WHEN o.rfm_segment IS DISTINCT FROM t.rfm_segment THEN 'rfm_segment' END,"
                + "     CASE WHEN o.lifecycle_state IS DISTINCT FROM t.lifecycle_state THEN 'lifecycle_state' END)"
                + "     AS changes"
                + "   FROM open_rows o LEFT JOIN tonight t ON t.customer_id = o.customer_id),"
                + " kept AS (SELECT p.customer_id, p.valid_from,"
                + "   CASE WHEN p.valid_to IS NULL AND (c.gone OR c.changes <> '') THEN " + date
                + "     ELSE p.valid_to END AS valid_to,"
                + "   p.value_tier, p.rfm_segment, p.lifecycle_state, p.changed"
                // compared holds open rows only and (customer_id, valid_from) is unique: a closed
                // row finds no match
                + "   FROM previous p LEFT JOIN compared c"
                + "     ON c.customer_id = p.customer_id AND c.valid_from = p.valid_from),"
                + " started AS (SELECT t.customer_id, " + date + " AS valid_from, CAST(NULL AS DATE) AS valid_to,"
                + "   t.value_tier, t.rfm_segment, t.lifecycle_state,"
                + "   CASE WHEN c.customer_id IS NULL THEN 'new' ELSE c.changes END AS changed"
                + "   FROM tonight t LEFT JOIN compared c ON c.customer_id = t.customer_id"
                + "   WHERE c.customer_id IS NULL OR c.changes <> ''),"
                + " final AS (SELECT * FROM kept UNION ALL SELECT * FROM started)"
                + " SELECT customer_id, valid_from, valid_to, valid_to IS NULL AS is_current,"
                + "   value_tier, rfm_segment, lifecycle_state, changed"
                + " FROM final";
    }

    /** Copies the published history into PREVIOUS, rewound to the state before businessDate. */
    private static void readPrevious(Connection db, Path file, LocalDate businessDate, String onEarlierDate)
            throws SQLException {
        Path copy = attach(db, file);
        try {
            boolean hasHistory = Db.queryLong(db, "SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                    + Sql.literal(ATTACHED) + " AND schema_name = 'main' AND table_name = " + Sql.literal(NAME)) > 0;
            if (!hasHistory) {
                log.info("[transform] {}: {} has no history yet, the history starts on {}", NAME, file, businessDate);
                return;
            }
            LocalDate last = lastNight(db);
            if (last != null && last.isAfter(businessDate)) {
                if (onEarlierDate.equals("fail")) {
                    throw new NightOrderException("business_date " + businessDate + " is before the night of the published "
                            + NAME + " (" + last + ", in " + file + "): running it would drop the changes recorded"
                            + " after " + businessDate + ". Run " + last + " or later, or set the job parameter"
                            + " value_history_on_earlier_date: rewind to cut the history back to " + businessDate);
                }
                log.warn("[transform] {}: rewinding the published history of {} to {} (value_history_on_earlier_date"
                        + " = rewind)", NAME, last, businessDate);
            }
            String date = "DATE " + Sql.literal(businessDate.toString());
            Db.execute(db, "INSERT INTO " + PREVIOUS + " SELECT customer_id, valid_from,"
                    + " CASE WHEN valid_to >= " + date + " THEN NULL ELSE valid_to END, value_tier, rfm_segment,"
                    + " lifecycle_state, changed FROM " + ATTACHED + "." + NAME + " WHERE valid_from < " + date);
            log.info("[transform] {}: {} rows of the history as of {} read from {}", NAME,
                    Db.queryLong(db, "SELECT count(*) FROM " + PREVIOUS), last, file);
        } finally {
            Db.execute(db, "DETACH " + ATTACHED);
            deleteCopy(copy);
        }
    }

    /**
     * The night the history published in {@code warehouse} is as of, or null when there is no
     * published warehouse or it holds no history: a night before it cannot carry the history
     * forward (backfill checks this before it starts).
     */
    public static LocalDate publishedNight(Path warehouse) throws SQLException {
        if (warehouse == null || !Files.isRegularFile(warehouse)) {
            return null;
        }
        Path copy = null;
        try (Connection db = Db.inMemory()) {
            copy = attach(db, warehouse.toAbsolutePath());
            boolean hasHistory = Db.queryLong(db, "SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                    + Sql.literal(ATTACHED) + " AND schema_name = 'main' AND table_name = " + Sql.literal(NAME)) > 0;
            return hasHistory ? lastNight(db) : null;
        } finally {
            deleteCopy(copy);
        }
    }

    /**
     * Attaches the file read-only. A process holding it open read-write (someone opened a
     * snapshot in DBeaver) makes DuckDB refuse even that: then a private copy is attached (the
     * copy reads the bytes, which no lock stops); returns that copy, for the caller to delete after
     * DETACH, or null.
     */
    private static Path attach(Connection db, Path file) throws SQLException {
        try {
            Db.execute(db, "ATTACH " + Sql.literal(file.toString()) + " AS " + ATTACHED + " (READ_ONLY)");
            return null;
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("Could not set lock")) {
                throw e;
            }
            try {
                Path copy = Files.createTempFile("carried-", ".duckdb");
                Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                log.warn("[transform] {}: {} is locked by another process; reading a copy", NAME, file);
                Db.execute(db, "ATTACH " + Sql.literal(copy.toString()) + " AS " + ATTACHED + " (READ_ONLY)");
                return copy;
            } catch (java.io.IOException io) {
                e.addSuppressed(io);
                throw e;
            }
        }
    }

    private static void deleteCopy(Path copy) {
        if (copy != null) {
            try {
                Files.deleteIfExists(copy);
            } catch (java.io.IOException e) {
                log.warn("[transform] could not delete the copy {}: {}", copy, e.toString());
            }
        }
    }

    /** The night the published history is as of: warehouse_info.business_date, else its latest date. */
    private static LocalDate lastNight(Connection db) throws SQLException {
        String source = Db.tableExists(db, ATTACHED, "warehouse_info")
                ? "SELECT max(business_date) FROM " + ATTACHED + ".warehouse_info"
                : "SELECT max(greatest(valid_from, coalesce(valid_to, valid_from))) FROM " + ATTACHED + "." + NAME;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(source)) {
            rs.next();
            return rs.getObject(1, LocalDate.class);
        }
    }

    /** A night the history cannot be carried to from the published one: the operator's to fix, one line. */
    public static final class NightOrderException extends RuntimeException {
        public NightOrderException(String message) {
            super(message);
        }
    }
}
