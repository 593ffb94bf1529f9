package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 4: a night whose inputs hold -infinity, BC and year-10000 dates and timestamps
 * publishes in bounded time, those rows quarantined as BAD_TYPE / OUT_OF_RANGE; before, the
 * recursive month calendar of mart_channel_trend never ended on -infinity, and a BC order grew
 * mart_churn 130x. Legal extremes (1900-01-01, 9999-12-31) publish too, with calendars bounded by
 * the data's range.
 */
class ExtremeDatesNightTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNightWithExtremeDatesPublishes() throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at,birth_date,renewal_date\n"
                + "C1,Alice,2025-01-01 09:00:00,1900-01-01,9999-12-31\n"
                + "C2,Bob,0044-03-15 (BC) 09:00:00,,\n"                 // OUT_OF_RANGE
                + "C3,Carol,2025-02-01 09:00:00,-infinity,infinity\n"   // BAD_TYPE twice
                + "C4,Dan,1900-01-01 00:00:00,,\n");
        String t = ",sale,1,9.5,p\n";
        Files.writeString(tmp.resolve("orders.csv"), "order_id,line_no,customer_id,order_time,order_type,quantity,"
                + "unit_price,product_name\n"
                + "O1,1,C1,2026-03-01 10:00:00" + t
                + "O2,1,C1,-infinity" + t                      // BAD_TYPE
                + "O3,1,C1,0001-01-01 (BC) 10:00:00" + t       // OUT_OF_RANGE
                + "O4,1,C1,10000-01-01 00:00:00" + t           // OUT_OF_RANGE
                + "O5,1,C4,1900-01-01 00:00:00" + t);          // legal: a calendar from 1900
        Files.writeString(tmp.resolve("payments.csv"), "invoice_id,customer_id,amount,issue_date,due_date\n"
                + "I1,C1,10,2026-03-01,infinity\n"             // BAD_TYPE
                + "I2,C1,10,2026-03-01,9999-12-31\n"
                + "I3,C4,10,1900-01-01,1900-01-31\n");
        Files.writeString(tmp.resolve("campaigns.csv"), "campaign_id,channel,start_date,end_date,spend\n"
                + "K1,email_web,1900-01-01,,1000\n"
                + "K2,email_web,2026-01-01,-infinity,1000\n"); // BAD_TYPE
        Path config = tmp.resolve("job.yaml");
        Files.writeString(config, """
                name: extreme_dates
                business_date: 2026-03-31
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                reject_threshold: "100%%"
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                  payments: {path: payments.csv}
                  campaigns: {path: campaigns.csv}
                """.formatted(tmp.resolve("repo").resolve("batch")));
        long started = System.nanoTime();
        Cli.Result run = Cli.run("run", "--config", config.toString());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(seconds).as("night duration").isLessThan(120);
        try (Connection db = Db.openReadOnly(tmp.resolve("out/warehouse.duckdb"))) {
            assertThat(QueryRows.of(db, "SELECT entity, line, column_name, reason_code FROM quarantine "
                    + "ORDER BY entity, line, column_name", "|", "∅")).containsExactly(
                            "campaigns|3|end_date|BAD_TYPE",
                            "customers|3|created_at|OUT_OF_RANGE",
                            "customers|4|birth_date|BAD_TYPE",
                            "customers|4|renewal_date|BAD_TYPE",
                            "orders|3|order_time|BAD_TYPE",
                            "orders|4|order_time|OUT_OF_RANGE",
                            "orders|5|order_time|OUT_OF_RANGE",
                            "payments|2|due_date|BAD_TYPE");
            // the month calendars span 1900-01 .. 2026-03 at most: 126 x 12 + 3 = 1515 months
            assertThat(Db.queryLong(db, "SELECT count(DISTINCT month_start) FROM mart_channel_trend")).isLessThanOrEqualTo(1515);
            assertThat(Db.queryLong(db, "SELECT min(year(month_start)) FROM mart_channel_trend")).isEqualTo(1900);
        }
    }
}
