package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.model.clv.CovariatePurchaseModel;
import org.crmwarehouse.model.clv.GammaGammaModel;
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
 * distinct pattern. Predictions are NULL when the model they need was skipped or its fit is not
 * usable (mart_model_fit.usable; prediction_note says why). Without a unit cost anywhere (margin_rate
 * NULL for everyone: CDNOW, online retail) the LTV is on revenue instead (value_basis 'revenue'):
 * expected spend per purchase, not margin.
 */
public final class CustomerValueModel implements JavaModel {

    public static final String NAME = "int_customer_value_model";
    private static final Logger log = LoggerFactory.getLogger(CustomerValueModel.class);

    @Override
    public String name() {
        return NAME;
    }

    /** 2: LTV on revenue without costs, value_basis, prediction_note; usable fits only (issue 15 item 4). */
    @Override
    public String version() {
        return "2";
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_customer_purchase_summary", ModelFitModel.NAME, "stg_customers");
    }

    /** Per-pattern purchase predictions: P(alive), E[purchases], sum_k increment_k / (1+d)^k. */
    private record PurchaseForecast(double probabilityAlive, double expectedPurchases, double discountedPurchases) {
    }

    @Override
    public void build(Connection db) throws SQLException {
        ValueParameters parameters = ValueParameters.read(db);
        String purchaseModel = PurchaseModelChoice.fittedModel(db);
        Map<String, Double> counts = purchaseModel == null ? null : estimates(db, purchaseModel);
        Map<String, Double> gammaGamma = estimates(db, GammaGammaModel.NAME);
        String purchaseNote = counts == null ? whyNot(db, purchaseModel != null ? purchaseModel : parameters.purchaseModelName()) : null;
        String spendNote = gammaGamma == null ? whyNot(db, GammaGammaModel.NAME) : null;
        String predictionNote = purchaseNote != null ? purchaseNote : spendNote;
        PurchaseCountModel purchases = counts == null ? null
                : PurchaseModels.of(purchaseModel, counts, parameters.timeUnit());
        // value_covariates: each customer's purchase model has the parameters of the customer's levels
        List<String> covariates = CustomerCovariates.columns(db);
        CovariatePurchaseModel byLevels = counts == null || covariates.isEmpty() ? null
                : new CovariatePurchaseModel(CustomerCovariates.kind(purchaseModel), covariates, counts,
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
                + " expected_margin_per_purchase DOUBLE, ltv DOUBLE, value_basis VARCHAR, prediction_note VARCHAR)");
        Map<Object, PurchaseForecast> forecasts = new HashMap<>();
        // a line now and then on a large night (10M customers: about a minute), nothing on a small one
        Progress progress = Progress.toLog(line -> log.info("[transform] {}", line), NAME, Db.queryLong(db,
                "SELECT count(*) FROM int_customer_purchase_summary"), "customers");
        long done = 0;
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT customer_id, frequency, recency, age, repeat_mean_revenue,"
                        + " margin_rate" + CustomerCovariates.selectList(covariates) + CustomerCovariates.from(covariates)
                        + " ORDER BY customer_id");
                DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
                        NAME)) {
            while (rs.next()) {
                int frequency = rs.getInt(2);
                PurchasePattern pattern = PurchasePattern.ofCustomer(frequency, rs.getDouble(3), rs.getDouble(4));
                double meanRevenue = rs.getDouble(5);
                Double marginRate = rs.getObject(6) == null ? null : rs.getDouble(6);
                out.beginRow().append(rs.getString(1)).append(parameters.timeUnitName()).append(horizon)
                        .append(frequency).append(pattern.recency()).append(pattern.age());
                List<String> levels = byLevels == null ? null : CustomerCovariates.levels(rs, 7, covariates.size());
                PurchaseForecast forecast = purchases == null ? null : byLevels == null
                        ? forecasts.computeIfAbsent(pattern, p -> forecast(purchases, pattern, discount))
                        : forecasts.computeIfAbsent(List.of(levels, pattern),
                                k -> forecast(byLevels.forLevels(levels), pattern, discount));
                Double meanSpend = spend == null ? null : spend.expectedMeanSpend(frequency, frequency > 0 ? meanRevenue : 0);
                Double marginPerPurchase = meanSpend == null || marginRate == null ? null : meanSpend * marginRate;
                // margin_rate is NULL for everyone or no one: NULL means no sale has a cost, value is revenue
                Double valuePerPurchase = marginRate == null ? meanSpend : marginPerPurchase;
                appendNullable(out, forecast == null ? null : forecast.probabilityAlive());
                appendNullable(out, forecast == null ? null : forecast.expectedPurchases());
                appendNullable(out, meanSpend);
                appendNullable(out, marginRate);
                appendNullable(out, marginPerPurchase);
                appendNullable(out, forecast == null || valuePerPurchase == null ? null
                        : valuePerPurchase * forecast.discountedPurchases());
                out.append(marginRate == null ? "revenue" : "margin");
                if (predictionNote == null) {
                    out.appendNull();
                } else {
                    out.append(predictionNote);
                }
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

    /** The fitted estimates of one model by parameter, or null when it was skipped or is not usable. */
    private static Map<String, Double> estimates(Connection db, String model) throws SQLException {
        Map<String, Double> estimates = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT parameter, estimate FROM "
                + ModelFitModel.NAME + " WHERE usable AND segment IS NULL AND model = '" + model + "'")) {
            while (rs.next()) {
                estimates.put(rs.getString(1), rs.getDouble(2));
            }
        }
        return estimates.isEmpty() ? null : estimates;
    }

    /** Why a model gives no predictions: its note (skipped) or flag_reason (not usable). */
    private static String whyNot(Connection db, String model) throws SQLException {
        List<String> reasons = Db.queryStrings(db, "SELECT DISTINCT CASE WHEN converged THEN '" + model
                + " fit not usable: ' || flag_reason ELSE '" + model + " ' || note END FROM " + ModelFitModel.NAME
                + " WHERE NOT usable AND segment IS NULL AND model = '" + model + "'");
        return reasons.isEmpty() ? model + " not fitted" : reasons.get(0);
    }

    private static void appendNullable(DuckDBAppender out, Double value) throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            out.appendNull();
        } else {
            out.append(value.doubleValue());
        }
    }
}
