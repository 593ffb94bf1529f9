package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.model.clv.FitResult;
import org.crmwarehouse.model.clv.FitUsability;
import org.crmwarehouse.model.clv.GammaGammaModel;
import org.crmwarehouse.model.clv.ModelFitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.model.clv.RetentionPattern;
import org.crmwarehouse.model.clv.ShiftedBetaGeometricModel;
import org.crmwarehouse.model.clv.SpendPattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.crmwarehouse.transform.NightWarnings;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * mart_model_fit: maximum-likelihood fits of BG/NBD (purchase count) and Gamma-Gamma (spend per
 * repeat transaction) on int_customer_purchase_summary. The per-customer data is aggregated in SQL
 * to its distinct (x, t_x, T) and (x, m_x) patterns, so the fit's cost follows the patterns, not
 * the customers. The purchase-count model is the one {@link PurchaseModelChoice} gives
 * (value_purchase_model, or under auto the smallest back-test error in mart_model_backtest);
 * column model_choice says why.
 *
 * <p>With fewer repeat customers than {@code value_min_repeat_customers} (a new business, a tiny
 * test fixture, the empty data-dictionary run) the models are skipped: one row per parameter with
 * NULL estimates and converged = false, and int_customer_value_model has NULL predictions. A fit
 * that fails on enough data follows value_on_fit_failure: warn (the default: the model is skipped,
 * note says why, every mart that does not need it is published and the night ends with a warning),
 * skip (the same, without the warning) or fail (the step fails, nothing is published). A fit that
 * converged but is degenerate by {@link FitUsability} is kept with usable = false and its
 * flag_reason; its predictions are not used (a warning, unless value_on_fit_failure = skip).
 *
 * <p>With subscriptions loaded, the sBG retention model is fitted per plan and billing period on
 * int_subscription_tenure (column segment = the plan, time_unit = the billing period).
 */
public final class ModelFitModel implements JavaModel {
    private static final Logger log = LoggerFactory.getLogger(ModelFitModel.class);

    public static final String NAME = "mart_model_fit";
    static final String[] BG_NBD_PARAMETERS = {"r", "alpha", "a", "b"};
    static final String[] PARETO_NBD_PARAMETERS = {"r", "alpha", "s", "beta"};
    static final String[] GAMMA_GAMMA_PARAMETERS = {"p", "q", "gamma"};
    static final String[] SBG_PARAMETERS = {"alpha", "beta"};

    @Override
    public String name() {
        return NAME;
    }

    /** 2: usable and flag_reason (issue 15 item 4). */
    @Override
    public String version() {
        return "2";
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_customer_purchase_summary", "int_subscription_tenure", "stg_customers",
                ModelBacktestModel.NAME);
    }

    @Override
    public void build(Connection db) throws SQLException {
        ValueParameters parameters = ValueParameters.read(db);
        PurchaseModelChoice choice = PurchaseModelChoice.of(db, parameters);
        List<PurchasePattern> purchases = purchasePatterns(db, parameters);
        List<SpendPattern> spends = spendPatterns(db, parameters);
        long customers = purchases.stream().mapToLong(PurchasePattern::customers).sum();
        long repeaters = purchases.stream().filter(p -> p.frequency() > 0).mapToLong(PurchasePattern::customers).sum();
        long spenders = spends.stream().mapToLong(SpendPattern::customers).sum();
        // value_covariates: the purchase-count parameters depend on customer attributes
        List<String> covariates = CustomerCovariates.columns(db);

        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " (business_date DATE, model VARCHAR, time_unit VARCHAR,"
                + " parameter VARCHAR, estimate DOUBLE, std_error DOUBLE, log_likelihood DOUBLE, customers BIGINT,"
                + " patterns INTEGER, iterations INTEGER, converged BOOLEAN, note VARCHAR, segment VARCHAR,"
                + " usable BOOLEAN, flag_reason VARCHAR)");
        try (DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, NAME)) {
            String tooFew = "skipped: fewer than " + parameters.minRepeatCustomers() + " repeat customers";
            String purchaseModel = choice.model();
            String[] purchaseParameters = PurchaseModels.parameters(purchaseModel);
            if (repeaters < parameters.minRepeatCustomers()) {
                skipped(out, parameters, purchaseModel, parameters.timeUnitName(), purchaseParameters, customers,
                        purchases.size(), tooFew, null);
            } else {
                try {
                    fittedCustomerValue(db, out, parameters, parameters.timeUnitName(), covariates.isEmpty()
                            ? PurchaseModels.fit(purchaseModel, purchases, parameters.timeUnit()).fitResult()
                            : CustomerCovariates.fit(db, parameters, purchaseModel, covariates).fitResult());
                } catch (ModelFitException e) {
                    skipOrFail(db, e, parameters);
                    skipped(out, parameters, purchaseModel, parameters.timeUnitName(), purchaseParameters, customers,
                            purchases.size(), "skipped: " + e.getMessage(), null);
                }
            }
            if (spenders < parameters.minRepeatCustomers()) {
                skipped(out, parameters, GammaGammaModel.NAME, null, GAMMA_GAMMA_PARAMETERS, spenders, spends.size(),
                        tooFew, null);
            } else {
                try {
                    GammaGammaModel spend = GammaGammaModel.fit(spends);
                    if (!(spend.q() > 1)) {
                        throw new ModelFitException(GammaGammaModel.NAME, "q = " + ModelFitException.significant(spend.q())
                                + " <= 1: the population mean spend is infinite, expected spend cannot be predicted", null);
                    }
                    fittedCustomerValue(db, out, parameters, null, spend.fitResult());
                } catch (ModelFitException e) {
                    skipOrFail(db, e, parameters);
                    skipped(out, parameters, GammaGammaModel.NAME, null, GAMMA_GAMMA_PARAMETERS, spenders,
                            spends.size(), "skipped: " + e.getMessage(), null);
                }
            }
            fitRetention(db, out, parameters);
        }
        choice.record(db);
    }

    /**
     * sBG per plan and billing period of the subscriptions (none loaded: no rows). A segment with
     * too few subscriptions, or whose data cannot identify the model (no cancellation or no
     * renewal yet), is skipped with a note; a failed fit follows subscription_on_fit_failure.
     */
    private static void fitRetention(Connection db, DuckDBAppender out, ValueParameters parameters) throws SQLException {
        long minimum = Db.queryLong(db, "SELECT subscription_min_subscriptions FROM run_parameters");
        for (Map.Entry<RetentionSegment, List<RetentionPattern>> e : retentionPatterns(db).entrySet()) {
            RetentionSegment segment = e.getKey();
            List<RetentionPattern> patterns = e.getValue();
            long subscriptions = patterns.stream().mapToLong(RetentionPattern::subscriptions).sum();
            String unidentified = ShiftedBetaGeometricModel.unidentified(patterns);
            String skip = subscriptions < minimum ? "skipped: fewer than " + minimum + " subscriptions"
                    : unidentified == null ? null : "skipped: " + unidentified;
            if (skip != null) {
                skipped(out, parameters, ShiftedBetaGeometricModel.NAME, segment.billingPeriod(), SBG_PARAMETERS,
                        subscriptions, patterns.size(), skip, segment.plan());
                continue;
            }
            try {
                fitted(out, parameters, segment.billingPeriod(), ShiftedBetaGeometricModel.fit(patterns).fitResult(),
                        segment.plan());
            } catch (ModelFitException failure) {
                if (!skipFailedRetentionFits(db)) {
                    throw failure;
                }
                log.warn("[transform] {} for plan {} billed by {} (subscription_on_fit_failure = skip: the segment is "
                        + "skipped, its projections and values are NULL)", failure.getMessage(), segment.plan(),
                        segment.billingPeriod());
                skipped(out, parameters, ShiftedBetaGeometricModel.NAME, segment.billingPeriod(), SBG_PARAMETERS,
                        subscriptions, patterns.size(), "skipped: " + failure.getMessage(), segment.plan());
            }
        }
    }

    /**
     * subscription_on_fit_failure: skip (the default: a small plan's data often fits a homogeneous
     * churn, alpha and beta running to infinity together) or fail.
     */
    private static boolean skipFailedRetentionFits(Connection db) throws SQLException {
        String choice = Db.queryStrings(db, "SELECT subscription_on_fit_failure FROM run_parameters").get(0)
                .toLowerCase(java.util.Locale.ROOT);
        if (!choice.equals("skip") && !choice.equals("fail")) {
            throw new IllegalArgumentException("parameter subscription_on_fit_failure must be skip or fail, got '"
                    + choice + "'");
        }
        return choice.equals("skip");
    }

    /** A plan and billing period: the subscriptions one sBG model is fitted on. */
    record RetentionSegment(String plan, String billingPeriod) {
    }

    /**
     * Each segment's distinct outcomes: cancelled in period t (int_subscription_tenure.churn_period)
     * or active after t whole periods (tenure_periods), with their subscription counts.
     */
    static Map<RetentionSegment, List<RetentionPattern>> retentionPatterns(Connection db) throws SQLException {
        Map<RetentionSegment, List<RetentionPattern>> segments = new java.util.LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT plan, billing_period, "
                + "coalesce(churn_period, tenure_periods), is_cancelled, count(*) FROM int_subscription_tenure "
                + "GROUP BY ALL ORDER BY ALL")) {
            while (rs.next()) {
                segments.computeIfAbsent(new RetentionSegment(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                        .add(new RetentionPattern(Math.toIntExact(rs.getLong(3)), rs.getBoolean(4), rs.getLong(5)));
            }
        }
        return segments;
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
     * value_on_fit_failure: fail throws (the night fails); warn (the default) and skip record the
     * failure in the note column, predictions are NULL, and warn also makes it a night warning.
     */
    private static void skipOrFail(Connection db, ModelFitException e, ValueParameters parameters)
            throws SQLException {
        if (!parameters.skipFailedFits()) {
            throw e;
        }
        log.warn("[transform] {} (value_on_fit_failure = {}: the model is skipped, its predictions are NULL)",
                e.getMessage(), parameters.warnFitProblems() ? "warn" : "skip");
        if (parameters.warnFitProblems()) {
            NightWarnings.add(db, NAME, e.getMessage() + "; the model is skipped: the value marts fall back to "
                    + "historical value and churn to inactivity");
        }
    }

    /** A converged customer-value fit, flagged unusable when {@link FitUsability} says it is degenerate. */
    private static void fittedCustomerValue(Connection db, DuckDBAppender out, ValueParameters parameters,
            String timeUnit, FitResult fit) throws SQLException {
        String flag = fit.converged() ? FitUsability.flagReason(fit) : null;
        fitted(out, parameters, timeUnit, fit, null, flag);
        if (flag != null) {
            log.warn("[transform] {} fit is not usable: {} (its predictions are not used)", fit.model(), flag);
            if (parameters.warnFitProblems()) {
                NightWarnings.add(db, NAME, fit.model() + " fit is not usable: " + flag + "; its predictions are "
                        + "not used: the value marts fall back to historical value and churn to inactivity");
            }
        }
    }

    private static void fitted(DuckDBAppender out, ValueParameters parameters, String timeUnit, FitResult fit,
            String segment) throws SQLException {
        fitted(out, parameters, timeUnit, fit, segment, null);
    }

    private static void fitted(DuckDBAppender out, ValueParameters parameters, String timeUnit, FitResult fit,
            String segment, String flagReason) throws SQLException {
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
                    .append(true).appendNull();
            appendNullable(out, segment);
            out.append(flagReason == null);
            appendNullable(out, flagReason);
            out.endRow();
        }
    }

    private static void skipped(DuckDBAppender out, ValueParameters parameters, String model, String timeUnit,
            String[] names, long customers, int patterns, String note, String segment) throws SQLException {
        for (String parameter : names) {
            out.beginRow().append(parameters.businessDate()).append(model);
            appendNullable(out, timeUnit);
            out.append(parameter).appendNull().appendNull().appendNull().append(customers).append(patterns).append(0)
                    .append(false).append(note);
            appendNullable(out, segment);
            out.append(false).appendNull();
            out.endRow();
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
