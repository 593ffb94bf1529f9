package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 4, through the pipeline: Fader &amp; Hardie's (2007) two cohorts of 1,000
 * customers written as subscription rows (yearly billing, all started 7 years before the business
 * date, each cancellation inside its year, the survivors active), loaded, validated and
 * transformed like any night. The night's mart_model_fit must hold the paper's sBG estimates
 * ("regular": alpha 0.704, beta 1.182, LL -1680.27; "high end": alpha 0.668, beta 3.806), and the
 * other marts must agree with the counts and with an independent DERL (the direct series).
 */
class SubscriptionRetentionNightTest {
    private static final LocalDate DATE = LocalDate.of(2026, 6, 30);
    private static final int[] REGULAR = {631, 468, 382, 326, 289, 262, 241};
    private static final int[] HIGH_END = {869, 743, 653, 593, 551, 517, 491};

    @TempDir
    static Path tmp;

    private static Connection db;

    @BeforeAll
    static void night() throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Acme,2019-01-01 09:00:00\n");
        StringBuilder rows = new StringBuilder(
                "subscription_id,customer_id,plan,contract_type,start_date,end_date,status,recurring_amount,billing_period\n");
        cohort(rows, "regular", REGULAR, "100.00");
        cohort(rows, "high_end", HIGH_END, "250.00");
        Files.writeString(tmp.resolve("subscriptions.csv"), rows);
        Files.writeString(tmp.resolve("job.yaml"), "name: sbg\nbusiness_date: " + DATE + "\nsources:\n"
                + "  customers: {path: customers.csv}\n  subscriptions: {path: subscriptions.csv}\n");
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(tmp.resolve("job.yaml"));
        db = Db.inMemory();
        new SourceExtractor(contract).extract(db, config);
        new ContractValidator(contract).validate(db, config, DATE);
        new ModelRunner(ModelCatalog.packaged(contract)).run(db, DATE, config.parameters());
    }

    /** 1,000 subscriptions from DATE - 7 years: (alive before - survivors) cancel 30 days before year t ends. */
    private static void cohort(StringBuilder rows, String plan, int[] survivors, String amount) {
        LocalDate start = DATE.minusYears(7);
        int id = 0;
        int alive = 1000;
        for (int t = 1; t <= survivors.length; t++) {
            String end = start.plusYears(t).minusDays(30).toString();
            for (int i = alive - survivors[t - 1]; i > 0; i--) {
                rows.append(plan).append('-').append(++id).append(",C1,").append(plan).append(",one_year,").append(start)
                        .append(',').append(end).append(",cancelled,").append(amount).append(",year\n");
            }
            alive = survivors[t - 1];
        }
        for (int i = alive; i > 0; i--) {
            rows.append(plan).append('-').append(++id).append(",C1,").append(plan).append(",one_year,").append(start)
                    .append(",,active,").append(amount).append(",year\n");
        }
    }

    @Test
    void modelFitHoldsThePublishedEstimates() throws Exception {
        assertThat(estimate("regular", "alpha")).isCloseTo(0.704, within(0.0005));
        assertThat(estimate("regular", "beta")).isCloseTo(1.182, within(0.0005));
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE model = 'sBG' AND segment = 'regular' "
                + "AND round(log_likelihood, 2) = -1680.27 AND customers = 1000 AND converged AND time_unit = 'year'"))
                .isEqualTo(2);
        assertThat(estimate("high_end", "alpha")).isCloseTo(0.668, within(0.0005));
        assertThat(estimate("high_end", "beta")).isCloseTo(3.806, within(0.0005));
        // no purchases: the customer-value models are skipped as before, sBG does not disturb them
        assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE model <> 'sBG' AND converged")).isZero();
    }

    @Test
    void survivalAndRetentionFollowTheCohorts() throws Exception {
        // the cohorts' own counts: year 1 at risk 1000, 369 cancelled; year 7 at risk 262, 21 cancelled
        assertThat(Db.queryStrings(db, "SELECT period || ':' || at_risk || ':' || cancelled FROM mart_subscription_retention "
                + "WHERE plan = 'regular' AND period IN (1, 7, 8, 12) ORDER BY period"))
                .containsExactly("1:1000:369", "7:262:21", "8:0:0", "12:0:0");
        // Kaplan-Meier at the year-1 cancellations (335 days): S = 631/1000, cancellation ends tenure
        assertThat(Db.queryStrings(db, "SELECT CAST(survival AS VARCHAR) FROM mart_survival WHERE basis = 'subscriptions' "
                + "AND group_type = 'plan' AND group_value = 'regular' ORDER BY time_days LIMIT 1")).containsExactly("0.631000");
        assertThat(Db.queryLong(db, "SELECT active_end FROM mart_churn WHERE basis = 'subscriptions' AND dimension = 'plan' "
                + "AND dimension_value = 'regular' AND month = DATE '2026-06-01'")).isEqualTo(241);
    }

    @Test
    void residualValueIsTheDiscountedExpectedResidualLifetime() throws Exception {
        double alpha = estimate("regular", "alpha");
        double beta = estimate("regular", "beta");
        // the 241 survivors have made 7 renewals; d = 10% a year (the default), yearly billing
        double derl = directDerl(alpha, beta, 0.10, 8);
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), min(derl), max(derl), "
                + "min(renewal_probability), min(discount_rate_per_period), sum(expected_residual_value) "
                + "FROM mart_subscription_value WHERE plan = 'regular'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(241);
            assertThat(rs.getDouble(2)).isCloseTo(derl, within(1e-9));
            assertThat(rs.getDouble(3)).isCloseTo(derl, within(1e-9));
            assertThat(rs.getDouble(4)).isCloseTo((beta + 7) / (alpha + beta + 7), within(1e-12));
            assertThat(rs.getDouble(5)).isCloseTo(0.10, within(1e-12));
            assertThat(rs.getDouble(6)).isCloseTo(241 * Math.round(100 * derl * 100) / 100.0, within(0.005));
        }
    }

    /** sum over t >= n of S(t) / S(n - 1) / (1 + d)^(t - n), S as the running product of r(t). */
    private static double directDerl(double alpha, double beta, double d, int n) {
        double ratio = 1;
        double sum = 0;
        for (int t = n; t < 10_000_000; t++) {
            ratio *= (beta + t - 1) / (alpha + beta + t - 1);
            double term = ratio / Math.pow(1 + d, t - n);
            sum += term;
            if (term < 1e-15 * sum) {
                break;
            }
        }
        return sum;
    }

    private static double estimate(String plan, String parameter) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT estimate FROM mart_model_fit "
                + "WHERE model = 'sBG' AND segment = '" + plan + "' AND parameter = '" + parameter + "'")) {
            assertThat(rs.next()).as(plan + " " + parameter).isTrue();
            return rs.getDouble(1);
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void close() throws Exception {
        db.close();
    }
}
