package org.crmwarehouse.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crmwarehouse.acceptance.RealData.dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;

/**
 * Acceptance of the churn marts on real purchase logs (jobs/cdnow.yaml: the CDNOW sample;
 * jobs/online-retail.yaml: the Online Retail sample, whose value models are skipped by its
 * value_on_fit_failure: skip). Every churn mart is built; cohort retention is 100 % in month 0 of
 * every cohort; mart_churn reconciles in every month and breakdown (active_start + new +
 * reactivated - churned = active_end, and one month's end is the next month's start); new
 * customers add up to the buyers counted from the file in plain Java (README: 2,357 CDNOW customers).
 */
class ChurnAcceptanceTest {
    private static final List<String> CHURN_MARTS =
            List.of("mart_churn", "mart_cohort_retention", "mart_survival", "mart_at_risk", "mart_churn_reasons");

    @Test
    void cdnowSample() throws Exception {
        Set<String> buyers = new HashSet<>();
        for (String line : Files.readAllLines(dataset("CDNOW_sample.txt"), StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                buyers.add(line.trim().split("\\s+")[0]); // master_id sample_id yyyyMMdd units dollars
            }
        }
        assertThat(buyers).hasSize(2_357); // README: 2,357 customers
        try (Connection db = RealData.run("jobs/cdnow.yaml")) {
            assertChurnMarts(db, buyers.size());
            assertThat(Db.queryLong(db, "SELECT sum(churned) FROM mart_churn WHERE dimension = 'all'")).isPositive();
            // 1997-01 .. 1998-06 (business date 1998-06-30): 18 months, each cohort month of 1997-01..03
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_churn WHERE dimension = 'all'")).isEqualTo(18);
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_cohort_retention WHERE months_since_first = 0"))
                    .isEqualTo(3); // the CDNOW cohort bought first in Jan-Mar 1997
            // CDNOW has no costs: the win-back list values customers by revenue instead of leaving
            // them all out; every listed customer is past 0.75 x 180 days without a purchase
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_at_risk")).isPositive();
            assertThat(Db.queryStrings(db, "SELECT DISTINCT value_basis FROM mart_at_risk")).containsExactly("revenue");
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_at_risk WHERE days_since_last_purchase <= 135"))
                    .isZero();
        }
    }

    @Test
    void onlineRetailSample() throws Exception {
        Set<String> buyers = new HashSet<>();
        List<List<String>> rows = RealData.rows(dataset("online_retail_sample.csv"), ';');
        for (List<String> f : rows) { // X.1;X;InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Country
            boolean sale = !f.get(2).startsWith("C") && !f.get(5).startsWith("-");
            if (sale && !f.get(8).equals("NA")) {
                buyers.add(f.get(8));
            }
        }
        assertThat(rows).hasSize(5_000);
        try (Connection db = RealData.run("jobs/online-retail.yaml")) {
            assertChurnMarts(db, buyers.size());
            assertThat(Db.queryLong(db, "SELECT sum(churned) FROM mart_churn WHERE dimension = 'all'")).isZero();
        }
    }

    private static void assertChurnMarts(Connection db, long buyers) throws SQLException {
        for (String mart : CHURN_MARTS) {
            assertThat(Db.queryLong(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = '" + mart + "'"))
                    .as(mart + " built").isEqualTo(1);
        }
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_churn")).isPositive();
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_cohort_retention")).isPositive();
        // mart_churn counts churn events (a customer may churn, come back and churn again); the survival
        // curve has one lifetime per customer, ended by the last churn: churned - reactivated customers,
        // who are the buyers not active at the end (no event, no curve: the online retail sample spans
        // under 3 months, less than the 180-day inactivity window)
        long churned = Db.queryLong(db, "SELECT sum(churned) - sum(reactivated) FROM mart_churn WHERE dimension = 'all'");
        assertThat(churned).isEqualTo(buyers - Db.queryLong(db,
                "SELECT active_end FROM mart_churn WHERE dimension = 'all' ORDER BY month DESC LIMIT 1"));
        assertThat(Db.queryLong(db, "SELECT coalesce(max(group_events), 0) FROM mart_survival WHERE group_type = 'all'"))
                .isEqualTo(churned);
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_survival") > 0).isEqualTo(churned > 0);
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_churn_reasons WHERE loss_type = 'churned_customer'") > 0)
                .isEqualTo(churned > 0);
        // month 0 of every cohort: 100 % retention, one month-0 row per first-purchase month
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_cohort_retention WHERE months_since_first = 0 "
                + "AND (retention_pct <> 100 OR active_customers <> cohort_size)")).isZero();
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_cohort_retention WHERE months_since_first = 0"))
                .isEqualTo(Db.queryLong(db, "SELECT count(DISTINCT cohort_month) FROM mart_cohort_retention"));
        assertThat(Db.queryLong(db, "SELECT sum(cohort_size) FROM mart_cohort_retention WHERE months_since_first = 0"))
                .isEqualTo(buyers);
        // mart_churn reconciles in every month of every breakdown
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_churn "
                + "WHERE active_start + new_customers + reactivated - churned <> active_end")).isZero();
        assertThat(Db.queryLong(db, "SELECT count(*) FROM (SELECT active_start, lag(active_end) OVER "
                + "(PARTITION BY dimension, dimension_value ORDER BY month) AS previous_end FROM mart_churn) "
                + "WHERE previous_end IS NOT NULL AND previous_end <> active_start")).isZero();
        assertThat(Db.queryLong(db, "SELECT count(*) FROM (SELECT month, datediff('month', lag(month) OVER "
                + "(PARTITION BY dimension, dimension_value ORDER BY month), month) AS gap FROM mart_churn) "
                + "WHERE gap <> 1")).as("no month missing").isZero();
        // every buyer is new exactly once; nobody was active before the first month
        assertThat(Db.queryLong(db, "SELECT sum(new_customers) FROM mart_churn WHERE dimension = 'all'")).isEqualTo(buyers);
        assertThat(Db.queryLong(db, "SELECT active_start FROM mart_churn WHERE dimension = 'all' "
                + "ORDER BY month LIMIT 1")).isZero();
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_churn WHERE dimension = 'all' AND (active_start < 0 OR active_end < 0)"))
                .isZero();
    }
}
