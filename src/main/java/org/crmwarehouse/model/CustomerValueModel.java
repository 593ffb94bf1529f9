package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.crmwarehouse.model.clv.CovariatePurchaseModel;
import org.crmwarehouse.model.clv.GammaGammaModel;
import org.crmwarehouse.model.clv.PurchaseCountModel;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * int_customer_value_model: each customer's predictions from the models fitted in mart_model_fit
 * (the purchase-count model chosen by value_purchase_model, BG/NBD or Pareto/NBD, and Gamma-Gamma):
 * P(alive), expected purchases over the horizon, expected spend per purchase (Gamma-Gamma on
 * revenue), expected margin per purchase (spend x the customer's margin rate) and the discounted
 * lifetime value over the horizon, LTV = sum_k margin per purchase x E[purchases in period k] /
 * (1 + d)^k. Purchase predictions depend only on (x, t_x, T), so Java computes them once per
 * distinct pattern, on all cores, into a work table; the per-customer columns (the pattern's
 * forecast, Gamma-Gamma's expected spend, margin, LTV) are one SQL statement over it. Predictions are NULL when the model they need was skipped or its fit is not
 * usable (mart_model_fit.usable; prediction_note says why). Without a unit cost anywhere (margin_rate
 * NULL for everyone: CDNOW, online retail) the LTV is on revenue instead (value_basis 'revenue'):
 * expected spend per purchase, not margin.
 */
public final class CustomerValueModel implements JavaModel {

    public static final String NAME = "int_customer_value_model";

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

    /** The distinct (x, t_x, T) patterns, with the covariate levels when there are covariates. */
    static final String FORECASTS = "int_customer_value_model_forecasts";

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
        int horizon = parameters.horizonPeriods();
        double[] discount = new double[horizon];
        for (int k = 1; k <= horizon; k++) {
            discount[k - 1] = Math.pow(1 + parameters.discountRatePerPeriod(), -k);
        }
        writeForecasts(db, covariates, purchases == null ? null
                : levels -> byLevels == null ? purchases : byLevels.forLevels(levels), discount);

        // Per customer in SQL: the pattern's forecast, Gamma-Gamma's expected spend per purchase
        // (expectedMeanSpend's arithmetic, on mart_model_fit's estimates), margin and LTV; NULL
        // where a value is not finite, as the appender wrote it before.
        StringBuilder join = new StringBuilder(" LEFT JOIN " + FORECASTS + " f ON f.frequency = s.frequency"
                + " AND f.recency = s.recency AND f.age = s.age");
        for (int c = 0; c < covariates.size(); c++) {
            join.append(" AND f.covariate_").append(c).append(" IS NOT DISTINCT FROM CAST(c.\"")
                    .append(covariates.get(c)).append("\" AS VARCHAR)");
        }
        String spend = gammaGamma == null ? "CAST(NULL AS DOUBLE)"
                : finite("CASE WHEN s.frequency = 0 THEN gg.p * gg.gamma / (gg.q - 1)"
                + " ELSE (gg.p * gg.gamma + (gg.p * s.frequency) * coalesce(s.repeat_mean_revenue, 0))"
                + " / (gg.p * s.frequency + gg.q - 1) END");
        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " AS"
                + " WITH gg AS (SELECT max(estimate) FILTER (WHERE parameter = 'p') AS p,"
                + " max(estimate) FILTER (WHERE parameter = 'q') AS q,"
                + " max(estimate) FILTER (WHERE parameter = 'gamma') AS gamma FROM " + ModelFitModel.NAME
                + " WHERE usable AND segment IS NULL AND model = " + Sql.literal(GammaGammaModel.NAME) + "),"
                + " customer AS (SELECT s.customer_id, CAST(s.frequency AS INTEGER) AS frequency,"
                + " CAST(s.recency AS DOUBLE) AS recency, CAST(s.age AS DOUBLE) AS age, f.p_alive,"
                + " f.expected_purchases, f.discounted_purchases, " + spend + " AS expected_mean_spend,"
                + " CAST(s.margin_rate AS DOUBLE) AS margin_rate"
                + " FROM int_customer_purchase_summary s"
                + (covariates.isEmpty() ? "" : " LEFT JOIN stg_customers c USING (customer_id)") + join + ", gg)"
                + " SELECT customer_id, " + Sql.literal(parameters.timeUnitName()) + " AS time_unit,"
                + " CAST(" + horizon + " AS INTEGER) AS horizon_periods, frequency, recency, age,"
                + " " + finite("p_alive") + " AS p_alive, " + finite("expected_purchases") + " AS expected_purchases,"
                + " expected_mean_spend, " + finite("margin_rate") + " AS margin_rate, "
                + finite("expected_mean_spend * margin_rate") + " AS expected_margin_per_purchase, "
                + finite("CASE WHEN margin_rate IS NULL THEN expected_mean_spend ELSE expected_mean_spend * margin_rate END"
                        + " * discounted_purchases") + " AS ltv,"
                + " CASE WHEN margin_rate IS NULL THEN 'revenue' ELSE 'margin' END AS value_basis,"
                + " CAST(" + (predictionNote == null ? "NULL" : Sql.literal(predictionNote)) + " AS VARCHAR) AS prediction_note"
                + " FROM customer ORDER BY customer_id");
        Db.execute(db, "DROP TABLE " + FORECASTS);
    }

    /**
     * FORECASTS: one row per distinct pattern (and covariate levels) of the summary with its
     * purchase forecast, computed in parallel; no rows when there is no usable purchase model.
     */
    private static void writeForecasts(Connection db, List<String> covariates,
            Function<List<String>, PurchaseCountModel> modelFor, double[] discount) throws SQLException {
        StringBuilder columns = new StringBuilder("frequency INTEGER, recency DOUBLE, age DOUBLE");
        for (int c = 0; c < covariates.size(); c++) {
            columns.append(", covariate_").append(c).append(" VARCHAR");
        }
        Db.execute(db, "CREATE OR REPLACE TABLE " + FORECASTS + " (" + columns
                + ", p_alive DOUBLE, expected_purchases DOUBLE, discounted_purchases DOUBLE)");
        if (modelFor == null) {
            return;
        }
        List<PurchasePattern> patterns = new ArrayList<>();
        List<List<String>> levels = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT frequency, recency, age"
                + CustomerCovariates.selectList(covariates) + CustomerCovariates.from(covariates))) {
            while (rs.next()) {
                patterns.add(PurchasePattern.ofCustomer(rs.getInt(1), rs.getDouble(2), rs.getDouble(3)));
                levels.add(covariates.isEmpty() ? List.of() : rawLevels(rs, 4, covariates.size()));
            }
        }
        // one model per level combination, then the patterns on both cores
        Map<List<String>, PurchaseCountModel> models = new HashMap<>();
        PurchaseCountModel[] modelOf = new PurchaseCountModel[patterns.size()];
        for (int i = 0; i < modelOf.length; i++) {
            modelOf[i] = models.computeIfAbsent(levels.get(i), modelFor);
        }
        PurchaseForecast[] forecasts = new PurchaseForecast[patterns.size()];
        IntStream.range(0, forecasts.length).parallel()
                .forEach(i -> forecasts[i] = forecast(modelOf[i], patterns.get(i), discount));
        try (DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
                FORECASTS)) {
            for (int i = 0; i < forecasts.length; i++) {
                PurchasePattern pattern = patterns.get(i);
                out.beginRow().append(pattern.frequency()).append(pattern.recency()).append(pattern.age());
                for (String level : levels.get(i)) {
                    if (level == null) {
                        out.appendNull();
                    } else {
                        out.append(level);
                    }
                }
                out.append(forecasts[i].probabilityAlive()).append(forecasts[i].expectedPurchases())
                        .append(forecasts[i].discountedPurchases()).endRow();
            }
        }
    }

    /** The SQL of expression e, NULL where it is not finite (the appender's rule before). */
    private static String finite(String e) {
        return "CASE WHEN isfinite(" + e + ") THEN " + e + " END";
    }

    /** The covariate values as read (null stays null: the join matches it with IS NOT DISTINCT FROM). */
    private static List<String> rawLevels(ResultSet rs, int first, int count) throws SQLException {
        List<String> values = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            values.add(rs.getString(first + c));
        }
        return values;
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

}
