package org.crmwarehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.crmwarehouse.contract.Contract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reject_threshold: parsing, the strictly-above rule, and the job-wide / per-source keys. */
class RejectThresholdTest {
    @TempDir
    Path tmp;

    @Test
    void percentageIsOfTheRowsReadAndOnlyStrictlyAboveFails() {
        RejectThreshold twoPercent = RejectThreshold.parse("2%");
        assertThat(twoPercent.exceededBy(2, 100)).isFalse();   // 2.0% is not above 2%
        assertThat(twoPercent.exceededBy(3, 100)).isTrue();    // 3.0%
        assertThat(twoPercent.exceededBy(20, 1001)).isFalse(); // 1.998%
        assertThat(twoPercent.exceededBy(21, 1001)).isTrue();  // 2.098%
        assertThat(RejectThreshold.parse(" 0.5 %").exceededBy(1, 200)).isFalse();
        assertThat(RejectThreshold.parse("0%").exceededBy(1, 1_000_000)).isTrue();
        assertThat(RejectThreshold.parse("0%").exceededBy(0, 0)).isFalse();
        assertThat(RejectThreshold.parse("100%").exceededBy(10, 10)).isFalse();
    }

    @Test
    void countIsOfRows() {
        assertThat(RejectThreshold.parse("100").exceededBy(100, 100)).isFalse();
        assertThat(RejectThreshold.parse("100").exceededBy(101, 1_000_000)).isTrue();
        assertThat(RejectThreshold.parse("0").exceededBy(1, 1)).isTrue();
    }

    @Test
    void defaultIsFivePercent() {
        assertThat(RejectThreshold.DEFAULT).hasToString("5%");
        assertThat(RejectThreshold.DEFAULT.exceededBy(27, 2027)).as("sample customers, the worst sample source").isFalse();
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> RejectThreshold.parse("lots")).hasMessageContaining("'lots' is not a reject threshold");
        assertThatThrownBy(() -> RejectThreshold.parse("-1")).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> RejectThreshold.parse("150%")).hasMessageContaining("above 100%");
        assertThatThrownBy(() -> RejectThreshold.parse("2.5")).hasMessageContaining("whole number");
    }

    private JobConfig load(String yaml) throws Exception {
        Path file = tmp.resolve("job.yaml");
        Files.writeString(file, yaml);
        return new JobConfigLoader(Contract.standard()).load(file);
    }

    @Test
    void jobWideDefaultAndPerSourceOverride() throws Exception {
        JobConfig config = load("""
                name: j
                reject_threshold: 100
                sources:
                  customers: c.csv
                  orders: {path: o.csv, reject_threshold: "2%"}
                  leads: {mapping: "select 1 as lead_id", reject_threshold: 0}
                """);
        assertThat(config.rejectThreshold()).hasToString("100");
        assertThat(config.rejectThresholdFor("customers")).hasToString("100");
        assertThat(config.rejectThresholdFor("orders")).hasToString("2%");
        assertThat(config.rejectThresholdFor("leads")).hasToString("0");
        assertThat(config.rejectThresholdFor("raw:x")).hasToString("100");
        assertThat(config.sources().get("orders").file().path().getFileName()).hasToString("o.csv");
        assertThat(load("name: j\nsources:\n  customers: c.csv\n").rejectThresholdFor("customers")).hasToString("5%");
    }

    @Test
    void aBadThresholdNamesItsKey() {
        assertThatThrownBy(() -> load("name: j\nsources:\n  orders: {path: o.csv, reject_threshold: \"2 percent\"}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sources.orders.reject_threshold: '2 percent' is not a reject threshold");
        assertThatThrownBy(() -> load("name: j\nreject_threshold: [1]\nsources:\n  orders: o.csv\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reject_threshold must be a single value");
    }
}
