package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShiftedBetaGeometricModelTest {

    /** A cohort of 1,000 followed for survivors.length periods: cancellations per period, then the survivors. */
    static List<RetentionPattern> cohort(int... survivors) {
        List<RetentionPattern> patterns = new ArrayList<>();
        int alive = 1000;
        for (int t = 1; t <= survivors.length; t++) {
            patterns.add(new RetentionPattern(t, true, alive - survivors[t - 1]));
            alive = survivors[t - 1];
        }
        patterns.add(new RetentionPattern(survivors.length, false, alive));
        return patterns;
    }

    /**
     * Fader &amp; Hardie (2007), "How to Project Customer Retention", Journal of Interactive
     * Marketing 21(1): the "regular" cohort of 1,000 customers with 631, 468, 382, 326, 289, 262
     * and 241 still customers at the end of years 1-7 gives alpha = 0.704, beta = 1.182,
     * LL = -1680.27; the "high end" cohort (869, 743, 653, 593, 551, 517, 491) gives alpha = 0.668,
     * beta = 3.806. Asserted to the paper's precision.
     */
    @Test
    void reproducesThePublishedFits() {
        ShiftedBetaGeometricModel regular = ShiftedBetaGeometricModel.fit(cohort(631, 468, 382, 326, 289, 262, 241));
        assertThat(regular.fitResult().converged()).isTrue();
        assertThat(regular.alpha()).isCloseTo(0.704, within(0.0005));
        assertThat(regular.beta()).isCloseTo(1.182, within(0.0005));
        assertThat(regular.fitResult().logLikelihood()).isCloseTo(-1680.27, within(0.005));
        assertThat(regular.fitResult().customers()).isEqualTo(1000);
        assertThat(regular.fitResult().patterns()).isEqualTo(8);

        ShiftedBetaGeometricModel highEnd = ShiftedBetaGeometricModel.fit(cohort(869, 743, 653, 593, 551, 517, 491));
        assertThat(highEnd.alpha()).isCloseTo(0.668, within(0.0005));
        assertThat(highEnd.beta()).isCloseTo(3.806, within(0.0005));
    }

    /**
     * Hand-computable values at alpha = 1, beta = 1 (theta uniform): P(T = 1) = 1/2, S(t) =
     * 1/(t + 1), r(t) = t/(t + 1); and the likelihood of one cancellation in period 1 plus one
     * survivor after 1 period is ln(1/2) + ln(1/2).
     */
    @Test
    void closedFormsAtUniformTheta() {
        ShiftedBetaGeometricModel m = new ShiftedBetaGeometricModel(1, 1);
        assertThat(m.survival(0)).isCloseTo(1.0, within(1e-12));
        assertThat(m.survival(1)).isCloseTo(0.5, within(1e-12));
        assertThat(m.survival(3)).isCloseTo(0.25, within(1e-12));
        assertThat(m.retentionRate(1)).isCloseTo(0.5, within(1e-12));
        assertThat(m.retentionRate(4)).isCloseTo(0.8, within(1e-12));
        assertThat(ShiftedBetaGeometricModel.logLikelihood(
                List.of(new RetentionPattern(1, true, 1), new RetentionPattern(1, false, 1)), 1, 1))
                .isCloseTo(2 * Math.log(0.5), within(1e-12));
    }

    /**
     * DERL against an independent computation: the series sum over t &gt;= n of S(t) / S(n - 1)
     * / (1 + d)^(t - n), with S built as the running product of the retention rates
     * (beta + t - 1) / (alpha + beta + t - 1), summed until the terms vanish; not the 2F1 form.
     * At alpha = beta = 1 and d = 1, n = 1: sum_j 1/(j + 2) x 2 / 2^j = 4 ln 2 - 2 = 0.7726 (hand).
     */
    @Test
    void derlMatchesTheDirectSeries() {
        assertThat(new ShiftedBetaGeometricModel(1, 1).discountedExpectedResidualLifetime(1.0, 0))
                .isCloseTo(4 * Math.log(2) - 2, within(1e-9));
        ShiftedBetaGeometricModel regular = new ShiftedBetaGeometricModel(0.704, 1.182);
        for (double d : new double[] {0.1, 0.01}) {
            for (int renewals = 0; renewals <= 6; renewals++) {
                assertThat(regular.discountedExpectedResidualLifetime(d, renewals)).as("d=" + d + ", n-1=" + renewals)
                        .isCloseTo(directDerl(0.704, 1.182, d, renewals + 1), within(1e-7));
            }
        }
        // a customer who has renewed more is more loyal (the survivors are the low-theta ones)
        assertThat(regular.discountedExpectedResidualLifetime(0.1, 6))
                .isGreaterThan(regular.discountedExpectedResidualLifetime(0.1, 0));
        assertThatThrownBy(() -> regular.discountedExpectedResidualLifetime(0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Near-homogeneous cohorts (beta at the optimiser's bound of about 1e6, found on generated
     * subscription books with little churn spread) gave NaN: the 1 - z transformation's gamma
     * ratios overflow there. Expected: the definition's sum ({@link #directDerl}), and close to the
     * homogeneous limit, every customer churning with theta = alpha / (alpha + beta) each period,
     * DERL = (1 - theta) / (1 - (1 - theta) / (1 + d)) (a geometric series, by hand), which Var(theta)
     * (2e-12 to 3e-8 here) moves by less than 1e-4 relative.
     */
    @Test
    void derlStaysFiniteForNearlyHomogeneousCohorts() {
        for (double[] ab : new double[][] {{2, 1e6}, {0.5, 2e6}, {3e4, 1e6}}) {
            double theta = ab[0] / (ab[0] + ab[1]);
            ShiftedBetaGeometricModel m = new ShiftedBetaGeometricModel(ab[0], ab[1]);
            for (double d : new double[] {0.008, 0.024, 0.1}) {
                for (int renewals : new int[] {0, 5, 40}) {
                    double derl = m.discountedExpectedResidualLifetime(d, renewals);
                    String as = "alpha=" + ab[0] + " beta=" + ab[1] + " d=" + d + " renewals=" + renewals;
                    assertThat(derl).as(as).isCloseTo(directDerl(ab[0], ab[1], d, renewals + 1),
                            within(1e-9 * derl));
                    assertThat(derl).as(as).isCloseTo((1 - theta) / (1 - (1 - theta) / (1 + d)),
                            within(1e-4 * derl));
                }
            }
        }
    }

    private static double directDerl(double alpha, double beta, double d, int n) {
        double ratio = 1; // S(t) / S(n - 1), starting at t = n - 1
        double sum = 0;
        for (int t = n; t < 20_000_000; t++) {
            ratio *= (beta + t - 1) / (alpha + beta + t - 1);
            double term = ratio / Math.pow(1 + d, t - n);
            sum += term;
            if (term < 1e-14 * sum) {
                break;
            }
        }
        return sum;
    }

    @Test
    void refusesDataThatCannotIdentifyTheModel() {
        assertThatThrownBy(() -> ShiftedBetaGeometricModel.fit(List.of(new RetentionPattern(3, false, 10))))
                .isInstanceOf(ModelFitException.class).hasMessageContaining("no cancellation");
        assertThatThrownBy(() -> ShiftedBetaGeometricModel.fit(List.of(new RetentionPattern(1, true, 10),
                new RetentionPattern(0, false, 5)))).isInstanceOf(ModelFitException.class).hasMessageContaining("no renewal");
    }
}
