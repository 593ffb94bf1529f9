package org.crmwarehouse.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.crmwarehouse.report.RunReport;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;

/**
 * The report step over a work database validated by an earlier version (resumed after an upgrade):
 * it has the quarantine table but not the quarantine_tonight / quarantine_carried views, and the
 * report must still be written (found when a 1M night validated by the old jar was resumed by
 * the new one and its report step failed).
 */
class NightlyStepsTest {

    private static void quarantine(Connection db) throws Exception {
        Db.execute(db, "CREATE TABLE quarantine (business_date DATE, entity VARCHAR, source VARCHAR, line BIGINT, "
                + "column_name VARCHAR, reason_code VARCHAR, value VARCHAR, detail VARCHAR, raw_text VARCHAR)");
        Db.execute(db, "INSERT INTO quarantine VALUES (DATE '2026-03-05', 'orders', 'o.csv', 3, 'order_type', "
                + "'NOT_ALLOWED', 'gift', NULL, 'x'), (DATE '2026-03-05', 'orders', 'o.csv', 7, 'order_type', "
                + "'NOT_ALLOWED', 'gift', NULL, 'y')");
    }

    @Test
    void aWorkDatabaseWithoutTheTonightViewsIsReadFromTheQuarantineTable() throws Exception {
        try (Connection db = Db.inMemory()) {
            quarantine(db);
            assertThat(NightlySteps.hasTonightViews(db)).isFalse();
            assertThat(NightlySteps.quarantineCounts(db, "quarantine"))
                    .containsExactly(new RunReport.QuarantineCount("orders", "NOT_ALLOWED", "order_type", 2));
        }
    }

    @Test
    void withBothViewsTheyAreUsed() throws Exception {
        try (Connection db = Db.inMemory()) {
            quarantine(db);
            Db.execute(db, "CREATE VIEW quarantine_tonight AS SELECT * FROM quarantine WHERE line = 3");
            assertThat(NightlySteps.hasTonightViews(db)).as("one view of two").isFalse();
            Db.execute(db, "CREATE VIEW quarantine_carried AS SELECT * FROM quarantine WHERE line <> 3");
            assertThat(NightlySteps.hasTonightViews(db)).isTrue();
            assertThat(NightlySteps.quarantineCounts(db, "quarantine_tonight"))
                    .containsExactly(new RunReport.QuarantineCount("orders", "NOT_ALLOWED", "order_type", 1));
        }
    }
}
