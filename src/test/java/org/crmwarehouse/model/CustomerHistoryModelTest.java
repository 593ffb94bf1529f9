package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CustomerHistoryModel against a hand-made published warehouse whose history is as of 2026-01-03:
 * <pre>
 *   A  2026-01-01 .. 2026-01-03  small / new / actual          (new)
 *   A  2026-01-03 .. open        major / loyal / loyal         (value_tier, rfm_segment, lifecycle_state)
 *   B  2026-01-01 .. open        small / hibernating / churned (new)
 *   C  2026-01-03 .. open        VIP / champions / loyal       (new)
 * </pre>
 * Tonight (2026-01-02) A is small / new / actual, B small / at risk / churned, and D (no sale) is
 * potential. Running 2026-01-02 is running an earlier night: refused by default; with rewind the
 * history is first cut back to before 2026-01-02 (A's first row reopened, A's second row and C
 * dropped: they started on 2026-01-03), then merged: A unchanged keeps its open row, B's segment
 * changed (row closed on 2026-01-02, a new one opened), D is new, and C has no row left (it only
 * started on 2026-01-03).
 */
class CustomerHistoryModelTest {

    /**
     * The merge must be hash joins only. With {@code AND p.valid_to IS NULL} in a LEFT JOIN's ON
     * clause DuckDB chose a BLOCKWISE_NL_JOIN, which had not finished after 9 minutes on the second
     * incremental night at 1,000,000 customers (bench --incremental-nights); the plan shows it at
     * any size, so a few rows are enough here.
     */
    @Test
    void theMergeIsPlannedWithoutNestedLoopJoins() throws Exception {
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "CREATE TABLE " + CustomerHistoryModel.PREVIOUS + " (customer_id VARCHAR, valid_from DATE,"
                    + " valid_to DATE, value_tier VARCHAR, rfm_segment VARCHAR, lifecycle_state VARCHAR, changed VARCHAR)");
            Db.execute(db, "INSERT INTO " + CustomerHistoryModel.PREVIOUS + " SELECT 'C' || i, DATE '2026-01-01', NULL,"
                    + " 'small', 'new', 'actual', 'new' FROM range(1000) t(i)");
            Db.execute(db, "CREATE TABLE mart_customer_lifecycle AS SELECT 'C' || i AS customer_id, 'actual' AS"
                    + " lifecycle_state FROM range(1000) t(i)");
            Db.execute(db, "CREATE TABLE mart_customer_value AS SELECT customer_id, 'small' AS value_tier"
                    + " FROM mart_customer_lifecycle");
            Db.execute(db, "CREATE TABLE mart_customer_rfm AS SELECT customer_id, 'new' AS segment FROM mart_customer_lifecycle");
            StringBuilder plan = new StringBuilder();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN "
                    + CustomerHistoryModel.mergeQuery("DATE '2026-01-02'"))) {
                while (rs.next()) {
                    plan.append(rs.getString("explain_value")).append('\n');
                }
            }
            assertThat(plan.toString()).contains("HASH_JOIN").doesNotContain("NL_JOIN").doesNotContain("NESTED_LOOP")
                    .doesNotContain("CROSS_PRODUCT");
        }
    }

    @Test
    void anEarlierNightFailsByDefaultAndRewindsWhenAsked(@TempDir Path dir) throws Exception {
        Path published = dir.resolve("warehouse.duckdb");
        try (Connection db = Db.open(published)) {
            Db.execute(db, "CREATE TABLE warehouse_info AS SELECT 'job' AS job_name, DATE '2026-01-03' AS business_date");
            Db.execute(db, "CREATE TABLE dim_customer_history (customer_id VARCHAR, valid_from DATE, valid_to DATE,"
                    + " is_current BOOLEAN, value_tier VARCHAR, rfm_segment VARCHAR, lifecycle_state VARCHAR,"
                    + " changed VARCHAR)");
            Db.execute(db, "INSERT INTO dim_customer_history VALUES"
                    + " ('A', '2026-01-01', '2026-01-03', false, 'small', 'new', 'actual', 'new'),"
                    + " ('A', '2026-01-03', NULL, true, 'major', 'loyal', 'loyal', 'value_tier, rfm_segment, lifecycle_state'),"
                    + " ('B', '2026-01-01', NULL, true, 'small', 'hibernating', 'churned', 'new'),"
                    + " ('C', '2026-01-03', NULL, true, 'VIP', 'champions', 'loyal', 'new')");
        }
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "CREATE TABLE mart_customer_lifecycle AS SELECT * FROM (VALUES ('A', 'actual'),"
                    + " ('B', 'churned'), ('D', 'potential')) t(customer_id, lifecycle_state)");
            Db.execute(db, "CREATE TABLE mart_customer_value AS SELECT * FROM (VALUES ('A', 'small'), ('B', 'small'))"
                    + " t(customer_id, value_tier)");
            Db.execute(db, "CREATE TABLE mart_customer_rfm AS SELECT * FROM (VALUES ('A', 'new'), ('B', 'at risk'))"
                    + " t(customer_id, segment)");

            parameters(db, published, "fail");
            assertThatThrownBy(() -> new CustomerHistoryModel().build(db))
                    .hasMessageContaining("business_date 2026-01-02 is before the night of the published")
                    .hasMessageContaining("value_history_on_earlier_date: rewind");

            parameters(db, published, "rewind");
            new CustomerHistoryModel().build(db);
            assertThat(rows(db)).containsExactly(
                    "A|2026-01-01|null|true|small|new|actual|new",
                    "B|2026-01-01|2026-01-02|false|small|hibernating|churned|new",
                    "B|2026-01-02|null|true|small|at risk|churned|rfm_segment",
                    "D|2026-01-02|null|true|null|null|potential|new");
        }
    }

    @Test
    void theFirstNightOpensARowPerCustomer() throws Exception {
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "CREATE TABLE mart_customer_lifecycle AS SELECT * FROM (VALUES ('A', 'actual'))"
                    + " t(customer_id, lifecycle_state)");
            Db.execute(db, "CREATE TABLE mart_customer_value AS SELECT 'A' AS customer_id, 'VIP' AS value_tier");
            Db.execute(db, "CREATE TABLE mart_customer_rfm AS SELECT 'A' AS customer_id, 'new' AS segment");
            parameters(db, Path.of("does-not-exist/warehouse.duckdb"), "fail");
            new CustomerHistoryModel().build(db);
            assertThat(rows(db)).containsExactly("A|2026-01-02|null|true|VIP|new|actual|new");
        }
    }

    private static void parameters(Connection db, Path published, String onEarlierDate) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE run_parameters AS SELECT DATE '2026-01-02' AS business_date, "
                + Sql.literal(published) + " AS published_warehouse, " + Sql.literal(onEarlierDate)
                + " AS value_history_on_earlier_date");
    }

    private static List<String> rows(Connection db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT * FROM dim_customer_history ORDER BY customer_id, valid_from")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 8; i++) {
                    row.add(String.valueOf(rs.getString(i)));
                }
                rows.add(String.join("|", row));
            }
        }
        return rows;
    }
}
