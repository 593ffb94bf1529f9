package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The analytic gradients of the BG/NBD, MBG/NBD and Gamma-Gamma log-likelihoods against an
 * independent method: central differences of the log-likelihood itself (step 1e-5 relative,
 * truncation error about 1e-10 relative; rounding 1e-13 |ll| / step), at parameter points away from the optimum, where the
 * gradient is far from zero. The value returned with the gradient is the log-likelihood.
 */
class LogLikelihoodGradientTest {

    private static final double[][] PURCHASE_POINTS = {{0.243, 4.414, 0.793, 2.426}, {1.7, 0.3, 2.5, 0.6},
        {0.05, 40, 0.2, 9}};
    private static final double[][] SPEND_POINTS = {{6.25, 3.74, 15.44}, {0.8, 1.3, 0.2}, {20, 9, 300}};

    /** Synthetic patterns with every case the likelihoods branch on: x = 0, t_x = T, t_x < T, weights. */
    static List<PurchasePattern> purchasePatterns() {
        SplittableRandom random = new SplittableRandom(18);
        List<PurchasePattern> patterns = new ArrayList<>();
        patterns.add(new PurchasePattern(0, 0, 30, 40));
        patterns.add(new PurchasePattern(2, 12, 12, 3));
        for (int i = 0; i < 300; i++) {
            double age = 1 + random.nextDouble(80);
            int x = random.nextInt(12);
            double recency = x == 0 ? 0 : random.nextDouble(age);
            patterns.add(new PurchasePattern(x, recency, age, 1 + random.nextInt(5)));
        }
        return patterns;
    }

    static List<SpendPattern> spendPatterns() {
        SplittableRandom random = new SplittableRandom(5);
        List<SpendPattern> patterns = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            patterns.add(new SpendPattern(1 + random.nextInt(15), 0.5 + random.nextDouble(3), 1 + random.nextInt(4)));
        }
        return patterns;
    }

    @Test
    void bgNbdGradientMatchesCentralDifferences() {
        PurchasePatternSet data = PurchasePatternSet.of(purchasePatterns());
        for (double[] theta : PURCHASE_POINTS) {
            check(theta, t -> BgNbdModel.logLikelihood(data, t[0], t[1], t[2], t[3]),
                    BgNbdModel.logLikelihoodGradient(data, theta[0], theta[1], theta[2], theta[3]));
        }
    }

    @Test
    void modifiedBgNbdGradientMatchesCentralDifferences() {
        PurchasePatternSet data = PurchasePatternSet.of(purchasePatterns());
        for (double[] theta : PURCHASE_POINTS) {
            check(theta, t -> ModifiedBgNbdModel.logLikelihood(data, t[0], t[1], t[2], t[3]),
                    ModifiedBgNbdModel.logLikelihoodGradient(data, theta[0], theta[1], theta[2], theta[3]));
        }
    }

    @Test
    void gammaGammaGradientMatchesCentralDifferences() {
        SpendPatternSet data = SpendPatternSet.of(spendPatterns(), 1);
        for (double[] theta : SPEND_POINTS) {
            check(theta, t -> GammaGammaModel.logLikelihood(data, t[0], t[1], t[2]),
                    GammaGammaModel.logLikelihoodGradient(data, theta[0], theta[1], theta[2]));
        }
    }

    @Test
    void gradientsOnTheCdnowSample() throws Exception {
        CdnowSample sample = CdnowSample.load();
        PurchasePatternSet purchases = PurchasePatternSet.of(sample.purchasePatterns());
        double[] theta = PURCHASE_POINTS[1];
        check(theta, t -> BgNbdModel.logLikelihood(purchases, t[0], t[1], t[2], t[3]),
                BgNbdModel.logLikelihoodGradient(purchases, theta[0], theta[1], theta[2], theta[3]));
        check(theta, t -> ModifiedBgNbdModel.logLikelihood(purchases, t[0], t[1], t[2], t[3]),
                ModifiedBgNbdModel.logLikelihoodGradient(purchases, theta[0], theta[1], theta[2], theta[3]));
        SpendPatternSet spends = SpendPatternSet.of(sample.repeatSpendPatterns(), 1);
        double[] spendTheta = SPEND_POINTS[1];
        check(spendTheta, t -> GammaGammaModel.logLikelihood(spends, t[0], t[1], t[2]),
                GammaGammaModel.logLikelihoodGradient(spends, spendTheta[0], spendTheta[1], spendTheta[2]));
    }

    /** valueAndGradient = {ll, d/dtheta_1, ...} against ll and its central differences. */
    private static void check(double[] theta, ToDoubleFunction<double[]> logLikelihood, double[] valueAndGradient) {
        double ll = logLikelihood.applyAsDouble(theta);
        assertThat(valueAndGradient[0]).isCloseTo(ll, within(1e-9 * Math.abs(ll)));
        for (int i = 0; i < theta.length; i++) {
            double h = 1e-5 * theta[i];
            double[] plus = theta.clone();
            double[] minus = theta.clone();
            plus[i] += h;
            minus[i] -= h;
            double numerical = (logLikelihood.applyAsDouble(plus) - logLikelihood.applyAsDouble(minus)) / (2 * h);
            // the differences carry ll's rounding (1e-16 |ll|) divided by h
            double tolerance = 1e-6 * Math.abs(numerical) + 1e-13 * Math.abs(ll) / h;
            assertThat(valueAndGradient[i + 1]).as("d/dtheta_%d at %s", i, java.util.Arrays.toString(theta))
                    .isCloseTo(numerical, within(tolerance));
            assertThat(Math.abs(valueAndGradient[i + 1])).as("a point away from the optimum").isGreaterThan(tolerance);
        }
    }
}
