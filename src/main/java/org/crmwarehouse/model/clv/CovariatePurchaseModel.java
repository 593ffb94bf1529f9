package org.crmwarehouse.model.clv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BG/NBD or Pareto/NBD with time-invariant covariates, after Fader &amp; Hardie, "Incorporating
 * Time-Invariant Covariates into the Pareto/NBD and BG/NBD Models" (2007). A customer's covariate
 * vector z is the 0/1 dummies of the levels of categorical attributes against a base level per
 * attribute ({@link CovariateDesign}); the shape r (and s) is shared and the other parameters move
 * with z as in the note:
 * <pre>
 * BG/NBD:     alpha_i = alpha0 exp(-g1'z),  a_i = a0 exp(g2'z),  b_i = b0 exp(g3'z)
 * Pareto/NBD: alpha_i = alpha0 exp(-g1'z),  beta_i = beta0 exp(-g2'z)
 * </pre>
 * Given z the model is the plain model with the customer's parameters, so the log-likelihood is the
 * sum over covariate profiles of the plain model's weighted pattern likelihood: cost follows the
 * (profile, x, t_x, T) patterns, not the customers.
 *
 * <p>Estimates are named as published in mart_model_fit: the base parameters by their paper names
 * (r, alpha, a, b or r, alpha, s, beta: the base-level customers' values) and one coefficient per
 * linked parameter and dummy, {@code "alpha:acquisition_channel=paid_search"} = the g of that dummy
 * in that parameter's exponent. The base level of each attribute is published too, with
 * coefficient 0 and no standard error (fixed by definition).
 */
public final class CovariatePurchaseModel {

    /** The plain model and which of its parameters move with the covariates, with the sign of g. */
    public enum Kind {
        BG_NBD(BgNbdModel.NAME, new String[] {"r", "alpha", "a", "b"}, new int[] {1, 2, 3}, new int[] {-1, 1, 1}),
        PARETO_NBD(ParetoNbdModel.NAME, new String[] {"r", "alpha", "s", "beta"}, new int[] {1, 3}, new int[] {-1, -1});

        final String modelName;
        final String[] parameters;
        /** Indices (into parameters) of the covariate-linked parameters and the sign of g in their exponent. */
        final int[] linked;
        final int[] sign;

        Kind(String modelName, String[] parameters, int[] linked, int[] sign) {
            this.modelName = modelName;
            this.parameters = parameters;
            this.linked = linked;
            this.sign = sign;
        }

        public String modelName() {
            return modelName;
        }

        /** The plain model with one customer's parameters. */
        PurchaseCountModel plain(double[] theta, TimeUnit unit) {
            return this == BG_NBD ? new BgNbdModel(theta[0], theta[1], theta[2], theta[3], unit)
                    : new ParetoNbdModel(theta[0], theta[1], theta[2], theta[3], unit);
        }

        double logLikelihood(PurchasePatternSet data, double[] theta) {
            return this == BG_NBD ? BgNbdModel.logLikelihood(data, theta[0], theta[1], theta[2], theta[3])
                    : ParetoNbdModel.logLikelihood(data, theta[0], theta[1], theta[2], theta[3]);
        }

        PurchaseCountModel fitPooled(List<PurchasePattern> patterns, TimeUnit unit) {
            return this == BG_NBD ? BgNbdModel.fit(patterns, unit) : ParetoNbdModel.fit(patterns, unit);
        }
    }

    private final Kind kind;
    private final List<String> columns;
    private final Map<String, Double> estimates;
    private final TimeUnit timeUnit;
    private final FitResult fitResult;

    /**
     * A model with given estimates (as published: base parameters and "parameter:column=level"
     * coefficients; a level without a coefficient counts as the base level), for predictions.
     */
    public CovariatePurchaseModel(Kind kind, List<String> columns, Map<String, Double> estimates, TimeUnit timeUnit) {
        this(kind, columns, estimates, timeUnit, null);
    }

    private CovariatePurchaseModel(Kind kind, List<String> columns, Map<String, Double> estimates, TimeUnit timeUnit,
            FitResult fitResult) {
        for (String p : kind.parameters) {
            if (!estimates.containsKey(p)) {
                throw new IllegalArgumentException(kind.modelName + " with covariates needs parameter " + p);
            }
        }
        this.kind = kind;
        this.columns = List.copyOf(columns);
        this.estimates = Map.copyOf(estimates);
        this.timeUnit = timeUnit;
        this.fitResult = fitResult;
    }

    /** Name of the coefficient of one dummy in one parameter's exponent. */
    public static String coefficientName(String parameter, String column, String level) {
        return parameter + ":" + column + "=" + level;
    }

    /**
     * Maximum-likelihood fit. {@code patternsByLevels} maps each combination of levels (one per
     * design column, in order) to its (x, t_x, T) patterns with customer counts.
     *
     * @throws ModelFitException when there is nothing to fit or no trustworthy optimum
     */
    public static CovariatePurchaseModel fit(Kind kind, CovariateDesign design,
            Map<List<String>, List<PurchasePattern>> patternsByLevels, TimeUnit timeUnit) {
        String model = kind.modelName + " with covariates";
        if (patternsByLevels.isEmpty()) {
            throw new ModelFitException(model, "no purchase patterns to fit", null);
        }
        List<int[]> active = new ArrayList<>();
        List<PurchasePatternSet> sets = new ArrayList<>();
        List<PurchasePattern> pooled = new ArrayList<>();
        for (Map.Entry<List<String>, List<PurchasePattern>> e : patternsByLevels.entrySet()) {
            active.add(design.activeDummies(e.getKey()));
            sets.add(PurchasePatternSet.of(e.getValue()));
            pooled.addAll(e.getValue());
        }
        String unidentified = design.unidentified(active);
        if (unidentified != null) {
            throw new ModelFitException(model, unidentified, null);
        }
        // the pooled fit is the start: the coefficients start at 0 (multipliers at 1)
        FitResult start = kind.fitPooled(pooled, timeUnit).fitResult();
        int base = kind.parameters.length;
        int dummies = design.dummies();
        int n = base + kind.linked.length * dummies;
        String[] names = new String[n];
        double[] initial = new double[n];
        List<String> dummyNames = design.dummyNames();
        for (int i = 0; i < base; i++) {
            names[i] = kind.parameters[i];
            initial[i] = start.estimate(kind.parameters[i]);
        }
        for (int l = 0; l < kind.linked.length; l++) {
            for (int d = 0; d < dummies; d++) {
                // optimised as the positive multiplier c = exp(sign * g) of the parameter
                names[base + l * dummies + d] = "exp(" + (kind.sign[l] < 0 ? "-" : "") + "g) of "
                        + kind.parameters[kind.linked[l]] + ":" + dummyNames.get(d);
                initial[base + l * dummies + d] = 1;
            }
        }
        long customers = sets.stream().mapToLong(s -> s.customers).sum();
        int patterns = sets.stream().mapToInt(s -> s.size).sum();
        FitResult raw = LogScaleMaximumLikelihood.fit(model, names, initial, theta -> {
            double total = 0;
            double[] customer = new double[base];
            for (int p = 0; p < sets.size(); p++) {
                individual(kind, theta, active.get(p), dummies, customer);
                total += kind.logLikelihood(sets.get(p), customer);
            }
            return total;
        }, customers, patterns);

        Map<String, Double> estimates = new LinkedHashMap<>();
        Map<String, Double> errors = new LinkedHashMap<>();
        for (int i = 0; i < base; i++) {
            estimates.put(kind.parameters[i], raw.estimate(names[i]));
            errors.put(kind.parameters[i], raw.standardError(names[i]));
        }
        for (int l = 0; l < kind.linked.length; l++) {
            String parameter = kind.parameters[kind.linked[l]];
            for (int c = 0; c < design.columns().size(); c++) {
                String column = design.columns().get(c);
                estimates.put(coefficientName(parameter, column, design.baseLevel(c)), 0.0);
                errors.put(coefficientName(parameter, column, design.baseLevel(c)), Double.NaN);
                for (String level : design.otherLevels(c)) {
                    int d = design.dummyIndex(c, level);
                    String name = names[base + l * dummies + d];
                    double multiplier = raw.estimate(name);
                    // c = exp(sign g): g = sign ln c, and by the delta method se(g) = se(c) / c
                    estimates.put(coefficientName(parameter, column, level), kind.sign[l] * Math.log(multiplier));
                    errors.put(coefficientName(parameter, column, level), raw.standardError(name) / multiplier);
                }
            }
        }
        FitResult result = new FitResult(kind.modelName, estimates, errors, raw.logLikelihood(), customers, patterns,
                raw.iterations() + start.iterations(), raw.converged());
        return new CovariatePurchaseModel(kind, design.columns(), estimates, timeUnit, result);
    }

    /** One profile's parameters from the optimiser's vector (base parameters, then multipliers). */
    private static void individual(Kind kind, double[] theta, int[] active, int dummies, double[] out) {
        int base = kind.parameters.length;
        System.arraycopy(theta, 0, out, 0, base);
        for (int l = 0; l < kind.linked.length; l++) {
            for (int d : active) {
                out[kind.linked[l]] *= theta[base + l * dummies + d];
            }
        }
    }

    /**
     * The plain model with the parameters of a customer with these levels (one per column, in
     * order; null = missing): base parameter times exp(sign * sum of the level coefficients).
     */
    public PurchaseCountModel forLevels(List<String> levels) {
        double[] theta = new double[kind.parameters.length];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = estimates.get(kind.parameters[i]);
        }
        for (int l = 0; l < kind.linked.length; l++) {
            String parameter = kind.parameters[kind.linked[l]];
            double exponent = 0;
            for (int c = 0; c < columns.size(); c++) {
                Double g = estimates.get(coefficientName(parameter, columns.get(c), CovariateDesign.level(levels.get(c))));
                exponent += g == null ? 0 : g;
            }
            theta[kind.linked[l]] *= Math.exp(kind.sign[l] * exponent);
        }
        return kind.plain(theta, timeUnit);
    }

    public FitResult fitResult() {
        return fitResult;
    }

    public Kind kind() {
        return kind;
    }

    public List<String> columns() {
        return columns;
    }
}
