package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.numbers.gamma.LogGamma;
import org.junit.jupiter.api.Test;

/**
 * MBG/NBD (Batislam, Denizel &amp; Filiztekin 2007). The closed forms are checked against the
 * model's definition integrated numerically in the test (Simpson's rule over the Gamma mixing
 * distribution of lambda and the Beta mixing distribution of p): the individual likelihood
 * (1-p)^(x+1) lambda^x e^(-lambda T) + p (1-p)^x lambda^x e^(-lambda t_x), and the expected
 * purchases of a customer active at T, (1/p)(1 - e^(-lambda p t)). The CDNOW fit is checked
 * against the published MBG/NBD estimates of BTYDplus (Platzer; also the reference of lifetimes'
 * ModifiedBetaGeoFitter tests): r 0.525, alpha 6.183, a 0.891, b 1.614.
 */
class ModifiedBgNbdModelTest {
    // smooth mixing densities (a, r > 1), so Simpson's rule converges fast
    private static final double R = 1.5;
    private static final double ALPHA = 3.0;
    private static final double A = 2.5;
    private static final double B = 3.5;
    private static final double LAMBDA_MAX = 25; // Gamma(1.5, 3) tail beyond 25 is below e^-70

    @Test
    void likelihoodEqualsTheDefinitionIntegratedOverTheMixingDistributions() {
        ModifiedBgNbdModel model = new ModifiedBgNbdModel(R, ALPHA, A, B, TimeUnit.WEEK);
        double[][] cases = {{0, 0, 10}, {1, 4, 10}, {3, 7.5, 12}, {8, 30, 39}};
        for (double[] c : cases) {
            int x = (int) c[0];
            double tx = c[1];
            double age = c[2];
            double integrated = integrate2d((lambda, p) -> (Math.pow(1 - p, x + 1) * Math.pow(lambda, x)
                    * Math.exp(-lambda * age) + p * Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * tx))
                    * gammaDensity(lambda) * betaDensity(p));
            double closedForm = model.logLikelihood(List.of(PurchasePattern.ofCustomer(x, tx, age)));
            assertThat(closedForm).as("x=%d t_x=%s T=%s", x, tx, age).isCloseTo(Math.log(integrated), within(1e-7));
        }
        // weights multiply the log-likelihood
        assertThat(model.logLikelihood(List.of(new PurchasePattern(1, 4, 10, 3))))
                .isCloseTo(3 * model.logLikelihood(List.of(PurchasePattern.ofCustomer(1, 4, 10))), within(1e-9));
    }

    @Test
    void probabilityAliveAndExpectedPurchasesEqualTheIntegratedPosterior() {
        ModifiedBgNbdModel model = new ModifiedBgNbdModel(R, ALPHA, A, B, TimeUnit.WEEK);
        double[][] cases = {{0, 0, 10, 5}, {2, 6, 10, 20}, {5, 9, 20, 39}};
        for (double[] c : cases) {
            int x = (int) c[0];
            double tx = c[1];
            double age = c[2];
            double t = c[3];
            DoubleBinaryOperator alive = (lambda, p) -> Math.pow(1 - p, x + 1) * Math.pow(lambda, x)
                    * Math.exp(-lambda * age) * gammaDensity(lambda) * betaDensity(p);
            DoubleBinaryOperator dead = (lambda, p) -> p * Math.pow(1 - p, x) * Math.pow(lambda, x)
                    * Math.exp(-lambda * tx) * gammaDensity(lambda) * betaDensity(p);
            double likelihood = integrate2d((l, p) -> alive.applyAsDouble(l, p) + dead.applyAsDouble(l, p));
            double pAlive = integrate2d(alive) / likelihood;
            // an active customer buys (1/p)(1 - e^(-lambda p t)) in expectation over the next t
            double expected = integrate2d((l, p) -> p == 0 ? alive.applyAsDouble(l, p) * l * t
                    : alive.applyAsDouble(l, p) * (1 - Math.exp(-l * p * t)) / p) / likelihood;
            PurchasePattern pattern = PurchasePattern.ofCustomer(x, tx, age);
            assertThat(model.probabilityAlive(pattern)).isCloseTo(pAlive, within(1e-7));
            assertThat(model.expectedPurchases(pattern, t)).isCloseTo(expected, within(1e-6));
        }
        // unlike BG/NBD, no repeat purchase does not mean surely alive
        PurchasePattern once = PurchasePattern.ofCustomer(0, 0, 10);
        assertThat(model.probabilityAlive(once)).isLessThan(1);
        assertThat(new BgNbdModel(R, ALPHA, A, B, TimeUnit.WEEK).probabilityAlive(once)).isEqualTo(1);
    }

    @Test
    void reproducesThePublishedCdnowFit() throws Exception {
        ModifiedBgNbdModel model = ModifiedBgNbdModel.fit(CdnowSample.load().purchasePatterns(), TimeUnit.WEEK);
        assertThat(model.fitResult().converged()).isTrue();
        assertThat(model.r()).isCloseTo(0.525, within(0.0005));
        assertThat(model.alpha()).isCloseTo(6.183, within(0.0005));
        assertThat(model.a()).isCloseTo(0.891, within(0.0005));
        assertThat(model.b()).isCloseTo(1.614, within(0.0005));
    }

    private static double gammaDensity(double lambda) {
        return lambda == 0 ? 0 : Math.exp(R * Math.log(ALPHA) + (R - 1) * Math.log(lambda) - ALPHA * lambda
                - LogGamma.value(R));
    }

    private static double betaDensity(double p) {
        if (p == 0 || p == 1) {
            return 0;
        }
        double lnBeta = LogGamma.value(A) + LogGamma.value(B) - LogGamma.value(A + B);
        return Math.exp((A - 1) * Math.log(p) + (B - 1) * Math.log(1 - p) - lnBeta);
    }

    /**
     * Simpson's rule over lambda in [0, LAMBDA_MAX] and p in [0, 1], substituted lambda = u^2 and
     * p = v^2: the densities' sqrt-like rise at 0 (lambda^(r-1), p^(a-1)) would otherwise cost
     * Simpson its order (an error near 1e-3 relative for x = 0).
     */
    private static double integrate2d(DoubleBinaryOperator f) {
        return simpson(u -> simpson(v -> 4 * u * v * f.applyAsDouble(u * u, v * v), 0, 1, 400), 0,
                Math.sqrt(LAMBDA_MAX), 1000);
    }

    private static double simpson(DoubleUnaryOperator f, double from, double to, int intervals) {
        double h = (to - from) / intervals;
        double sum = f.applyAsDouble(from) + f.applyAsDouble(to);
        for (int i = 1; i < intervals; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(from + i * h);
        }
        return sum * h / 3;
    }
}
