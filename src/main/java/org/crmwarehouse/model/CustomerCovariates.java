package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crmwarehouse.model.clv.CovariateDesign;
import org.crmwarehouse.model.clv.CovariatePurchaseModel;
import org.crmwarehouse.model.clv.ModelFitException;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelParameter;

/**
 * value_covariates: the customer attributes (text columns of stg_customers) the purchase-count
 * model's parameters depend on (Fader &amp; Hardie 2007; see {@link CovariatePurchaseModel}). Empty
 * (the default): one model for all customers, as before. The data the fit needs is aggregated in
 * SQL to the distinct (levels, x, t_x, T) patterns with customer counts.
 */
final class CustomerCovariates {

    private CustomerCovariates() {
    }

    /**
     * The configured columns, each checked to be a column of stg_customers (the config loader
     * already refused names that are not text columns of the customers contract).
     */
    static List<String> columns(Connection db) throws SQLException {
        List<String> columns = ModelParameter.listValue(
                Db.queryStrings(db, "SELECT value_covariates FROM run_parameters").get(0));
        if (columns.isEmpty()) {
            return columns;
        }
        List<String> existing = Db.queryStrings(db, "SELECT column_name FROM information_schema.columns"
                + " WHERE table_name = 'stg_customers'");
        for (String column : columns) {
            if (!existing.contains(column)) {
                throw new IllegalArgumentException("parameter value_covariates names '" + column
                        + "', which is not a column of stg_customers " + existing);
            }
        }
        return columns;
    }

    /**
     * The covariate kind of the night's purchase-count model (value_purchase_model, or auto's
     * choice). The note covers BG/NBD and Pareto/NBD only: with MBG/NBD the fit fails with the
     * reason, under value_on_fit_failure.
     */
    static CovariatePurchaseModel.Kind kind(String purchaseModel) {
        for (CovariatePurchaseModel.Kind kind : CovariatePurchaseModel.Kind.values()) {
            if (kind.modelName().equals(purchaseModel)) {
                return kind;
            }
        }
        throw new ModelFitException(purchaseModel, "value_covariates are fitted for "
                + CovariatePurchaseModel.Kind.BG_NBD.modelName() + " and " + CovariatePurchaseModel.Kind.PARETO_NBD.modelName()
                + " only, not " + purchaseModel, new double[0]);
    }

    /** ", CAST(c.col AS VARCHAR), ..." for the select list of {@link #from}. */
    static String selectList(List<String> columns) {
        StringBuilder select = new StringBuilder();
        for (String column : columns) {
            select.append(", CAST(c.\"").append(column).append("\" AS VARCHAR)");
        }
        return select.toString();
    }

    /**
     * The buying customers, with their attributes when there are covariates (a customer missing
     * from stg_customers: all missing); without, the summary alone, as before.
     */
    static String from(List<String> columns) {
        return columns.isEmpty() ? " FROM int_customer_purchase_summary"
                : " FROM int_customer_purchase_summary s LEFT JOIN stg_customers c USING (customer_id)";
    }

    /** The levels in columns [first, first + count) of a row (null = missing). */
    static List<String> levels(ResultSet rs, int first, int count) throws SQLException {
        String[] levels = new String[count];
        for (int i = 0; i < count; i++) {
            levels[i] = CovariateDesign.level(rs.getString(first + i));
        }
        return Arrays.asList(levels);
    }

    /**
     * Fits the covariate model: per level combination its (x, t_x, T) patterns (binned as
     * value_fit_resolution says), the design from the customers per combination.
     */
    static CovariatePurchaseModel fit(Connection db, ValueParameters parameters, String purchaseModel,
            List<String> columns) throws SQLException {
        String recency = parameters.binnedFit() ? "round(recency)" : "recency";
        String age = parameters.binnedFit() ? "round(age)" : "age";
        Map<List<String>, List<PurchasePattern>> patterns = new LinkedHashMap<>();
        Map<List<String>, Long> customers = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT frequency, " + recency + ", "
                + age + selectList(columns) + ", count(*)" + from(columns) + " GROUP BY ALL ORDER BY ALL")) {
            while (rs.next()) {
                List<String> levels = levels(rs, 4, columns.size());
                long n = rs.getLong(4 + columns.size());
                patterns.computeIfAbsent(levels, k -> new ArrayList<>())
                        .add(new PurchasePattern(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), n));
                customers.merge(levels, n, Long::sum);
            }
        }
        CovariateDesign design = CovariateDesign.of(columns, customers);
        return CovariatePurchaseModel.fit(kind(purchaseModel), design, patterns, parameters.timeUnit());
    }
}
