package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BgNbdModelTest {

    /**
     * Fader, Hardie &amp; Lee (2005), Marketing Science 24(2), section 5, on the CDNOW sample
     * (2,357 customers, 39-week calibration): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
     * LL = -9582.4. Asserted to 3 significant figures (and LL to its published 0.1).
     */
    @Test
    void reproducesThePublishedCdnowFit() throws Exception {
        CdnowSample cdnow = CdnowSample.load();
        FitResult fit = BgNbdModel.fit(cdnow.purchasePatterns(), TimeUnit.WEEK).fitResult();

        assertThat(fit.converged()).isTrue();
        assertThat(fit.customers()).isEqualTo(2357);
        assertThat(fit.estimates().keySet()).containsExactly("r", "alpha", "a", "b");
        assertThat(fit.estimate("r")).isCloseTo(0.243, within(0.0005));
        assertThat(fit.estimate("alpha")).isCloseTo(4.41, within(0.005));
        assertThat(fit.estimate("a")).isCloseTo(0.793, within(0.0005));
        assertThat(fit.estimate("b")).isCloseTo(2.43, within(0.005));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.05));
    }

    @Test
    void standardErrorsArePositiveAndPlausible() throws Exception {
        FitResult fit = BgNbdModel.fit(CdnowSample.load().purchasePatterns(), TimeUnit.WEEK).fitResult();
        for (String parameter : fit.estimates().keySet()) {
            double estimate = fit.estimate(parameter);
            double se = fit.standardError(parameter);
            // 2,357 customers identify every parameter: relative errors between 2% and 50%,
            // so each 95% interval excludes zero
            assertThat(se / estimate).as(parameter).isBetween(0.02, 0.5);
        }
    }

    /**
     * Customer 1 of the sample (x = 2, t_x = 30.43, T = 38.86 weeks) is expected to make 1.226
     * purchases in the next 39 weeks (figure as given in the project brief for the 2005 paper's
     * worked example), here with the published parameters and with our own fit.
     */
    @Test
    void predictsCustomerOneLikeThePublishedExample() throws Exception {
        CdnowSample cdnow = CdnowSample.load();
        CdnowSample.Customer one = cdnow.customer(1);
        assertThat(one.frequency()).isEqualTo(2);
        assertThat(one.recency()).isCloseTo(30.43, within(0.005));
        assertThat(one.age()).isCloseTo(38.86, within(0.005));

        BgNbdModel published = new BgNbdModel(0.243, 4.414, 0.793, 2.426, TimeUnit.WEEK);
        BgNbdModel fitted = BgNbdModel.fit(cdnow.purchasePatterns(), TimeUnit.WEEK);
        assertThat(published.expectedPurchases(one.pattern(), 39)).isCloseTo(1.226, within(0.001));
        assertThat(fitted.expectedPurchases(one.pattern(), 39)).isCloseTo(1.226, within(0.0005));
        assertThat(fitted.probabilityAlive(one.pattern())).isBetween(0.0, 1.0);
    }

    /**
     * One pattern x = 1, t_x = 2, T = 4 at r = 1, alpha = 2, a = 1, b = 2, by eq. (6):
     * B(1,3)/B(1,2) * Gamma(2) 2 / (Gamma(1) 6^2) = (2/3)(1/18) = 1/27 and
     * B(2,2)/B(1,2) * Gamma(2) 2 / (Gamma(1) 4^2) = (1/3)(1/8) = 1/24, so L = 1/27 + 1/24 = 17/216;
     * three such customers give 3 ln(17/216).
     */
    @Test
    void logLikelihoodMatchesTheClosedFormByHand() {
        BgNbdModel model = new BgNbdModel(1, 2, 1, 2, TimeUnit.WEEK);
        assertThat(model.logLikelihood(List.of(new PurchasePattern(1, 2, 4, 3))))
                .isCloseTo(3 * Math.log(17.0 / 216.0), within(1e-12));
        // x = 0: L = B(1,2)/B(1,2) * (2/6)^1 = 1/3
        assertThat(model.logLikelihood(List.of(PurchasePattern.ofCustomer(0, 0, 4))))
                .isCloseTo(Math.log(1.0 / 3.0), within(1e-12));
    }

    @Test
    void weightedPatternsFitLikeTheExpandedCustomerList() throws Exception {
        List<PurchasePattern> customers = CdnowSample.load().purchasePatterns();
        Map<PurchasePattern, Long> counts = new LinkedHashMap<>();
        customers.forEach(c -> counts.merge(c, 1L, Long::sum));
        List<PurchasePattern> weighted = new ArrayList<>();
        counts.forEach((c, n) -> weighted.add(new PurchasePattern(c.frequency(), c.recency(), c.age(), n)));
        assertThat(weighted.size()).isLessThan(customers.size());

        FitResult expanded = BgNbdModel.fit(customers, TimeUnit.WEEK).fitResult();
        FitResult aggregated = BgNbdModel.fit(weighted, TimeUnit.WEEK).fitResult();

        assertThat(aggregated.customers()).isEqualTo(expanded.customers());
        assertThat(aggregated.patterns()).isEqualTo(weighted.size());
        assertThat(aggregated.logLikelihood()).isCloseTo(expanded.logLikelihood(), within(1e-6));
        for (String parameter : expanded.estimates().keySet()) {
            assertThat(aggregated.estimate(parameter)).as(parameter)
                    .isCloseTo(expanded.estimate(parameter), within(1e-5 * expanded.estimate(parameter)));
        }
    }

    @Test
    void twoWeightedPatternsHaveTheLikelihoodOfTheExpandedList() {
        BgNbdModel model = new BgNbdModel(0.243, 4.414, 0.793, 2.426, TimeUnit.WEEK);
        PurchasePattern p = PurchasePattern.ofCustomer(3, 20.5, 35.0);
        PurchasePattern q = PurchasePattern.ofCustomer(0, 0, 12.0);
        List<PurchasePattern> expanded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expanded.add(p);
        }
        expanded.add(q);
        expanded.add(q);
        double weighted = model.logLikelihood(List.of(new PurchasePattern(3, 20.5, 35.0, 5),
                new PurchasePattern(0, 0, 12.0, 2)));
        assertThat(weighted).isCloseTo(model.logLikelihood(expanded), within(1e-10));
    }

    @Test
    void emptyOrDegenerateInputFailsLoudly() {
        assertThatThrownBy(() -> BgNbdModel.fit(List.of(), TimeUnit.WEEK))
                .isInstanceOf(ModelFitException.class).hasMessageContaining("BG/NBD").hasMessageContaining("no purchase");
        // nobody ever came back: the likelihood r ln(alpha/(alpha+T)) is maximised only as r -> 0
        List<PurchasePattern> noRepeats = List.of(new PurchasePattern(0, 0, 10, 500), new PurchasePattern(0, 0, 30, 800));
        assertThatThrownBy(() -> BgNbdModel.fit(noRepeats, TimeUnit.WEEK))
                .isInstanceOf(ModelFitException.class)
                .hasMessageContaining("BG/NBD")
                .satisfies(e -> assertThat(((ModelFitException) e).lastParameters()).hasSize(4));
    }

    @Test
    void predictionsAreConsistent() {
        BgNbdModel model = new BgNbdModel(0.243, 4.414, 0.793, 2.426, TimeUnit.WEEK);
        PurchasePattern newcomer = PurchasePattern.ofCustomer(0, 0, 38.86);
        PurchasePattern regular = PurchasePattern.ofCustomer(5, 36.0, 38.86);
        assertThat(model.probabilityAlive(newcomer)).isEqualTo(1.0);
        assertThat(model.probabilityAlive(regular)).isBetween(0.5, 1.0);
        double[] increments = model.expectedPurchasesPerPeriod(regular, 52);
        assertThat(increments).hasSize(52);
        assertThat(Arrays.stream(increments).min().orElseThrow()).isPositive();
        assertThat(increments[0]).isGreaterThan(increments[51]);
        assertThat(Arrays.stream(increments).sum())
                .isCloseTo(model.expectedPurchases(regular, 52), within(1e-9));
        // a long horizon takes 2F1 past the series region (z = 520/(4.4+38.9+520) > 0.9)
        assertThat(model.expectedPurchases(regular, 520)).isGreaterThan(model.expectedPurchases(regular, 52));
    }
}
