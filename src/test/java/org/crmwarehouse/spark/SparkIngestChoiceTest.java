package org.crmwarehouse.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.spark.ingest.SparkSourceIngest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which ingest a Spark night uses ({@code spark.ingest}), and that a resumed night keeps it. */
class SparkIngestChoiceTest {
    @TempDir
    Path tmp;

    @Test
    void autoReadsOnTheDriverOnlyWhenTheMasterIsLocal() {
        assertThat(SparkIngest.resolve("auto", "local[2]")).isEqualTo("driver");
        assertThat(SparkIngest.resolve("auto", "local")).isEqualTo("driver");
        assertThat(SparkIngest.resolve("auto", "spark://head:7077")).isEqualTo("spark");
        assertThat(SparkIngest.resolve("auto", "yarn")).isEqualTo("spark");
        assertThat(SparkIngest.resolve("auto", "k8s://https://api:6443")).isEqualTo("spark");
        // a named ingest is taken as it is, whatever the master
        assertThat(SparkIngest.resolve("spark", "local[2]")).isEqualTo("spark");
        assertThat(SparkIngest.resolve("driver", "yarn")).isEqualTo("driver");
    }

    @Test
    void validateUsesTheIngestExtractRecordedEvenWhenTheConfigChangedSince() throws Exception {
        Path work = tmp.resolve("work/2026-12-04");
        SparkIngest extract = SparkIngest.forNight(config("spark"), "local[2]", work, true);
        assertThat(extract).isInstanceOf(SparkSourceIngest.class);

        // the night failed in validate; the operator switched the config to driver and resumed
        SparkIngest validate = SparkIngest.forNight(config("driver"), "local[2]", work, false);
        assertThat(validate).isInstanceOf(SparkSourceIngest.class);

        // a night that starts again from extract takes the config's choice
        assertThat(SparkIngest.forNight(config("driver"), "local[2]", work, true)).isInstanceOf(DuckDbBridgeIngest.class);
        assertThat(SparkIngest.forNight(config("spark"), "local[2]", work, false)).isInstanceOf(DuckDbBridgeIngest.class);
    }

    @Test
    void validateWithoutARecordResolvesTheConfig() throws Exception {
        Path work = tmp.resolve("work/2026-12-05");
        assertThat(SparkIngest.forNight(config("auto"), "yarn", work, false)).isInstanceOf(SparkSourceIngest.class);
        assertThat(SparkIngest.forNight(config("auto"), "local[2]", tmp.resolve("w2"), false))
                .isInstanceOf(DuckDbBridgeIngest.class);
    }

    private JobConfig config(String ingest) throws Exception {
        Path file = tmp.resolve("job-" + ingest + ".yaml");
        Files.writeString(file, "name: j\nengine: spark\nspark: {ingest: " + ingest + "}\nsources: {customers: c.csv}\n",
                StandardCharsets.UTF_8);
        return new JobConfigLoader(Contract.standard()).load(file);
    }
}
