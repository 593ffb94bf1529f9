package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class GammaGammaModelTest {

    /**
     * Fader &amp; Hardie, "The Gamma-Gamma Model of Monetary Value" (2013), on the 946 CDNOW sample
     * customers with repeat purchases, m_x = mean value of the repeat transactions in the
     * calibration period: p = 6.25, q = 3.74, gamma = 15.44. Asserted to 3 significant figures.
     */
    @Test
    void reproducesThePublishedCdnowFit() throws Exception {
        List<SpendPattern> repeaters = CdnowSample.load().repeatSpendPatterns();
        assertThat(repeaters).hasSize(946);

        GammaGammaModel model = GammaGammaModel.fit(repeaters);
        FitResult fit = model.fitResult();
        assertThat(fit.converged()).isTrue();
        assertThat(fit.estimates().keySet()).containsExactly("p", "q", "gamma");
        assertThat(fit.estimate("p")).isCloseTo(6.25, within(0.005));
        assertThat(fit.estimate("q")).isCloseTo(3.74, within(0.005));
        assertThat(fit.estimate("gamma")).isCloseTo(15.4, within(0.05));
        for (String parameter : fit.estimates().keySet()) {
            assertThat(fit.standardError(parameter) / fit.estimate(parameter)).as(parameter).isBetween(0.02, 0.5);
        }
        // the conditional expectation shrinks m_x towards the population mean p gamma / (q - 1)
        double populationMean = model.p() * model.gamma() / (model.q() - 1);
        assertThat(model.expectedMeanSpend(1, 500.0)).isBetween(populationMean, 500.0);
    }

    /**
     * p = 1, q = 2, gamma = 1, x = 1, m_x = 1 (2013 note, eq. 3):
     * Gamma(3)/(Gamma(1) Gamma(2)) 1^2 1^0 1^1 / (1 + 1)^3 = 2/8 = 1/4.
     * E[M] at p = 2, q = 3, gamma = 4, x = 2, m_x = 5: (p gamma + p x m_x)/(p x + q - 1) = 28/6.
     */
    @Test
    void matchesTheClosedFormsByHand() {
        assertThat(new GammaGammaModel(1, 2, 1).logLikelihood(List.of(new SpendPattern(1, 1.0, 2))))
                .isCloseTo(2 * Math.log(0.25), within(1e-12));
        assertThat(new GammaGammaModel(2, 3, 4).expectedMeanSpend(2, 5.0)).isCloseTo(28.0 / 6.0, within(1e-12));
    }

    @Test
    void emptyOrDegenerateInputFailsLoudly() {
        assertThatThrownBy(() -> GammaGammaModel.fit(List.of()))
                .isInstanceOf(ModelFitException.class).hasMessageContaining("Gamma-Gamma");
        // every customer spends exactly the same: no spread to estimate the spend distributions from
        assertThatThrownBy(() -> GammaGammaModel.fit(List.of(new SpendPattern(2, 30.0, 100), new SpendPattern(5, 30.0, 40))))
                .isInstanceOf(ModelFitException.class).hasMessageContaining("Gamma-Gamma");
    }

    // issue 13, amounts

    /**
     * Spend at the contract's scale: Gamma-Gamma is scale-equivariant (m_x -> c m_x gives the same p and
     * q, gamma -> c gamma, E[M] -> c E[M]), so the CDNOW fit with every mean spend x 1e12 (about 3.5e13,
     * near one line's maximum of 1e14) must give the unscaled fit's p and q and 1e12 x its E[M].
     */
    @Test
    void spendAtTheContractsScaleFitsLikeTheUnscaledSpend() throws Exception {
        List<SpendPattern> repeaters = CdnowSample.load().repeatSpendPatterns();
        double scale = 1e12;
        List<SpendPattern> scaled = repeaters.stream()
                .map(s -> new SpendPattern(s.frequency(), s.meanSpend() * scale, s.customers())).toList();
        GammaGammaModel unscaled = GammaGammaModel.fit(repeaters);
        GammaGammaModel big = GammaGammaModel.fit(scaled);
        assertThat(big.fitResult().converged()).isTrue();
        assertThat(big.p()).isCloseTo(unscaled.p(), within(0.005));
        assertThat(big.q()).isCloseTo(unscaled.q(), within(0.005));
        assertThat(big.gamma() / scale).isCloseTo(unscaled.gamma(), within(0.05));
        assertThat(big.expectedMeanSpend(1, 500.0 * scale) / scale)
                .isCloseTo(unscaled.expectedMeanSpend(1, 500.0), within(0.05));
    }
}
