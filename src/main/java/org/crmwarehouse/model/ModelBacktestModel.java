package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.crmwarehouse.model.clv.FitResult;
import org.crmwarehouse.model.clv.GammaGammaModel;
import org.crmwarehouse.model.clv.ModelFitException;
import org.crmwarehouse.model.clv.PurchaseCountModel;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.model.clv.SpendPattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.JavaModel;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mart_model_backtest: the night's back-test of the customer-value models. The purchase-count
 * model (all three candidates under value_purchase_model: auto) and Gamma-Gamma are fitted on the
 * calibration data of int_customer_backtest_summary (history up to business_date minus the
 * holdout), predict each customer's holdout purchases and spend, and are compared with what
 * happened: actual vs conditional expected purchases per calibration frequency 0..6, 7+ (BTYD's
 * frequency-vs-conditional-expectation table), cumulative actual vs expected repeat purchases per
 * holdout period, the totals, the mean absolute error per customer (the measure auto chooses by)
 * and actual vs predicted spend.
 *
 * <p>The back-test is a diagnostic: a calibration fit that fails, or too little calibration data,
 * gives rows with a note and NULL figures, never a failed night. Predictions are computed once per
 * distinct (x, t_x, T), so the cost follows the patterns, not the customers.
 */
public final class ModelBacktestModel implements JavaModel {
    private static final Logger log = LoggerFactory.getLogger(ModelBacktestModel.class);

    public static final String NAME = "mart_model_backtest";
    static final String BY_FREQUENCY = "purchases_by_frequency";
    static final String CUMULATIVE = "cumulative_repeat_purchases";
    static final String TOTAL = "total_repeat_purchases";
    static final String MEAN_ABSOLUTE_ERROR = "mean_absolute_error";
    static final String TOTAL_SPEND = "total_spend";
    static final String MEAN_SPEND = "mean_spend_per_purchase";
    static final String SKIPPED = "skipped";
    /** Calibration frequencies 0..6 have a bucket each; 7 and more share the last ("7+"). */
    static final int TOP_BUCKET = 7;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> dependencies() {
        return Set.of("int_customer_backtest_summary", "int_backtest_holdout_periods");
    }

    /** Customers sharing calibration (x, t_x, T, m_x) and holdout transactions; revenue summed. */
    record CustomerGroup(PurchasePattern pattern, double meanSpend, long holdoutTransactions, long customers,
            double holdoutRevenue) {
    }

    @Override
    public void build(Connection db) throws SQLException {
        ValueParameters parameters = ValueParameters.read(db);
        long declared = Db.queryLong(db, "SELECT value_backtest_holdout_periods FROM run_parameters");
        int holdout = Math.toIntExact(declared < 0 ? parameters.horizonPeriods() : declared);
        List<String> models = parameters.isAutoPurchaseModel() ? PurchaseModels.CANDIDATES
                : List.of(parameters.purchaseModelName());
        LocalDate calibrationEnd = holdout == 0 ? null
                : parameters.businessDate().minusDays(Math.round(holdout * parameters.timeUnit().days()));

        Db.execute(db, "CREATE OR REPLACE TABLE " + NAME + " (business_date DATE, calibration_end DATE,"
                + " holdout_periods INTEGER, time_unit VARCHAR, model VARCHAR, measure VARCHAR, bucket VARCHAR,"
                + " period INTEGER, customers BIGINT, actual DOUBLE, predicted DOUBLE, error DOUBLE, note VARCHAR)");
        try (DuckDBAppender appender = db.unwrap(DuckDBConnection.class).createAppender(
                DuckDBConnection.DEFAULT_SCHEMA, NAME)) {
            Rows out = new Rows(appender, parameters, calibrationEnd, holdout);
            if (holdout == 0) {
                out.skippedAll(models, 0, "back-test off: value_backtest_holdout_periods = 0");
                return;
            }
            List<CustomerGroup> groups = customerGroups(db);
            long customers = groups.stream().mapToLong(CustomerGroup::customers).sum();
            long repeaters = groups.stream().filter(g -> g.pattern().frequency() > 0)
                    .mapToLong(CustomerGroup::customers).sum();
            if (customers == 0) {
                out.skippedAll(models, 0, "skipped: no customer bought on or before the calibration end "
                        + calibrationEnd + " (business_date minus " + holdout + " " + parameters.timeUnitName()
                        + "s): the holdout reaches before the first order");
                return;
            }
            if (repeaters < parameters.minRepeatCustomers()) {
                out.skippedAll(models, customers, "skipped: fewer than " + parameters.minRepeatCustomers()
                        + " repeat customers in the calibration period (" + repeaters + ")");
                return;
            }
            double length = queryDouble(db, "SELECT max(holdout_length) FROM int_customer_backtest_summary");
            double[] actualCumulative = actualCumulative(db, holdout);
            GammaGammaModel spend = null;
            String spendNote;
            try {
                spend = fitSpend(groups, parameters);
                spendNote = "calibration fit " + estimates(spend.fitResult());
            } catch (ModelFitException | IllegalArgumentException e) {
                spendNote = "skipped: " + e.getMessage();
            }
            List<PurchasePattern> fitPatterns = fitPatterns(groups, parameters.binnedFit());
            for (String model : models) {
                try {
                    PurchaseCountModel fitted = PurchaseModels.fit(model, fitPatterns, parameters.timeUnit());
                    if (!fitted.fitResult().converged()) {
                        throw new ModelFitException(model, "the optimiser did not converge after "
                                + fitted.fitResult().iterations() + " likelihood evaluations", null);
                    }
                    compare(out, model, fitted, groups, holdout, length, actualCumulative, spend, spendNote);
                } catch (ModelFitException | IllegalArgumentException | ArithmeticException e) {
                    log.warn("[transform] back-test of {} skipped: {}", model, e.getMessage());
                    out.skipped(model, customers, "skipped: " + e.getMessage());
                }
            }
            spendRows(out, groups, spend, spendNote);
        }
    }

    /** The rows of one fitted purchase model against the holdout. */
    private static void compare(Rows out, String model, PurchaseCountModel fitted, List<CustomerGroup> groups,
            int holdout, double length, double[] actualCumulative, GammaGammaModel spend, String spendNote)
            throws SQLException {
        Map<PurchasePattern, double[]> cumulative = cumulativeExpectations(fitted, groups, holdout, length);
        long customers = 0;
        double actual = 0;
        double predicted = 0;
        double absoluteError = 0;
        double actualSpend = 0;
        double predictedSpend = 0;
        long[] bucketCustomers = new long[TOP_BUCKET + 1];
        double[] bucketActual = new double[TOP_BUCKET + 1];
        double[] bucketPredicted = new double[TOP_BUCKET + 1];
        double[] predictedCumulative = new double[holdout];
        for (CustomerGroup g : groups) {
            double[] expected = cumulative.get(key(g));
            double prediction = expected[holdout - 1];
            if (!Double.isFinite(prediction)) {
                throw new ArithmeticException("expected holdout purchases not finite for x = "
                        + g.pattern().frequency() + ", t_x = " + g.pattern().recency() + ", T = " + g.pattern().age());
            }
            long n = g.customers();
            customers += n;
            actual += n * (double) g.holdoutTransactions();
            predicted += n * prediction;
            absoluteError += n * Math.abs(prediction - g.holdoutTransactions());
            int bucket = Math.min(g.pattern().frequency(), TOP_BUCKET);
            bucketCustomers[bucket] += n;
            bucketActual[bucket] += n * (double) g.holdoutTransactions();
            bucketPredicted[bucket] += n * prediction;
            for (int k = 0; k < holdout; k++) {
                predictedCumulative[k] += n * expected[k];
            }
            actualSpend += g.holdoutRevenue();
            if (spend != null) {
                predictedSpend += n * prediction
                        * spend.expectedMeanSpend(g.pattern().frequency(), g.pattern().frequency() > 0 ? g.meanSpend() : 0);
            }
        }
        for (int b = 0; b <= TOP_BUCKET; b++) {
            if (bucketCustomers[b] > 0) {
                out.row(model, BY_FREQUENCY, b == TOP_BUCKET ? TOP_BUCKET + "+" : Integer.toString(b), null,
                        bucketCustomers[b], bucketActual[b] / bucketCustomers[b], bucketPredicted[b] / bucketCustomers[b],
                        null);
            }
        }
        for (int k = 0; k < holdout; k++) {
            out.row(model, CUMULATIVE, null, k + 1, customers, actualCumulative[k], predictedCumulative[k], null);
        }
        out.row(model, TOTAL, null, holdout, customers, actual, predicted, "calibration fit "
                + estimates(fitted.fitResult()));
        out.row(model, MEAN_ABSOLUTE_ERROR, null, holdout, customers, actual / customers, predicted / customers,
                absoluteError / customers, "mean over customers of |expected - actual holdout purchases|");
        out.row(model, TOTAL_SPEND, null, holdout, customers, actualSpend, spend == null ? null : predictedSpend,
                spend == null ? "Gamma-Gamma " + spendNote : "expected purchases x Gamma-Gamma expected spend");
    }

    /** Gamma-Gamma against the mean spend per holdout purchase of the customers who bought in it. */
    private static void spendRows(Rows out, List<CustomerGroup> groups, GammaGammaModel spend, String spendNote)
            throws SQLException {
        long buyers = 0;
        long transactions = 0;
        double revenue = 0;
        double expected = 0;
        for (CustomerGroup g : groups) {
            if (g.holdoutTransactions() == 0) {
                continue;
            }
            buyers += g.customers();
            transactions += g.customers() * g.holdoutTransactions();
            revenue += g.holdoutRevenue();
            if (spend != null) {
                int x = g.pattern().frequency();
                expected += g.customers() * g.holdoutTransactions() * spend.expectedMeanSpend(x, x > 0 ? g.meanSpend() : 0);
            }
        }
        if (transactions == 0) {
            out.row(GammaGammaModel.NAME, MEAN_SPEND, null, null, 0, null, null, null,
                    "no purchase in the holdout");
            return;
        }
        out.row(GammaGammaModel.NAME, MEAN_SPEND, null, null, buyers, revenue / transactions,
                spend == null ? null : expected / transactions, spendNote);
    }

    /** E[Y(t_k) | x, t_x, T] for k = 1..holdout (t_holdout = the holdout's length), per distinct pattern. */
    private static Map<PurchasePattern, double[]> cumulativeExpectations(PurchaseCountModel model,
            List<CustomerGroup> groups, int holdout, double length) {
        List<PurchasePattern> patterns = groups.stream().map(ModelBacktestModel::key).distinct().toList();
        double[][] values = new double[patterns.size()][];
        IntStream.range(0, patterns.size()).parallel().forEach(i -> {
            double[] cumulative = new double[holdout];
            for (int k = 1; k <= holdout; k++) {
                cumulative[k - 1] = model.expectedPurchases(patterns.get(i), k == holdout ? length : Math.min(k, length));
            }
            values[i] = cumulative;
        });
        Map<PurchasePattern, double[]> byPattern = new LinkedHashMap<>();
        for (int i = 0; i < patterns.size(); i++) {
            byPattern.put(patterns.get(i), values[i]);
        }
        return byPattern;
    }

    /** A group's (x, t_x, T) as one customer's pattern: the key of its predictions. */
    private static PurchasePattern key(CustomerGroup g) {
        return PurchasePattern.ofCustomer(g.pattern().frequency(), g.pattern().recency(), g.pattern().age());
    }

    private static GammaGammaModel fitSpend(List<CustomerGroup> groups, ValueParameters parameters) {
        Map<SpendPattern, Long> counts = new LinkedHashMap<>();
        for (CustomerGroup g : groups) {
            if (g.pattern().frequency() > 0 && g.meanSpend() > 0) {
                double m = parameters.binnedFit() ? threeSignificantFigures(g.meanSpend()) : g.meanSpend();
                counts.merge(new SpendPattern(g.pattern().frequency(), m, 1), g.customers(), Long::sum);
            }
        }
        long spenders = counts.values().stream().mapToLong(Long::longValue).sum();
        if (spenders < parameters.minRepeatCustomers()) {
            throw new ModelFitException(GammaGammaModel.NAME, "fewer than " + parameters.minRepeatCustomers()
                    + " repeat customers with spend in the calibration period", null);
        }
        List<SpendPattern> patterns = counts.entrySet().stream()
                .map(e -> new SpendPattern(e.getKey().frequency(), e.getKey().meanSpend(), e.getValue())).toList();
        GammaGammaModel spend = GammaGammaModel.fit(patterns);
        if (!(spend.q() > 1) || !spend.fitResult().converged()) {
            throw new ModelFitException(GammaGammaModel.NAME, "no usable calibration fit (q = " + spend.q()
                    + ", converged = " + spend.fitResult().converged() + ")", null);
        }
        return spend;
    }

    /** As ModelFitModel.spendPatterns rounds m_x for value_fit_resolution = binned. */
    private static double threeSignificantFigures(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }

    /** Calibration (x, t_x, T) patterns with customer counts; binned rounds t_x and T as ModelFitModel does. */
    private static List<PurchasePattern> fitPatterns(List<CustomerGroup> groups, boolean binned) {
        Map<PurchasePattern, Long> counts = new LinkedHashMap<>();
        for (CustomerGroup g : groups) {
            PurchasePattern p = g.pattern();
            PurchasePattern key = binned ? PurchasePattern.ofCustomer(p.frequency(), Math.rint(p.recency()), Math.rint(p.age()))
                    : PurchasePattern.ofCustomer(p.frequency(), p.recency(), p.age());
            counts.merge(key, g.customers(), Long::sum);
        }
        return counts.entrySet().stream().map(e -> new PurchasePattern(e.getKey().frequency(), e.getKey().recency(),
                e.getKey().age(), e.getValue())).toList();
    }

    static List<CustomerGroup> customerGroups(Connection db) throws SQLException {
        List<CustomerGroup> groups = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT frequency, recency, age,"
                + " coalesce(repeat_mean_revenue, 0), holdout_transactions, count(*), sum(holdout_revenue)"
                + " FROM int_customer_backtest_summary GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")) {
            while (rs.next()) {
                long n = rs.getLong(6);
                groups.add(new CustomerGroup(new PurchasePattern(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), n),
                        rs.getDouble(4), rs.getLong(5), n, rs.getDouble(7)));
            }
        }
        return groups;
    }

    /** Actual repeat purchases by the end of each holdout period (int_backtest_holdout_periods accumulated). */
    private static double[] actualCumulative(Connection db, int holdout) throws SQLException {
        double[] perPeriod = new double[holdout];
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT period, transactions FROM int_backtest_holdout_periods")) {
            while (rs.next()) {
                perPeriod[rs.getInt(1) - 1] += rs.getLong(2);
            }
        }
        for (int k = 1; k < holdout; k++) {
            perPeriod[k] += perPeriod[k - 1];
        }
        return perPeriod;
    }

    private static double queryDouble(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    /** "r = 0.2426, alpha = 4.414, ..." at 4 significant figures. */
    static String estimates(FitResult fit) {
        return fit.estimates().entrySet().stream()
                .map(e -> e.getKey() + " = " + String.format(Locale.ROOT, "%.4g", e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The mart's rows: the night's columns first, then one measure. */
    private static final class Rows {
        private final DuckDBAppender out;
        private final ValueParameters parameters;
        private final LocalDate calibrationEnd;
        private final int holdout;

        Rows(DuckDBAppender out, ValueParameters parameters, LocalDate calibrationEnd, int holdout) {
            this.out = out;
            this.parameters = parameters;
            this.calibrationEnd = calibrationEnd;
            this.holdout = holdout;
        }

        void skippedAll(List<String> models, long customers, String note) throws SQLException {
            for (String model : models) {
                skipped(model, customers, note);
            }
            skipped(GammaGammaModel.NAME, customers, note);
        }

        void skipped(String model, long customers, String note) throws SQLException {
            row(model, SKIPPED, null, null, customers, null, null, null, note);
        }

        void row(String model, String measure, String bucket, Integer period, long customers, Double actual,
                Double predicted, String note) throws SQLException {
            row(model, measure, bucket, period, customers, actual, predicted,
                    actual == null || predicted == null ? null : predicted - actual, note);
        }

        void row(String model, String measure, String bucket, Integer period, long customers, Double actual,
                Double predicted, Double error, String note) throws SQLException {
            out.beginRow().append(parameters.businessDate());
            if (calibrationEnd == null) {
                out.appendNull();
            } else {
                out.append(calibrationEnd);
            }
            out.append(holdout).append(parameters.timeUnitName()).append(model).append(measure);
            ModelFitModel.appendNullable(out, bucket);
            if (period == null) {
                out.appendNull();
            } else {
                out.append(period.intValue());
            }
            out.append(customers);
            appendNullable(out, actual);
            appendNullable(out, predicted);
            appendNullable(out, error);
            ModelFitModel.appendNullable(out, note);
            out.endRow();
        }

        private static void appendNullable(DuckDBAppender out, Double value) throws SQLException {
            if (value == null || !Double.isFinite(value)) {
                out.appendNull();
            } else {
                out.append(value.doubleValue());
            }
        }
    }
}
