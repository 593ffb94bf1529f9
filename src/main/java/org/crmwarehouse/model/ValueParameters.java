package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Locale;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.model.clv.TimeUnit;

/**
 * The customer-value parameters of {@code run_parameters} (declared in sql/parameters/value.yml).
 * value_on_fit_failure: warn gives skipFailedFits and warnFitProblems, skip only skipFailedFits,
 * fail neither (a failed fit throws; a degenerate one still warns).
 */
record ValueParameters(LocalDate businessDate, TimeUnit timeUnit, int horizonPeriods, double discountRatePerPeriod,
        long minRepeatCustomers, boolean skipFailedFits, String purchaseModel, boolean binnedFit,
        boolean warnFitProblems) {

    static ValueParameters read(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT business_date, value_time_unit,"
                + " value_horizon_periods, value_discount_rate_per_period, value_min_repeat_customers,"
                + " value_on_fit_failure, value_purchase_model, value_fit_resolution FROM run_parameters")) {
            rs.next();
            String unit = rs.getString(2);
            TimeUnit timeUnit = switch (unit.toLowerCase(Locale.ROOT)) {
                case "day" -> TimeUnit.DAY;
                case "week" -> TimeUnit.WEEK;
                case "month" -> TimeUnit.MONTH;
                default -> throw new IllegalArgumentException("parameter value_time_unit must be day, week or month, got '"
                        + unit + "'");
            };
            long horizon = rs.getLong(3);
            if (horizon < 1 || horizon > 10_000) {
                throw new IllegalArgumentException("parameter value_horizon_periods must be 1..10000, got " + horizon);
            }
            double rate = rs.getDouble(4);
            if (!(rate > -1)) {
                throw new IllegalArgumentException("parameter value_discount_rate_per_period must be > -1, got " + rate);
            }
            String onFailure = rs.getString(6).toLowerCase(Locale.ROOT);
            if (!onFailure.equals("fail") && !onFailure.equals("skip") && !onFailure.equals("warn")) {
                throw new IllegalArgumentException("parameter value_on_fit_failure must be warn, skip or fail, got '"
                        + onFailure + "'");
            }
            String purchaseModel = rs.getString(7).toLowerCase(Locale.ROOT);
            if (!java.util.List.of("bgnbd", "paretonbd", "mbgnbd", "auto").contains(purchaseModel)) {
                throw new IllegalArgumentException("parameter value_purchase_model must be bgnbd, paretonbd, mbgnbd or auto, got '"
                        + purchaseModel + "'");
            }
            String resolution = rs.getString(8).toLowerCase(Locale.ROOT);
            if (!resolution.equals("exact") && !resolution.equals("binned")) {
                throw new IllegalArgumentException("parameter value_fit_resolution must be exact or binned, got '"
                        + resolution + "'");
            }
            return new ValueParameters(rs.getObject(1, LocalDate.class), timeUnit, (int) horizon, rate, rs.getLong(5),
                    !onFailure.equals("fail"), purchaseModel, resolution.equals("binned"), !onFailure.equals("skip"));
        }
    }

    /**
     * The purchase-count model's name in mart_model_fit: BG/NBD, Pareto/NBD or MBG/NBD; under auto
     * the one the back-test chose is in {@link PurchaseModelChoice}, this gives BG/NBD.
     */
    String purchaseModelName() {
        return isAutoPurchaseModel() ? BgNbdModel.NAME : PurchaseModels.nameOf(purchaseModel);
    }

    /** value_purchase_model: auto, the back-test chooses. */
    boolean isAutoPurchaseModel() {
        return purchaseModel.equals("auto");
    }

    String timeUnitName() {
        return timeUnit.name().toLowerCase(Locale.ROOT);
    }
}
