package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.crmwarehouse.model.ModelFitModel.RetentionSegment;
import org.crmwarehouse.model.clv.ShiftedBetaGeometricModel;
import org.crmwarehouse.sql.Sql;

/** The sBG models fitted in mart_model_fit, per segment, and the subscription parameters. */
final class RetentionFits {
    private RetentionFits() {
    }

    /** The converged sBG fits by plan and billing period. */
    static Map<RetentionSegment, ShiftedBetaGeometricModel> read(Connection db) throws SQLException {
        Map<RetentionSegment, ShiftedBetaGeometricModel> fits = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT segment, time_unit, "
                + "max(CASE WHEN parameter = 'alpha' THEN estimate END), max(CASE WHEN parameter = 'beta' THEN estimate END) "
                + "FROM " + ModelFitModel.NAME + " WHERE converged AND model = "
                + Sql.literal(ShiftedBetaGeometricModel.NAME) + " GROUP BY ALL ORDER BY ALL")) {
            while (rs.next()) {
                fits.put(new RetentionSegment(rs.getString(1), rs.getString(2)),
                        new ShiftedBetaGeometricModel(rs.getDouble(3), rs.getDouble(4)));
            }
        }
        return fits;
    }

    /** A yearly rate as the rate of one billing period: (1 + yearly)^(period in years) - 1. */
    static double ratePerPeriod(double yearly, String billingPeriod) {
        double years = switch (billingPeriod) {
            case "day" -> 1 / 365.25;
            case "week" -> 7 / 365.25;
            case "month" -> 1 / 12.0;
            case "quarter" -> 0.25;
            case "year" -> 1.0;
            default -> throw new IllegalArgumentException("unknown billing period " + billingPeriod);
        };
        return Math.pow(1 + yearly, years) - 1;
    }

    static double yearlyDiscountRate(Connection db) throws SQLException {
        double rate;
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT subscription_discount_rate_per_year FROM run_parameters")) {
            rs.next();
            rate = rs.getDouble(1);
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("parameter subscription_discount_rate_per_year must be > 0, got " + rate);
        }
        return rate;
    }
}
