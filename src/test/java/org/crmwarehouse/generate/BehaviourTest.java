package org.crmwarehouse.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data tells the stories DOMAIN.md needs: funnels, MAN, repeat buyers and lapsers, late payers, reminders. */
class BehaviourTest {
    @TempDir
    static Path dir;
    static Connection db;

    @BeforeAll
    static void generate() throws Exception {
        GeneratorTestSupport.generate(dir, 5000, 99, 0);
        db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = db.createStatement()) {
            for (String t : DataGenerator.ENTITIES)
                st.execute("CREATE TABLE " + t + " AS SELECT * FROM read_csv('" + dir.resolve(t + ".csv") + "', all_varchar = true)");
        }
    }

    private static double one(String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    @Test
    void leadsAreTwoToFourTimesCustomersAndManQualifiedLeadsConvertBest() throws Exception {
        assertThat(one("SELECT count(*) FROM leads") / 5000).isBetween(2.0, 4.5);
        double man = one("SELECT avg(CASE WHEN status = 'won' THEN 1 ELSE 0 END) FROM leads "
                + "WHERE has_money = 'true' AND has_authority = 'true' AND has_need = 'true'");
        double others = one("SELECT avg(CASE WHEN status = 'won' THEN 1 ELSE 0 END) FROM leads "
                + "WHERE NOT (has_money = 'true' AND has_authority = 'true' AND has_need = 'true')");
        assertThat(man).isGreaterThan(2 * others);
        assertThat(one("SELECT count(DISTINCT lost_reason) FROM leads WHERE status = 'lost'")).isGreaterThanOrEqualTo(5);
        assertThat(one("SELECT count(*) FROM leads WHERE status = 'lost' AND lost_reason IS NULL")).isZero();
        assertThat(one("SELECT count(DISTINCT status) FROM leads")).isEqualTo(5);
        assertThat(one("SELECT count(*) FROM leads l JOIN campaigns c USING (campaign_id) WHERE c.channel <> l.source_channel")).isZero();
    }

    @Test
    void funnelEventsIncreaseInTimeAndDealsCarryTheFirstOrderAmount() throws Exception {
        // event ids: E<lead>-<n>, and E<lead>-<n>r<j> for the unanswered retries before call n
        assertThat(one("SELECT count(*) FROM (SELECT event_time < lag(event_time) OVER (PARTITION BY lead_id ORDER BY "
                + "CAST(split_part(split_part(event_id, '-', 3), 'r', 1) AS INT), "
                + "CAST(coalesce(nullif(split_part(split_part(event_id, '-', 3), 'r', 2), ''), '99') AS INT)) AS back "
                + "FROM funnel_events) WHERE back")).isZero();
        assertThat(one("SELECT count(*) FROM funnel_events WHERE event_type = 'deal'")).isEqualTo(5000);
        assertThat(one("SELECT count(*) FROM funnel_events e JOIN leads l USING (lead_id) JOIN payments p "
                + "ON p.order_id = 'O' || substr(l.customer_id, 2) || '-1' WHERE e.event_type = 'deal' "
                + "AND CAST(e.amount AS DECIMAL(18,2)) <> CAST(p.amount AS DECIMAL(18,2))")).isZero();
    }

    /** Issue 14: several call attempts per lead, with durations (0 when unanswered, sometimes unknown). */
    @Test
    void leadsGetSeveralCallAttemptsWithDurations() throws Exception {
        String attempts = "SELECT lead_id, count(*) n FROM funnel_events WHERE event_type = 'call' GROUP BY 1";
        assertThat(one("SELECT avg(CASE WHEN n >= 2 THEN 1 ELSE 0 END) FROM (" + attempts + ")")).isBetween(0.2, 0.7);
        assertThat(one("SELECT max(n) FROM (" + attempts + ")")).isGreaterThanOrEqualTo(4);
        assertThat(one("SELECT avg(CASE WHEN duration_seconds IS NULL THEN 1 ELSE 0 END) FROM funnel_events "
                + "WHERE event_type = 'call'")).isBetween(0.05, 0.15);
        assertThat(one("SELECT count(*) FROM funnel_events WHERE event_type <> 'call' AND duration_seconds IS NOT NULL"))
                .isZero();
        // an unanswered call has no talk time; an answered one has some
        assertThat(one("SELECT count(*) FROM funnel_events WHERE event_type = 'call' AND ((outcome = 'no answer') "
                + "<> (CAST(duration_seconds AS BIGINT) = 0))")).isZero();
    }

    @Test
    void purchasesAreHeterogeneousSeasonalAndSometimesReturned() throws Exception {
        String perCustomer = "SELECT customer_id, count(DISTINCT order_id) n FROM orders WHERE order_type = 'sale' GROUP BY 1";
        assertThat(one("SELECT avg(CASE WHEN n = 1 THEN 1 ELSE 0 END) FROM (" + perCustomer + ")")).isBetween(0.3, 0.8);
        assertThat(one("SELECT max(n) FROM (" + perCustomer + ")")).isGreaterThanOrEqualTo(10);
        double decPerDay = one("SELECT count(DISTINCT order_id) / 3.0 FROM orders WHERE month(CAST(order_time AS TIMESTAMP)) = 12");
        double julPerDay = one("SELECT count(DISTINCT order_id) / 3.0 FROM orders WHERE month(CAST(order_time AS TIMESTAMP)) = 7");
        assertThat(decPerDay).isGreaterThan(julPerDay);
        assertThat(one("SELECT count(DISTINCT order_id) FROM orders WHERE order_type = 'return'")).isPositive();
        assertThat(one("SELECT count(DISTINCT product_id) FROM orders")).isEqualTo(40);
        assertThat(one("SELECT count(DISTINCT category) FROM orders")).isEqualTo(8);
        assertThat(one("SELECT count(*) FROM orders WHERE CAST(unit_cost AS DECIMAL) >= CAST(unit_price AS DECIMAL)")).isZero();
        assertThat(one("SELECT count(*) FROM customers WHERE churn_reason IS NOT NULL")).isPositive();
    }

    @Test
    void paymentsMixOnTimeLatePartialAndUnpaid() throws Exception {
        assertThat(one("SELECT count(*) FROM payments WHERE paid_date > due_date")).isPositive();
        assertThat(one("SELECT count(*) FROM payments WHERE paid_date IS NULL")).isPositive();
        assertThat(one("SELECT count(*) FROM payments WHERE CAST(paid_amount AS DECIMAL(18,2)) < CAST(amount AS DECIMAL(18,2))")).isPositive();
        assertThat(one("SELECT count(*) FROM payments WHERE paid_date < issue_date")).isZero();
        assertThat(one("SELECT count(DISTINCT order_id) FROM orders WHERE order_type = 'sale'"))
                .isEqualTo(one("SELECT count(*) FROM payments"));
    }

    @Test
    void someFollowUpsFallAroundTheBusinessDate() throws Exception {
        assertThat(one("SELECT count(*) FROM contacts WHERE CAST(next_contact_date AS DATE) "
                + "BETWEEN DATE '2025-06-29' AND DATE '2025-07-01'")).isPositive();
        assertThat(one("SELECT count(*) FROM contacts WHERE CAST(next_contact_date AS DATE) < DATE '2025-06-30'")).isPositive();
    }
}
