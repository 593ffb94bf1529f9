package org.crmwarehouse.model.clv;

import java.util.List;
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.LogGamma;

/**
 * The modified BG/NBD (MBG/NBD) of Batislam, Denizel &amp; Filiztekin (2007), "Empirical validation
 * and comparison of models for customer base analysis", International Journal of Research in
 * Marketing 24(3): as BG/NBD (Poisson purchases at rate lambda ~ Gamma(r, alpha) while active,
 * dropout with probability p ~ Beta(a, b) after a purchase), except that a customer may also drop
 * out right after the first purchase. So a customer with no repeat purchase is not surely alive,
 * P(alive | x = 0) &lt; 1, where BG/NBD gives 1.
 *
 * <p>Per customer, given lambda and p: L = (1-p)^(x+1) lambda^x e^(-lambda T) (still active) +
 * p (1-p)^x lambda^x e^(-lambda t_x) (dropped out after the last purchase, the first one for
 * x = 0). Mixed over the Beta and Gamma distributions,
 * <pre>
 * L = Gamma(r+x) alpha^r / Gamma(r) * B(a, b+x+1)/B(a,b)
 *     * [ (alpha+T)^-(r+x) + a/(b+x) (alpha+t_x)^-(r+x) ]
 * </pre>
 * since B(a+1, b+x) / B(a, b+x+1) = a/(b+x).
 */
public final class ModifiedBgNbdModel extends BetaGeometricPurchaseModel {

    public static final String NAME = "MBG/NBD";

    /** A model with given parameters, for predictions. */
    public ModifiedBgNbdModel(double r, double alpha, double a, double b, TimeUnit timeUnit) {
        this(r, alpha, a, b, timeUnit, null);
    }

    private ModifiedBgNbdModel(double r, double alpha, double a, double b, TimeUnit timeUnit, FitResult fitResult) {
        super(NAME, r, alpha, a, b, timeUnit, fitResult);
    }

    /**
     * Maximum-likelihood fit on patterns whose recency and age are in {@code timeUnit}.
     *
     * @throws ModelFitException when there is nothing to fit or no trustworthy optimum
     */
    public static ModifiedBgNbdModel fit(List<PurchasePattern> patterns, TimeUnit timeUnit) {
        return fit(NAME, patterns, timeUnit, ModifiedBgNbdModel::logLikelihood, ModifiedBgNbdModel::logLikelihoodGradient,
                ModifiedBgNbdModel::new);
    }

    @Override
    Likelihood likelihood() {
        return ModifiedBgNbdModel::logLikelihood;
    }

    /**
     * ln L = A1 + A2 + ln(exp(A3) + exp(A4)) with A1 = ln Gamma(r+x) - ln Gamma(r) + r ln alpha,
     * A2 = ln Gamma(a+b) + ln Gamma(b+x+1) - ln Gamma(b) - ln Gamma(a+b+x+1) (= ln B(a,b+x+1)/B(a,b)),
     * A3 = -(r+x) ln(alpha+T), A4 = ln a - ln(b+x) - (r+x) ln(alpha+t_x); A4 is there for x = 0 too.
     */
    static double logLikelihood(PurchasePatternSet data, double r, double alpha, double a, double b) {
        int[] xs = data.distinctFrequencies;
        double[] a1a2 = new double[xs.length];
        double[] lnA4Constant = new double[xs.length];
        double constant = -LogGamma.value(r) + r * Math.log(alpha) + LogGamma.value(a + b) - LogGamma.value(b);
        for (int k = 0; k < xs.length; k++) {
            int x = xs[k];
            a1a2[k] = constant + LogGamma.value(r + x) + LogGamma.value(b + x + 1) - LogGamma.value(a + b + x + 1);
            lnA4Constant[k] = Math.log(a) - Math.log(b + x);
        }
        double[] lnAlphaPlusTime = new double[data.distinctTimes.length];
        PurchasePatternSet.fill(lnAlphaPlusTime, j -> Math.log(alpha + data.distinctTimes[j]));
        return data.weightedSum(i -> {
            int k = data.frequencyIndex[i];
            double rx = r + xs[k];
            double a3 = -rx * lnAlphaPlusTime[data.ageIndex[i]];
            double a4 = lnA4Constant[k] - rx * lnAlphaPlusTime[data.recencyIndex[i]];
            return a1a2[k] + BgNbdModel.logSumExp(a3, a4);
        });
    }

    /**
     * The log-likelihood and its gradient {ll, d/dr, d/dalpha, d/da, d/db}, differentiating the terms
     * of {@link #logLikelihood(PurchasePatternSet, double, double, double, double)} (psi = digamma;
     * w3, w4 = the shares e^A3 / (e^A3 + e^A4), e^A4 / (e^A3 + e^A4)):
     * d/dr = psi(r+x) - psi(r) + ln alpha - w3 ln(alpha+T) - w4 ln(alpha+t_x),
     * d/dalpha = r/alpha - (r+x) (w3/(alpha+T) + w4/(alpha+t_x)),
     * d/da = psi(a+b) - psi(a+b+x+1) + w4/a,
     * d/db = psi(a+b) + psi(b+x+1) - psi(b) - psi(a+b+x+1) - w4/(b+x).
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
            a1a2[k] = constant + LogGamma.value(r + x) + LogGamma.value(b + x + 1) - LogGamma.value(a + b + x + 1);
            lnA4Constant[k] = Math.log(a) - Math.log(b + x);
            double psiAbx = Digamma.value(a + b + x + 1);
            drByX[k] = drConstant + Digamma.value(r + x);
            daByX[k] = psiAb - psiAbx;
            dbByX[k] = psiAb + Digamma.value(b + x + 1) - psiB - psiAbx;
            inverseBx[k] = 1 / (b + x);
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
            int recency = data.recencyIndex[i];
            double rx = r + xs[k];
            double a3 = -rx * lnAlphaPlusTime[age];
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

    /** P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), below 1 for x = 0 as well. */
    @Override
    public double probabilityAlive(PurchasePattern pattern) {
        return 1 / (1 + Math.exp(logOddsDead(pattern)));
    }

    private double logOddsDead(PurchasePattern pattern) {
        int x = pattern.frequency();
        return Math.log(a / (b + x)) + (r + x) * Math.log((alpha + pattern.age()) / (alpha + pattern.recency()));
    }

    /**
     * An active customer at T, with lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x+1) given the
     * data, buys from then on as a new BG/NBD customer does, so (Batislam et al. 2007)
     * E[Y(t) | x, t_x, T] = (a+b+x)/(a-1)
     *   [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive).
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
        double hypergeometric = GaussHypergeometric.value(r + x, b + x + 1, a + b + x, z);
        double bracket = 1 - Math.pow((alpha + age) / (alpha + age + t), r + x) * hypergeometric;
        return (a + b + x) / (a - 1) * bracket * probabilityAlive(pattern);
    }
}
