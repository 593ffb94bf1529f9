package org.crmwarehouse.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code --stop-grace} values (expected durations by hand: 90 s, 10 min = 600 s, 1 h = 3600 s),
 * and the stop flags outside a command: nothing is asked.
 */
class GracefulStopTest {
    @Test
    void parsesTheDurationsTheReadmeNames() {
        assertThat(GracefulStop.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GracefulStop.parse("10m")).isEqualTo(Duration.ofSeconds(600));
        assertThat(GracefulStop.parse("1h")).isEqualTo(Duration.ofSeconds(3600));
        assertThat(GracefulStop.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GracefulStop.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GracefulStop.parse("PT2M")).isEqualTo(Duration.ofSeconds(120));
        assertThat(GracefulStop.describe(Duration.ofSeconds(600))).isEqualTo("10m");
        assertThat(GracefulStop.describe(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(GracefulStop.describe(Duration.ofSeconds(7200))).isEqualTo("2h");
        assertThat(GracefulStop.describe(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String bad : new String[] {"ten", "10", "-5s", "5 min", "PT-1S"}) {
            assertThatThrownBy(() -> GracefulStop.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration: write e.g. 90s, 10m, 1h or 0");
        }
    }

    @Test
    void nothingIsAskedOutsideACommandOrAfterIt() {
        assertThat(GracefulStop.requested()).isFalse();
        assertThat(GracefulStop.atStepBoundary()).isFalse();
        try (GracefulStop ignored = GracefulStop.install(Duration.ofMinutes(1))) {
            assertThat(GracefulStop.requested()).isFalse();
        }
        assertThat(GracefulStop.requested()).isFalse();
    }
}
