package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.model.clv.FitResult;
import org.crmwarehouse.model.clv.GammaGammaModel;
import org.crmwarehouse.model.clv.ModelFitException;
import org.crmwarehouse.model.clv.ParetoNbdModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.model.clv.SpendPattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * mart_model_fit: maximum-likelihood fits of BG/NBD (purchase count) and Gamma-Gamma (spend per
 * repeat transaction) on int_customer_purchase_summary. The per-customer data is aggregated in SQL
 * to its distinct (x, t_x, T) and (x, m_x) patterns, so the fit's cost follows the patterns, not
 * the customers.
 *
 * <p>With fewer repeat customers than {@code value_min_repeat_customers} (a new business, a tiny
 * test fixture, the empty data-dictionary run) the models are skipped: one row per parameter with
 * NULL estimates and converged = false, and int_customer_value_model has NULL predictions. A fit
 * that fails on enough data throws {@link ModelFitException}: the step fails and nothing is
 * published, rather than publishing values from an untrustworthy fit.
 */
public final class ModelFitModel implements JavaModel {
    private static final Logger log = LoggerFactory.getLogger(ModelFitModel.class);

    public static final String NAME = "mart_model_fit";
    static final String[] BG_NBD_PARAMETERS = {"r", "alpha", "a", "b"};
    static final String[] PARETO_NBD_PARAMETERS = {"r", "alpha", "s", "beta"};
    static final String[] GAMMA_GAMMA_PARAMETERS = {"p", "q", "gamma"};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_customer_purchase_summary");
    }

    @Override
    public void build(Connection db) throws SQLException {
        ValueParameters parameters = ValueParameters.read(db);
        List<PurchasePattern> purchases = purchasePatterns(db, parameters);
        List<SpendPattern> spends = spendPatterns(db, parameters);
        long customers = purchases.stream().mapToLong(PurchasePattern::customers).sum();
        long repeaters = purchases.stream().filter(p -> p.frequency() > 0).mapToLong(PurchasePattern::customers).sum();
        long spenders = spends.stream().mapToLong(SpendPattern::customers).sum();

        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " (business_date DATE, model VARCHAR, time_unit VARCHAR,"
                + " parameter VARCHAR, estimate DOUBLE, std_error DOUBLE, log_likelihood DOUBLE, customers BIGINT,"
                + " patterns INTEGER, iterations INTEGER, converged BOOLEAN, note VARCHAR)");
        try (DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, NAME)) {
            String tooFew = "skipped: fewer than " + parameters.minRepeatCustomers() + " repeat customers";
            String purchaseModel = parameters.purchaseModelName();
            boolean pareto = purchaseModel.equals(ParetoNbdModel.NAME);
            String[] purchaseParameters = pareto ? PARETO_NBD_PARAMETERS : BG_NBD_PARAMETERS;
            if (repeaters < parameters.minRepeatCustomers()) {
                skipped(out, parameters, purchaseModel, parameters.timeUnitName(), purchaseParameters, customers,
                        purchases.size(), tooFew);
            } else {
                try {
                    fitted(out, parameters, parameters.timeUnitName(), pareto
                            ? ParetoNbdModel.fit(purchases, parameters.timeUnit()).fitResult()
                            : BgNbdModel.fit(purchases, parameters.timeUnit()).fitResult());
                } catch (ModelFitException e) {
                    skipOrFail(e, parameters);
                    skipped(out, parameters, purchaseModel, parameters.timeUnitName(), purchaseParameters, customers,
                            purchases.size(), "skipped: " + e.getMessage());
                }
            }
            if (spenders < parameters.minRepeatCustomers()) {
                skipped(out, parameters, GammaGammaModel.NAME, null, GAMMA_GAMMA_PARAMETERS, spenders, spends.size(),
                        tooFew);
            } else {
                try {
                    GammaGammaModel spend = GammaGammaModel.fit(spends);
                    if (!(spend.q() > 1)) {
                        throw new ModelFitException(GammaGammaModel.NAME, "q = " + spend.q()
                                + " <= 1: the population mean spend is infinite, expected spend cannot be predicted", null);
                    }
                    fitted(out, parameters, null, spend.fitResult());
                } catch (ModelFitException e) {
                    skipOrFail(e, parameters);
                    skipped(out, parameters, GammaGammaModel.NAME, null, GAMMA_GAMMA_PARAMETERS, spenders,
                            spends.size(), "skipped: " + e.getMessage());
                }
            }
        }
    }

    /**
     * The distinct (x, t_x, T) patterns with their customer counts. value_fit_resolution = binned
     * rounds t_x and T to whole periods, so the number of patterns, and the fit's cost, stops
     * growing with customers; per-customer predictions still use the exact values.
     */
    static List<PurchasePattern> purchasePatterns(Connection db, ValueParameters parameters) throws SQLException {
        String recency = parameters.binnedFit() ? "round(recency)" : "recency";
        String age = parameters.binnedFit() ? "round(age)" : "age";
        List<PurchasePattern> purchases = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT frequency, " + recency + ", "
                + age + ", count(*) FROM int_customer_purchase_summary GROUP BY ALL ORDER BY ALL")) {
            while (rs.next()) {
                purchases.add(new PurchasePattern(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getLong(4)));
            }
        }
        return purchases;
    }

    /** The distinct (x, m_x) spend patterns of repeat customers; binned: m_x to 3 significant figures. */
    static List<SpendPattern> spendPatterns(Connection db, ValueParameters parameters) throws SQLException {
        String meanSpend = parameters.binnedFit()
                ? "round(repeat_mean_revenue, 2 - CAST(floor(log10(repeat_mean_revenue)) AS INTEGER))"
                : "repeat_mean_revenue";
        List<SpendPattern> spends = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT frequency, " + meanSpend + ","
                + " count(*) FROM int_customer_purchase_summary WHERE frequency > 0 AND repeat_mean_revenue > 0"
                + " GROUP BY ALL ORDER BY ALL")) {
            while (rs.next()) {
                spends.add(new SpendPattern(rs.getInt(1), rs.getDouble(2), rs.getLong(3)));
            }
        }
        return spends;
    }

    /**
     * A failed fit fails the night (the default), unless the job config opts in to
     * value_on_fit_failure: skip, for data known to be too short or too sparse for the models:
     * then the failure is logged and recorded in the note column, and predictions are NULL.
     */
    private static void skipOrFail(ModelFitException e, ValueParameters parameters) {
        if (!parameters.skipFailedFits()) {
            throw e;
        }
        log.warn("[transform] {} (value_on_fit_failure = skip: the model is skipped, its predictions are NULL)",
                e.getMessage());
    }

    private static void fitted(DuckDBAppender out, ValueParameters parameters, String timeUnit, FitResult fit)
            throws SQLException {
        if (!fit.converged()) {
            throw new ModelFitException(fit.model(), "the optimiser did not converge after " + fit.iterations()
                    + " likelihood evaluations", null);
        }
        for (Map.Entry<String, Double> e : fit.estimates().entrySet()) {
            Double error = fit.standardErrors().get(e.getKey());
            out.beginRow().append(parameters.businessDate()).append(fit.model());
            appendNullable(out, timeUnit);
            out.append(e.getKey()).append(e.getValue());
            if (error == null || !Double.isFinite(error)) {
                out.appendNull();
            } else {
                out.append(error.doubleValue());
            }
            out.append(fit.logLikelihood()).append(fit.customers()).append(fit.patterns()).append(fit.iterations())
                    .append(true).appendNull().endRow();
        }
    }

    private static void skipped(DuckDBAppender out, ValueParameters parameters, String model, String timeUnit,
            String[] names, long customers, int patterns, String note) throws SQLException {
        for (String parameter : names) {
            out.beginRow().append(parameters.businessDate()).append(model);
            appendNullable(out, timeUnit);
            out.append(parameter).appendNull().appendNull().appendNull().append(customers).append(patterns).append(0)
                    .append(false).append(note).endRow();
        }
    }

    static void appendNullable(DuckDBAppender out, String value) throws SQLException {
        if (value == null) {
            out.appendNull();
        } else {
            out.append(value);
        }
    }
}
