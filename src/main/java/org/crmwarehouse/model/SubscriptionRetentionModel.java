package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.model.ModelFitModel.RetentionSegment;
import org.crmwarehouse.model.clv.RetentionPattern;
import org.crmwarehouse.model.clv.ShiftedBetaGeometricModel;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * mart_subscription_retention: per plan and billing period and period t, the retention observed
 * (subscriptions at risk in t, cancelled in t) beside the sBG projection (S(t), r(t)) of a
 * converged fit, over every observed period and at least subscription_horizon_periods. Built from
 * the segments' outcome patterns, a handful of rows each.
 */
public final class SubscriptionRetentionModel implements JavaModel {
    public static final String NAME = "mart_subscription_retention";

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
        long horizon = Db.queryLong(db, "SELECT subscription_horizon_periods FROM run_parameters");
        if (horizon < 1 || horizon > 10_000) {
            throw new IllegalArgumentException("parameter subscription_horizon_periods must be 1..10000, got " + horizon);
        }
        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " (plan VARCHAR, billing_period VARCHAR, period INTEGER, "
                + "at_risk BIGINT, cancelled BIGINT, observed_retention DOUBLE, projected_survival DOUBLE, "
                + "projected_retention DOUBLE)");
        try (DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, NAME)) {
            for (Map.Entry<RetentionSegment, List<RetentionPattern>> e : ModelFitModel.retentionPatterns(db).entrySet()) {
                List<RetentionPattern> patterns = e.getValue();
                ShiftedBetaGeometricModel fit = fits.get(e.getKey());
                int observed = patterns.stream().mapToInt(RetentionPattern::periods).max().orElse(0);
                int last = (int) Math.max(observed, fit == null ? 0 : horizon);
                for (int t = 1; t <= last; t++) {
                    // at risk in t: cancelled in t or later, or known to have lived through t
                    long atRisk = 0;
                    long cancelled = 0;
                    for (RetentionPattern p : patterns) {
                        if (p.periods() >= t) {
                            atRisk += p.subscriptions();
                        }
                        if (p.cancelled() && p.periods() == t) {
                            cancelled += p.subscriptions();
                        }
                    }
                    out.beginRow().append(e.getKey().plan()).append(e.getKey().billingPeriod()).append(t)
                            .append(atRisk).append(cancelled);
                    if (atRisk == 0) {
                        out.appendNull();
                    } else {
                        out.append(1 - (double) cancelled / atRisk);
                    }
                    if (fit == null) {
                        out.appendNull().appendNull();
                    } else {
                        out.append(fit.survival(t)).append(fit.retentionRate(t));
                    }
                    out.endRow();
                }
            }
        }
    }
}
