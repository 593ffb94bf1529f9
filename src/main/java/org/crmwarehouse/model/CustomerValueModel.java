package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.model.clv.GammaGammaModel;
import org.crmwarehouse.model.clv.ParetoNbdModel;
import org.crmwarehouse.model.clv.PurchaseCountModel;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.progress.Progress;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * int_customer_value_model: each customer's predictions from the models fitted in mart_model_fit
 * (the purchase-count model chosen by value_purchase_model, BG/NBD or Pareto/NBD, and Gamma-Gamma):
 * P(alive), expected purchases over the horizon, expected spend per purchase (Gamma-Gamma on
 * revenue), expected margin per purchase (spend x the customer's margin rate) and the discounted
 * lifetime value over the horizon, LTV = sum_k margin per purchase x E[purchases in period k] /
 * (1 + d)^k. Purchase predictions depend only on (x, t_x, T), so they are computed once per
 * distinct pattern. Predictions are NULL when the model they need was skipped.
 */
public final class CustomerValueModel implements JavaModel {

    public static final String NAME = "int_customer_value_model";
    private static final Logger log = LoggerFactory.getLogger(CustomerValueModel.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_customer_purchase_summary", ModelFitModel.NAME);
    }

    /** Per-pattern purchase predictions: P(alive), E[purchases], sum_k increment_k / (1+d)^k. */
    private record PurchaseForecast(double probabilityAlive, double expectedPurchases, double discountedPurchases) {
    }

    @Override
    public void build(Connection db) throws SQLException {
        ValueParameters parameters = ValueParameters.read(db);
        Map<String, Double> counts = estimates(db, parameters.purchaseModelName());
        Map<String, Double> gammaGamma = estimates(db, GammaGammaModel.NAME);
        PurchaseCountModel purchases = counts == null ? null
                : parameters.purchaseModelName().equals(ParetoNbdModel.NAME)
                ? new ParetoNbdModel(counts.get("r"), counts.get("alpha"), counts.get("s"), counts.get("beta"),
                        parameters.timeUnit())
                : new BgNbdModel(counts.get("r"), counts.get("alpha"), counts.get("a"), counts.get("b"),
                        parameters.timeUnit());
        GammaGammaModel spend = gammaGamma == null ? null
                : new GammaGammaModel(gammaGamma.get("p"), gammaGamma.get("q"), gammaGamma.get("gamma"));
        int horizon = parameters.horizonPeriods();
        double[] discount = new double[horizon];
        for (int k = 1; k <= horizon; k++) {
            discount[k - 1] = Math.pow(1 + parameters.discountRatePerPeriod(), -k);
        }

        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " (customer_id VARCHAR, time_unit VARCHAR,"
                + " horizon_periods INTEGER, frequency INTEGER, recency DOUBLE, age DOUBLE, p_alive DOUBLE,"
                + " expected_purchases DOUBLE, expected_mean_spend DOUBLE, margin_rate DOUBLE,"
                + " expected_margin_per_purchase DOUBLE, ltv DOUBLE)");
        Map<PurchasePattern, PurchaseForecast> forecasts = new HashMap<>();
        // a line now and then on a large night (10M customers: about a minute), nothing on a small one
        Progress progress = Progress.toLog(line -> log.info("[transform] {}", line), NAME, Db.queryLong(db,
                "SELECT count(*) FROM int_customer_purchase_summary"), "customers");
        long done = 0;
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT customer_id, frequency, recency, age, repeat_mean_revenue,"
                        + " margin_rate FROM int_customer_purchase_summary ORDER BY customer_id");
                DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
                        NAME)) {
            while (rs.next()) {
                int frequency = rs.getInt(2);
                PurchasePattern pattern = PurchasePattern.ofCustomer(frequency, rs.getDouble(3), rs.getDouble(4));
                double meanRevenue = rs.getDouble(5);
                Double marginRate = rs.getObject(6) == null ? null : rs.getDouble(6);
                out.beginRow().append(rs.getString(1)).append(parameters.timeUnitName()).append(horizon)
                        .append(frequency).append(pattern.recency()).append(pattern.age());
                PurchaseForecast forecast = purchases == null ? null
                        : forecasts.computeIfAbsent(pattern, p -> forecast(purchases, p, discount));
                Double meanSpend = spend == null ? null : spend.expectedMeanSpend(frequency, frequency > 0 ? meanRevenue : 0);
                Double marginPerPurchase = meanSpend == null || marginRate == null ? null : meanSpend * marginRate;
                appendNullable(out, forecast == null ? null : forecast.probabilityAlive());
                appendNullable(out, forecast == null ? null : forecast.expectedPurchases());
                appendNullable(out, meanSpend);
                appendNullable(out, marginRate);
                appendNullable(out, marginPerPurchase);
                appendNullable(out, forecast == null || marginPerPurchase == null ? null
                        : marginPerPurchase * forecast.discountedPurchases());
                out.endRow();
                progress.update(++done);
            }
        }
        progress.finish();
    }

    private static PurchaseForecast forecast(PurchaseCountModel model, PurchasePattern pattern, double[] discount) {
        double[] increments = model.expectedPurchasesPerPeriod(pattern, discount.length);
        double total = 0;
        double discounted = 0;
        for (int k = 0; k < increments.length; k++) {
            total += increments[k];
            discounted += increments[k] * discount[k];
        }
        return new PurchaseForecast(model.probabilityAlive(pattern), total, discounted);
    }

    /** The fitted estimates of one model by parameter, or null when it was skipped. */
    private static Map<String, Double> estimates(Connection db, String model) throws SQLException {
        Map<String, Double> estimates = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT parameter, estimate FROM "
                + ModelFitModel.NAME + " WHERE converged AND model = '" + model + "'")) {
            while (rs.next()) {
                estimates.put(rs.getString(1), rs.getDouble(2));
            }
        }
        return estimates.isEmpty() ? null : estimates;
    }

    private static void appendNullable(DuckDBAppender out, Double value) throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            out.appendNull();
        } else {
            out.append(value.doubleValue());
        }
    }
}
