package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoNbdModelTest {

    /**
     * Fader, Hardie &amp; Lee (2005), "A Note on Implementing the Pareto/NBD Model in MATLAB", on the
     * CDNOW sample: r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0. Asserted to
     * the published digits.
     */
    @Test
    void reproducesThePublishedCdnowFit() throws Exception {
        FitResult fit = ParetoNbdModel.fit(CdnowSample.load().purchasePatterns(), TimeUnit.WEEK).fitResult();

        assertThat(fit.converged()).isTrue();
        assertThat(fit.estimates().keySet()).containsExactly("r", "alpha", "s", "beta");
        assertThat(fit.estimate("r")).isCloseTo(0.55, within(0.005));
        assertThat(fit.estimate("alpha")).isCloseTo(10.58, within(0.005));
        assertThat(fit.estimate("s")).isCloseTo(0.61, within(0.005));
        assertThat(fit.estimate("beta")).isCloseTo(11.67, within(0.005));
        assertThat(fit.logLikelihood()).isCloseTo(-9595.0, within(0.05));
        for (String parameter : fit.estimates().keySet()) {
            assertThat(fit.standardError(parameter) / fit.estimate(parameter)).as(parameter).isBetween(0.02, 1.0);
        }
    }

    /**
     * With alpha = beta the hypergeometric argument is 0 and, for r = s = alpha = beta = 1,
     * x = 1, t_x = 1, T = 3: survivor term 1/(4^2 4) = 1/64, A0 = 1/2^3 - 1/4^3 = 7/64,
     * weight s/(r+s+x) = 1/3, so L = 1/64 + 7/192 = 5/96. Either side of alpha = beta (the two
     * branches of A0) must agree with it.
     */
    @Test
    void logLikelihoodMatchesTheClosedFormByHand() {
        List<PurchasePattern> one = List.of(PurchasePattern.ofCustomer(1, 1, 3));
        double expected = Math.log(5.0 / 96.0);
        assertThat(new ParetoNbdModel(1, 1, 1, 1, TimeUnit.WEEK).logLikelihood(one)).isCloseTo(expected, within(1e-12));
        assertThat(new ParetoNbdModel(1, 1 + 1e-9, 1, 1, TimeUnit.WEEK).logLikelihood(one)).isCloseTo(expected, within(1e-8));
        assertThat(new ParetoNbdModel(1, 1, 1, 1 + 1e-9, TimeUnit.WEEK).logLikelihood(one)).isCloseTo(expected, within(1e-8));
        // P(alive) is the survivor term's share: (1/64) / (5/96) = 0.3
        assertThat(new ParetoNbdModel(1, 1, 1, 1, TimeUnit.WEEK).probabilityAlive(one.get(0))).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void weightsEqualRepetition() {
        ParetoNbdModel model = new ParetoNbdModel(0.55, 10.58, 0.61, 11.67, TimeUnit.WEEK);
        PurchasePattern p = PurchasePattern.ofCustomer(2, 30.43, 38.86);
        assertThat(model.logLikelihood(List.of(new PurchasePattern(2, 30.43, 38.86, 4))))
                .isCloseTo(4 * model.logLikelihood(List.of(p)), within(1e-10));
    }

    @Test
    void predictionsAreConsistent() {
        ParetoNbdModel model = new ParetoNbdModel(0.55, 10.58, 0.61, 11.67, TimeUnit.WEEK);
        PurchasePattern active = PurchasePattern.ofCustomer(2, 38.0, 38.86);
        PurchasePattern lapsed = PurchasePattern.ofCustomer(2, 5.0, 38.86);
        assertThat(model.probabilityAlive(active)).isGreaterThan(model.probabilityAlive(lapsed));
        assertThat(model.expectedPurchases(active, 39)).isGreaterThan(model.expectedPurchases(lapsed, 39));
        double[] increments = model.expectedPurchasesPerPeriod(active, 39);
        assertThat(Arrays.stream(increments).sum()).isCloseTo(model.expectedPurchases(active, 39), within(1e-9));
        // s = 1 uses the logarithmic limit of the conditional expectation, continuous in s
        PurchasePattern c = PurchasePattern.ofCustomer(1, 10, 20);
        assertThat(new ParetoNbdModel(0.5, 10, 1, 12, TimeUnit.WEEK).expectedPurchases(c, 30))
                .isCloseTo(new ParetoNbdModel(0.5, 10, 1 + 1e-7, 12, TimeUnit.WEEK).expectedPurchases(c, 30), within(1e-6));
    }

    @Test
    void emptyInputFailsLoudly() {
        assertThatThrownBy(() -> ParetoNbdModel.fit(List.of(), TimeUnit.WEEK))
                .isInstanceOf(ModelFitException.class).hasMessageContaining("Pareto/NBD");
    }
}
