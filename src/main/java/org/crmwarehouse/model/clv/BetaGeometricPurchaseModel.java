package org.crmwarehouse.model.clv;

import java.util.List;

/**
 * What BG/NBD and MBG/NBD share: Poisson purchases at rate lambda ~ Gamma(r, alpha) while active,
 * dropout with probability p ~ Beta(a, b), the same four parameters, their checks and the
 * maximum-likelihood fit over the distinct patterns. The likelihoods, P(alive) and expectations
 * differ and stay in each model.
 */
public abstract class BetaGeometricPurchaseModel implements PurchaseCountModel {

    static final String[] PARAMETERS = {"r", "alpha", "a", "b"};

    /** A log-likelihood over the patterns at (r, alpha, a, b). */
    @FunctionalInterface
    interface Likelihood {
        double at(PurchasePatternSet data, double r, double alpha, double a, double b);
    }

    /** The log-likelihood with its gradient: {ll, d/dr, d/dalpha, d/da, d/db}. */
    @FunctionalInterface
    interface Gradient {
        double[] at(PurchasePatternSet data, double r, double alpha, double a, double b);
    }

    /** The model with fitted parameters. */
    @FunctionalInterface
    interface Factory<M> {
        M of(double r, double alpha, double a, double b, TimeUnit timeUnit, FitResult fitResult);
    }

    protected final double r;
    protected final double alpha;
    protected final double a;
    protected final double b;
    private final TimeUnit timeUnit;
    private final FitResult fitResult;

    BetaGeometricPurchaseModel(String name, double r, double alpha, double a, double b, TimeUnit timeUnit,
            FitResult fitResult) {
        if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
            throw new IllegalArgumentException(name + " parameters must be positive: r=" + r + ", alpha=" + alpha
                    + ", a=" + a + ", b=" + b);
        }
        this.r = r;
        this.alpha = alpha;
        this.a = a;
        this.b = b;
        this.timeUnit = timeUnit;
        this.fitResult = fitResult;
    }

    /**
     * Maximum-likelihood fit on patterns whose recency and age are in {@code timeUnit}.
     *
     * @throws ModelFitException when there is nothing to fit or no trustworthy optimum
     */
    static <M> M fit(String name, List<PurchasePattern> patterns, TimeUnit timeUnit, Likelihood likelihood,
            Gradient gradient, Factory<M> factory) {
        if (patterns.isEmpty()) {
            throw new ModelFitException(name, "no purchase patterns to fit", null);
        }
        PurchasePatternSet data = PurchasePatternSet.of(patterns);
        FitResult result = LogScaleMaximumLikelihood.fit(name, PARAMETERS, new double[] {1, 1, 1, 1},
                theta -> likelihood.at(data, theta[0], theta[1], theta[2], theta[3]),
                theta -> gradient.at(data, theta[0], theta[1], theta[2], theta[3]), data.customers, data.size);
        return factory.of(result.estimate("r"), result.estimate("alpha"), result.estimate("a"), result.estimate("b"),
                timeUnit, result);
    }

    /** This model's log-likelihood function. */
    abstract Likelihood likelihood();

    /** Total log-likelihood of the patterns (weighted by customers) under these parameters. */
    public double logLikelihood(List<PurchasePattern> patterns) {
        return likelihood().at(PurchasePatternSet.of(patterns), r, alpha, a, b);
    }

    @Override
    public TimeUnit timeUnit() {
        return timeUnit;
    }

    @Override
    public FitResult fitResult() {
        return fitResult;
    }

    public double r() {
        return r;
    }

    public double alpha() {
        return alpha;
    }

    public double a() {
        return a;
    }

    public double b() {
        return b;
    }
}
