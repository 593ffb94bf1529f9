package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.model.ModelFitModel.RetentionSegment;
import org.crmwarehouse.model.clv.ShiftedBetaGeometricModel;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * mart_subscription_value: each active subscription's discounted expected residual lifetime under
 * its segment's sBG fit, and that times its recurring amount. DERL depends only on the segment and
 * the renewals made, so Java evaluates it once per distinct (plan, billing period, renewals) and
 * SQL joins it to the subscriptions.
 */
public final class SubscriptionValueModel implements JavaModel {
    public static final String NAME = "mart_subscription_value";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_subscription_tenure", ModelFitModel.NAME);
    }

    @Override
    public void build(Connection db) throws SQLException {
        Map<RetentionSegment, ShiftedBetaGeometricModel> fits = RetentionFits.read(db);
        double yearly = RetentionFits.yearlyDiscountRate(db);
        Db.execute(db, "CREATE OR REPLACE TABLE _subscription_derl (plan VARCHAR, billing_period VARCHAR, "
                + "tenure_periods BIGINT, discount_rate_per_period DOUBLE, renewal_probability DOUBLE, derl DOUBLE)");
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT plan, billing_period, "
                + "tenure_periods FROM int_subscription_tenure WHERE NOT is_cancelled ORDER BY ALL");
                DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "_subscription_derl")) {
            while (rs.next()) {
                String plan = rs.getString(1);
                String period = rs.getString(2);
                long renewals = rs.getLong(3);
                double rate = RetentionFits.ratePerPeriod(yearly, period);
                out.beginRow().append(plan).append(period).append(renewals).append(rate);
                ShiftedBetaGeometricModel fit = fits.get(new RetentionSegment(plan, period));
                if (fit == null) {
                    out.appendNull().appendNull();
                } else {
                    // renewals made = whole periods completed; the next decision is renewal n = renewals + 1
                    out.append(fit.retentionRate(Math.toIntExact(renewals + 1)))
                            .append(fit.discountedExpectedResidualLifetime(rate, renewals));
                }
                out.endRow();
            }
        }
        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " AS SELECT r.business_date, t.subscription_id, "
                + "t.customer_id, t.plan, t.contract_type, t.billing_period, t.start_date, t.tenure_periods, "
                + "d.discount_rate_per_period, d.renewal_probability, d.derl, t.recurring_amount, "
                + "CAST(round(t.recurring_amount * d.derl, 2) AS DECIMAL(38, 2)) AS expected_residual_value "
                + "FROM int_subscription_tenure t CROSS JOIN run_parameters r JOIN _subscription_derl d "
                + "ON d.plan = t.plan AND d.billing_period = t.billing_period AND d.tenure_periods = t.tenure_periods "
                + "WHERE NOT t.is_cancelled ORDER BY t.subscription_id");
        Db.execute(db, "DROP TABLE _subscription_derl");
    }
}
