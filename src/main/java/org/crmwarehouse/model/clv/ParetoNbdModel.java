package org.crmwarehouse.model.clv;

import java.util.List;
import org.apache.commons.numbers.gamma.LogGamma;

/**
 * The Pareto/NBD model of Schmittlein, Morrison &amp; Colombo (1987), "Counting your customers: who
 * are they and what will they do next?", Management Science 33(1): while active a customer buys at
 * Poisson rate lambda ~ Gamma(r, alpha) and has an exponential lifetime with rate
 * mu ~ Gamma(s, beta).
 *
 * <p>The likelihood is the form of Fader &amp; Hardie, "A Note on Deriving the Pareto/NBD Model and
 * Related Expressions" (2005), which needs the Gauss hypergeometric function only with argument in
 * [0, 1) (see {@link GaussHypergeometric}: series with convergence check, A&amp;S 15.3.6 near 1):
 * <pre>
 * L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *     * [ 1 / ((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A0 ]
 * alpha &gt;= beta: A0 = F(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t_x)) / (alpha+t_x)^(r+s+x)
 *                    - F(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+T)) / (alpha+T)^(r+s+x)
 * alpha &lt;  beta: A0 = F(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t_x)) / (beta+t_x)^(r+s+x)
 *                    - F(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+T)) / (beta+T)^(r+s+x)
 * </pre>
 * evaluated on the log scale: the bracket's three terms are combined after subtracting the largest
 * log term (log-sum-exp), so nothing overflows for large x or T.
 */
public final class ParetoNbdModel implements PurchaseCountModel {

    public static final String NAME = "Pareto/NBD";
    private static final String[] PARAMETERS = {"r", "alpha", "s", "beta"};

    private final double r;
    private final double alpha;
    private final double s;
    private final double beta;
    private final TimeUnit timeUnit;
    private final FitResult fitResult;

    /** A model with given parameters, for predictions. */
    public ParetoNbdModel(double r, double alpha, double s, double beta, TimeUnit timeUnit) {
        this(r, alpha, s, beta, timeUnit, null);
    }

    private ParetoNbdModel(double r, double alpha, double s, double beta, TimeUnit timeUnit, FitResult fitResult) {
        if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) {
            throw new IllegalArgumentException("Pareto/NBD parameters must be positive: r=" + r + ", alpha=" + alpha
                    + ", s=" + s + ", beta=" + beta);
        }
        this.r = r;
        this.alpha = alpha;
        this.s = s;
        this.beta = beta;
        this.timeUnit = timeUnit;
        this.fitResult = fitResult;
    }

    /**
     * Maximum-likelihood fit on patterns whose recency and age are in {@code timeUnit}.
     *
     * @throws ModelFitException when there is nothing to fit or no trustworthy optimum
     */
    public static ParetoNbdModel fit(List<PurchasePattern> patterns, TimeUnit timeUnit) {
        if (patterns.isEmpty()) {
            throw new ModelFitException(NAME, "no purchase patterns to fit", null);
        }
        PurchasePatternSet data = PurchasePatternSet.of(patterns);
        FitResult result = LogScaleMaximumLikelihood.fit(NAME, PARAMETERS, new double[] {1, 1, 1, 1},
                theta -> logLikelihood(data, theta[0], theta[1], theta[2], theta[3]), data.customers, data.size);
        return new ParetoNbdModel(result.estimate("r"), result.estimate("alpha"), result.estimate("s"),
                result.estimate("beta"), timeUnit, result);
    }

    /** Total log-likelihood of the patterns (weighted by customers) under these parameters. */
    public double logLikelihood(List<PurchasePattern> patterns) {
        return logLikelihood(PurchasePatternSet.of(patterns), r, alpha, s, beta);
    }

    static double logLikelihood(PurchasePatternSet data, double r, double alpha, double s, double beta) {
        int[] xs = data.distinctFrequencies;
        double[] times = data.distinctTimes;
        double[] lnAlphaPlusTime = new double[times.length];
        double[] lnBetaPlusTime = new double[times.length];
        PurchasePatternSet.fill(lnAlphaPlusTime, j -> Math.log(alpha + times[j]));
        PurchasePatternSet.fill(lnBetaPlusTime, j -> Math.log(beta + times[j]));
        double[] lnA0Term = new double[data.pairFrequencyIndex.length];
        PurchasePatternSet.fill(lnA0Term, k -> lnA0Term(r, alpha, s, beta, xs[data.pairFrequencyIndex[k]],
                times[data.pairTimeIndex[k]]));
        double constant = -LogGamma.value(r) + r * Math.log(alpha) + s * Math.log(beta);
        double[] lnGammaPart = new double[xs.length];
        double[] lnWeight = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            lnGammaPart[k] = constant + LogGamma.value(r + xs[k]);
            lnWeight[k] = Math.log(s / (r + s + xs[k]));
        }
        return data.weightedSum(i -> {
            int k = data.frequencyIndex[i];
            int age = data.ageIndex[i];
            double lnSurvivor = -(r + xs[k]) * lnAlphaPlusTime[age] - s * lnBetaPlusTime[age];
            double lnRecencyTerm = lnWeight[k] + lnA0Term[data.recencyPair[i]];
            double lnAgeTerm = lnWeight[k] + lnA0Term[data.agePair[i]];
            return lnGammaPart[k] + lnBracket(lnSurvivor, lnRecencyTerm, lnAgeTerm);
        });
    }

    /** ln(e^u + e^v - e^w) for e^v &gt;= e^w, by subtracting the larger of u and v. */
    private static double lnBracket(double u, double v, double w) {
        double max = Math.max(u, v);
        return max + Math.log(Math.exp(u - max) + Math.exp(v - max) - Math.exp(w - max));
    }

    /** The log of one of the two terms of A0 (class comment), at time t = t_x or T. */
    private static double lnA0Term(double r, double alpha, double s, double beta, int x, double t) {
        double rsx = r + s + x;
        if (alpha >= beta) {
            double z = (alpha - beta) / (alpha + t);
            return Math.log(GaussHypergeometric.value(rsx, s + 1, rsx + 1, z)) - rsx * Math.log(alpha + t);
        }
        double z = (beta - alpha) / (beta + t);
        return Math.log(GaussHypergeometric.value(rsx, r + x, rsx + 1, z)) - rsx * Math.log(beta + t);
    }

    /**
     * P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (Fader &amp; Hardie's
     * note, the expression for P(alive)): the share of the survivor term in the likelihood bracket.
     */
    @Override
    public double probabilityAlive(PurchasePattern pattern) {
        int x = pattern.frequency();
        double age = pattern.age();
        double lnSurvivor = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
        double lnWeight = Math.log(s / (r + s + x));
        double lnRecencyTerm = lnWeight + lnA0Term(r, alpha, s, beta, x, pattern.recency());
        double lnAgeTerm = lnWeight + lnA0Term(r, alpha, s, beta, x, age);
        return Math.exp(lnSurvivor - lnBracket(lnSurvivor, lnRecencyTerm, lnAgeTerm));
    }

    /**
     * E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)
     * (Schmittlein, Morrison &amp; Colombo 1987; Fader &amp; Hardie's note), with the s = 1 limit
     * (r+x)(beta+T)/(alpha+T) ln((beta+T+t)/(beta+T)) P(alive).
     */
    @Override
    public double expectedPurchases(PurchasePattern pattern, double t) {
        if (!(t >= 0)) {
            throw new IllegalArgumentException("horizon must be >= 0, got " + t);
        }
        double age = pattern.age();
        double rate = (r + pattern.frequency()) / (alpha + age);
        double lnGrowth = Math.log((beta + age + t) / (beta + age));
        // (beta+T)/(s-1) [1 - ((beta+T)/(beta+T+t))^(s-1)] = (beta+T) (1 - e^{-(s-1) g})/(s-1), g = lnGrowth
        double exposure = Math.abs(s - 1) < 1e-10
                ? (beta + age) * lnGrowth
                : (beta + age) * -Math.expm1(-(s - 1) * lnGrowth) / (s - 1);
        return rate * exposure * probabilityAlive(pattern);
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

    public double s() {
        return s;
    }

    public double beta() {
        return beta;
    }
}
