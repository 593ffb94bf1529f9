package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GaussHypergeometricTest {

    /** A&S 15.1.3: F(1, 1; 2; z) = -ln(1 - z) / z (c - a - b = 0: series all the way). */
    @Test
    void logarithmCase() {
        for (double z : new double[] {0.0, 0.3, 0.95, 0.9999, -0.5, -3.0}) {
            double expected = z == 0 ? 1 : -Math.log1p(-z) / z;
            assertThat(GaussHypergeometric.value(1, 1, 2, z)).as("z=" + z).isCloseTo(expected, within(1e-12 * expected));
        }
    }

    /** A&S 15.1.6: F(1/2, 1/2; 3/2; z^2) = arcsin(z) / z, through A&S 15.3.6 near 1. */
    @Test
    void arcsineCaseNearOne() {
        for (double z2 : new double[] {0.5, 0.91, 0.99, 0.999999}) {
            double z = Math.sqrt(z2);
            assertThat(GaussHypergeometric.value(0.5, 0.5, 1.5, z2)).as("z^2=" + z2)
                    .isCloseTo(Math.asin(z) / z, within(1e-12));
        }
    }

    /** A&S 15.1.8: F(a, b; b; z) = (1 - z)^(-a); and 15.3.6 agrees with the plain series. */
    @Test
    void powerCaseAndTransformationAgreeWithTheSeries() {
        assertThat(GaussHypergeometric.value(0.7, 2.3, 2.3, 0.97)).isCloseTo(Math.pow(0.03, -0.7), within(1e-10));
        double transformed = GaussHypergeometric.value(1.243, 4.426, 5.219, 0.95);
        assertThat(transformed).isCloseTo(GaussHypergeometric.series(1.243, 4.426, 5.219, 0.95),
                within(1e-10 * transformed));
    }

    @Test
    void rejectsArgumentsOutsideItsDomain() {
        assertThatThrownBy(() -> GaussHypergeometric.value(1, 1, 2, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GaussHypergeometric.value(1, 1, -2, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
