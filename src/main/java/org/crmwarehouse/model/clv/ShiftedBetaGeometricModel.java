package org.crmwarehouse.model.clv;

import java.util.List;
import org.apache.commons.numbers.gamma.LogBeta;

/**
 * The shifted-beta-geometric (sBG) retention model (Fader &amp; Hardie 2007, "How to Project
 * Customer Retention", Journal of Interactive Marketing 21(1)): at the end of each period a
 * customer cancels with her own probability theta, and theta ~ Beta(alpha, beta) across customers.
 * T, the period in which she cancels, has P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
 * and S(t) = P(T &gt; t) = B(alpha, beta + t) / B(alpha, beta); the retention rate of period t,
 * S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), rises with t as the likelier
 * cancellers leave. Fitted by maximum likelihood ({@link LogScaleMaximumLikelihood}) on
 * cancellations (P(T = t)) and survivors (S(t), right-censored).
 *
 * <p>Discounted expected residual lifetime (Fader &amp; Hardie 2010, "Customer-Base Valuation in a
 * Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1), eq. 6): for
 * a customer who has made n - 1 renewals, just before her n-th renewal decision,
 * DERL(d | alpha, beta, n) = (beta + n - 1) / (alpha + beta + n - 1)
 * x 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d)) = sum over t &gt;= n of S(t) / S(n - 1) / (1 + d)^(t - n):
 * the expected number of further payments, each discounted at d per period, the next one not.
 */
public final class ShiftedBetaGeometricModel {

    public static final String NAME = "sBG";
    private static final String[] PARAMETERS = {"alpha", "beta"};

    private final double alpha;
    private final double beta;
    private final FitResult fitResult;

    /** A model with given parameters, for projections. */
    public ShiftedBetaGeometricModel(double alpha, double beta) {
        this(alpha, beta, null);
    }

    private ShiftedBetaGeometricModel(double alpha, double beta, FitResult fitResult) {
        if (!(alpha > 0 && beta > 0)) {
            throw new IllegalArgumentException("sBG parameters must be positive: alpha=" + alpha + ", beta=" + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
        this.fitResult = fitResult;
    }

    /**
     * Maximum-likelihood fit.
     *
     * @throws ModelFitException when the data cannot identify the model (no cancellation, or no
     *     renewal at all) or the optimiser finds no trustworthy optimum
     */
    public static ShiftedBetaGeometricModel fit(List<RetentionPattern> patterns) {
        long subscriptions = patterns.stream().mapToLong(RetentionPattern::subscriptions).sum();
        String unidentified = unidentified(patterns);
        if (unidentified != null) {
            throw new ModelFitException(NAME, unidentified, null);
        }
        FitResult fit = LogScaleMaximumLikelihood.fit(NAME, PARAMETERS, new double[] {1, 1},
                theta -> logLikelihood(patterns, theta[0], theta[1]), subscriptions, patterns.size());
        return new ShiftedBetaGeometricModel(fit.estimate("alpha"), fit.estimate("beta"), fit);
    }

    /**
     * Why the data cannot identify alpha and beta (the likelihood has no interior maximum), or null:
     * without a cancellation theta tends to 0, without a renewal to 1.
     */
    public static String unidentified(List<RetentionPattern> patterns) {
        boolean cancellation = patterns.stream().anyMatch(RetentionPattern::cancelled);
        boolean renewal = patterns.stream().anyMatch(p -> p.cancelled() ? p.periods() > 1 : p.periods() > 0);
        return cancellation && renewal ? null
                : "the data has " + (cancellation ? "no renewal" : "no cancellation") + ": alpha and beta are not identified";
    }

    /** Total log-likelihood of the patterns (weighted by subscriptions) under these parameters. */
    public static double logLikelihood(List<RetentionPattern> patterns, double alpha, double beta) {
        double base = LogBeta.value(alpha, beta);
        double sum = 0;
        for (RetentionPattern p : patterns) {
            double term = p.cancelled()
                    ? LogBeta.value(alpha + 1, beta + p.periods() - 1) - base
                    : p.periods() == 0 ? 0 : LogBeta.value(alpha, beta + p.periods()) - base;
            sum += p.subscriptions() * term;
        }
        return sum;
    }

    /** S(t) = P(T &gt; t): the share of a cohort still subscribed after t periods (S(0) = 1). */
    public double survival(int t) {
        if (t < 0) {
            throw new IllegalArgumentException("t must be >= 0: " + t);
        }
        return Math.exp(LogBeta.value(alpha, beta + t) - LogBeta.value(alpha, beta));
    }

    /** r(t) = S(t) / S(t - 1): the share of period t - 1's survivors who renew for period t + 1 (t &gt;= 1). */
    public double retentionRate(int t) {
        if (t < 1) {
            throw new IllegalArgumentException("t must be >= 1: " + t);
        }
        return (beta + t - 1) / (alpha + beta + t - 1);
    }

    /**
     * DERL(d | alpha, beta, n) for a customer who has made {@code renewals} = n - 1 renewals, at the
     * discount rate d per period (d &gt; 0).
     */
    public double discountedExpectedResidualLifetime(double discountRate, long renewals) {
        if (!(discountRate > 0)) {
            throw new IllegalArgumentException("DERL needs a discount rate > 0 per period, got " + discountRate);
        }
        if (renewals < 0) {
            throw new IllegalArgumentException("renewals must be >= 0: " + renewals);
        }
        double n = renewals + 1.0;
        // The defining series, not GaussHypergeometric.value: with a = 1 each term is at most
        // 1 / (1 + d) times the one before, so it converges geometrically for every alpha and beta,
        // while the 1 - z transformation that value() uses near z = 1 overflows for nearly
        // homogeneous cohorts (beta ~ 1e6, the optimiser's bound) and gave NaN.
        return (beta + n - 1) / (alpha + beta + n - 1)
                * GaussHypergeometric.series(1, beta + n, alpha + beta + n, 1 / (1 + discountRate));
    }

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    /** The fit this model came from; null for a model built from given parameters. */
    public FitResult fitResult() {
        return fitResult;
    }
}
