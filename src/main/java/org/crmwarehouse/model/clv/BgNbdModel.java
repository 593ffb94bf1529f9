package org.crmwarehouse.model.clv;

import java.util.List;
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.LogGamma;

/**
 * The BG/NBD model of Fader, Hardie &amp; Lee (2005), "Counting your customers the easy way: an
 * alternative to the Pareto/NBD model", Marketing Science 24(2): while active a customer buys at
 * Poisson rate lambda ~ Gamma(r, alpha); after each purchase the customer drops out with
 * probability p ~ Beta(a, b).
 */
public final class BgNbdModel extends BetaGeometricPurchaseModel {

    public static final String NAME = "BG/NBD";

    /** A model with given parameters, for predictions. */
    public BgNbdModel(double r, double alpha, double a, double b, TimeUnit timeUnit) {
        this(r, alpha, a, b, timeUnit, null);
    }

    private BgNbdModel(double r, double alpha, double a, double b, TimeUnit timeUnit, FitResult fitResult) {
        super(NAME, r, alpha, a, b, timeUnit, fitResult);
    }

    /**
     * Maximum-likelihood fit on patterns whose recency and age are in {@code timeUnit}.
     *
     * @throws ModelFitException when there is nothing to fit or no trustworthy optimum
     */
    public static BgNbdModel fit(List<PurchasePattern> patterns, TimeUnit timeUnit) {
        return fit(NAME, patterns, timeUnit, BgNbdModel::logLikelihood, BgNbdModel::logLikelihoodGradient,
                BgNbdModel::new);
    }

    @Override
    Likelihood likelihood() {
        return BgNbdModel::logLikelihood;
    }

    /**
     * Log of eq. (6) of the 2005 paper,
     * L = B(a,b+x)/B(a,b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
     *   + [x&gt;0] B(a+1,b+x-1)/B(a,b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x)),
     * written as ln L = A1 + A2 + ln(exp(A3) + [x&gt;0] exp(A4)) (paper, section 5) with
     * A1 = ln Gamma(r+x) - ln Gamma(r) + r ln alpha,
     * A2 = ln Gamma(a+b) + ln Gamma(b+x) - ln Gamma(b) - ln Gamma(a+b+x),
     * A3 = -(r+x) ln(alpha+T), A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x); the sum by log-sum-exp.
     */
    static double logLikelihood(PurchasePatternSet data, double r, double alpha, double a, double b) {
        int[] xs = data.distinctFrequencies;
        double[] a1a2 = new double[xs.length];
        double[] lnA4Constant = new double[xs.length];
        double constant = -LogGamma.value(r) + r * Math.log(alpha) + LogGamma.value(a + b) - LogGamma.value(b);
        for (int k = 0; k < xs.length; k++) {
            int x = xs[k];
            a1a2[k] = constant + LogGamma.value(r + x) + LogGamma.value(b + x) - LogGamma.value(a + b + x);
            lnA4Constant[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Double.NEGATIVE_INFINITY;
        }
        double[] lnAlphaPlusTime = new double[data.distinctTimes.length];
        PurchasePatternSet.fill(lnAlphaPlusTime, j -> Math.log(alpha + data.distinctTimes[j]));
        return data.weightedSum(i -> {
            int k = data.frequencyIndex[i];
            double rx = r + xs[k];
            double a3 = -rx * lnAlphaPlusTime[data.ageIndex[i]];
            if (xs[k] == 0) {
                return a1a2[k] + a3;
            }
            double a4 = lnA4Constant[k] - rx * lnAlphaPlusTime[data.recencyIndex[i]];
            return a1a2[k] + logSumExp(a3, a4);
        });
    }

    /**
     * The log-likelihood and its gradient {ll, d/dr, d/dalpha, d/da, d/db}, differentiating the terms
     * of {@link #logLikelihood(PurchasePatternSet, double, double, double, double)} (psi = digamma;
     * w3, w4 = the shares e^A3 / (e^A3 + e^A4), e^A4 / (e^A3 + e^A4); w4 = 0 for x = 0):
     * d/dr = psi(r+x) - psi(r) + ln alpha - w3 ln(alpha+T) - w4 ln(alpha+t_x),
     * d/dalpha = r/alpha - (r+x) (w3/(alpha+T) + w4/(alpha+t_x)),
     * d/da = psi(a+b) - psi(a+b+x) + w4/a,
     * d/db = psi(a+b) + psi(b+x) - psi(b) - psi(a+b+x) - w4/(b+x-1).
     */
    static double[] logLikelihoodGradient(PurchasePatternSet data, double r, double alpha, double a, double b) {
        int[] xs = data.distinctFrequencies;
        int n = xs.length;
        double[] a1a2 = new double[n];
        double[] lnA4Constant = new double[n];
        double[] drByX = new double[n];
        double[] daByX = new double[n];
        double[] dbByX = new double[n];
        double[] inverseBx = new double[n];
        double constant = -LogGamma.value(r) + r * Math.log(alpha) + LogGamma.value(a + b) - LogGamma.value(b);
        double drConstant = -Digamma.value(r) + Math.log(alpha);
        double psiAb = Digamma.value(a + b);
        double psiB = Digamma.value(b);
        for (int k = 0; k < n; k++) {
            int x = xs[k];
            a1a2[k] = constant + LogGamma.value(r + x) + LogGamma.value(b + x) - LogGamma.value(a + b + x);
            lnA4Constant[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Double.NEGATIVE_INFINITY;
            double psiAbx = Digamma.value(a + b + x);
            drByX[k] = drConstant + Digamma.value(r + x);
            daByX[k] = psiAb - psiAbx;
            dbByX[k] = psiAb + Digamma.value(b + x) - psiB - psiAbx;
            inverseBx[k] = x > 0 ? 1 / (b + x - 1) : 0;
        }
        double[] times = data.distinctTimes;
        double[] lnAlphaPlusTime = new double[times.length];
        double[] inverseAlphaPlusTime = new double[times.length];
        PurchasePatternSet.fill(lnAlphaPlusTime, j -> Math.log(alpha + times[j]));
        PurchasePatternSet.fill(inverseAlphaPlusTime, j -> 1 / (alpha + times[j]));
        double rOverAlpha = r / alpha;
        double inverseA = 1 / a;
        return data.weightedSums(5, (i, out) -> {
            int k = data.frequencyIndex[i];
            int age = data.ageIndex[i];
            double rx = r + xs[k];
            double a3 = -rx * lnAlphaPlusTime[age];
            if (xs[k] == 0) {
                out[0] = a1a2[k] + a3;
                out[1] = drByX[k] - lnAlphaPlusTime[age];
                out[2] = rOverAlpha - rx * inverseAlphaPlusTime[age];
                out[3] = daByX[k];
                out[4] = dbByX[k];
                return;
            }
            int recency = data.recencyIndex[i];
            double a4 = lnA4Constant[k] - rx * lnAlphaPlusTime[recency];
            double max = Math.max(a3, a4);
            double e3 = Math.exp(a3 - max);
            double e4 = Math.exp(a4 - max);
            double sum = e3 + e4;
            double w3 = e3 / sum;
            double w4 = e4 / sum;
            out[0] = a1a2[k] + max + Math.log(sum);
            out[1] = drByX[k] - w3 * lnAlphaPlusTime[age] - w4 * lnAlphaPlusTime[recency];
            out[2] = rOverAlpha - rx * (w3 * inverseAlphaPlusTime[age] + w4 * inverseAlphaPlusTime[recency]);
            out[3] = daByX[k] + w4 * inverseA;
            out[4] = dbByX[k] - w4 * inverseBx[k];
        });
    }

    /** ln(e^u + e^v) without overflow. */
    static double logSumExp(double u, double v) {
        double max = Math.max(u, v);
        return max + Math.log1p(Math.exp(Math.min(u, v) - max));
    }

    /**
     * Eq. (11) of the 2005 paper (from the technical note "Computing P(alive) using the BG/NBD
     * model"): P(alive) = 1 / (1 + [x&gt;0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
     */
    @Override
    public double probabilityAlive(PurchasePattern pattern) {
        int x = pattern.frequency();
        if (x == 0) {
            return 1;
        }
        double logOdds = Math.log(a / (b + x - 1))
                + (r + x) * Math.log((alpha + pattern.age()) / (alpha + pattern.recency()));
        return 1 / (1 + Math.exp(logOdds));
    }

    /**
     * Eq. (10) of the 2005 paper:
     * E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
     *   [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
     *   / (1 + [x&gt;0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
     * Undefined (0/0) at exactly a = 1.
     */
    @Override
    public double expectedPurchases(PurchasePattern pattern, double t) {
        if (!(t >= 0)) {
            throw new IllegalArgumentException("horizon must be >= 0, got " + t);
        }
        int x = pattern.frequency();
        double age = pattern.age();
        double z = t / (alpha + age + t);
        double hypergeometric = GaussHypergeometric.value(r + x, b + x, a + b + x - 1, z);
        double bracket = 1 - Math.pow((alpha + age) / (alpha + age + t), r + x) * hypergeometric;
        return (a + b + x - 1) / (a - 1) * bracket * probabilityAlive(pattern);
    }
}
