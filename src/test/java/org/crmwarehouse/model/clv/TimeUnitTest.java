package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TimeUnitTest {

    @Test
    void convertsDaysWithExactCalendarLengths() {
        assertThat(TimeUnit.DAY.fromDays(10)).isEqualTo(10.0);
        assertThat(TimeUnit.WEEK.fromDays(272)).isCloseTo(38.857, within(0.001));
        assertThat(TimeUnit.MONTH.days()).isEqualTo(30.4375);
        assertThat(TimeUnit.MONTH.fromDays(365.25)).isCloseTo(12.0, within(1e-12));
    }
}
