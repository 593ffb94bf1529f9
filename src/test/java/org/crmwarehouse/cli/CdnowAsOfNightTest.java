package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, as-of replays: the shipped jobs/cdnow.yaml run as the night of 1997-09-30 (the end of
 * the published calibration period, weeks 1-39) over the whole CDNOW sample, which holds purchases
 * to 1998-06-30. The later rows are set aside, not quarantined (before issue 14 the night failed:
 * 28.2% FUTURE_DATE above the 5% reject threshold), and the fits are the published ones, to their
 * published precision: BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426 (Fader, Hardie &amp; Lee 2005,
 * "Counting your customers the easy way", and their note on implementing it); Gamma-Gamma p 6.25,
 * q 3.74, gamma 15.44 (Fader &amp; Hardie 2013, "The Gamma-Gamma model of monetary value"); Pareto/NBD
 * r 0.553, alpha 10.578, s 0.606, beta 11.669 (Fader, Hardie &amp; Lee 2005, "RFM and CLV"; Fader &amp;
 * Hardie's note on the Pareto/NBD likelihood) with value_purchase_model: paretonbd. The counts of
 * rows read and set aside are counted here from the file in plain Java. The config is the shipped
 * one with only its output and repository moved into a temporary folder and the dataset's path
 * made absolute. Skips without ../shared/datasets.
 */
class CdnowAsOfNightTest {
    private static final Path SAMPLE = Path.of("../shared/datasets/CDNOW_sample.txt");

    @TempDir
    Path tmp;

    @Test
    void theShippedConfigAtTheCalibrationEndReproducesThePublishedFits() throws Exception {
        Assumptions.assumeTrue(Files.exists(SAMPLE), "../shared/datasets absent: " + SAMPLE.toAbsolutePath());
        long rows = 0;
        long later = 0;
        long afterTheOldSlack = 0;
        for (String line : Files.readAllLines(SAMPLE, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                rows++;
                String day = line.trim().split("\\s+")[2]; // yyyyMMdd
                later += day.compareTo("19970930") > 0 ? 1 : 0;
                afterTheOldSlack += day.compareTo("19971001") > 0 ? 1 : 0;
            }
        }
        assertThat(rows).isEqualTo(6_919);
        // the 28.2% FUTURE_DATE left out 1 October (one day of slack); 5 rows of that day
        // reached the night of 30 September
        assertThat(100.0 * afterTheOldSlack / rows).isCloseTo(28.2, within(0.05));
        assertThat(later - afterTheOldSlack).isEqualTo(5);

        Path out = tmp.resolve("bgnbd");
        Cli.Result night = Cli.run("run", "--config", shippedConfig(out, "").toString(), "--date", "1997-09-30");
        assertThat(night.exit()).as(night.err()).isZero();
        assertThat(night.out()).containsPattern("orders \\(mapping:orders\\) +6,919 +" + String.format("%,d", rows - later)
                + " +0 +" + String.format("%,d", later) + " +6,919 +" + String.format("%,d", later) + "\n"); // lines: a mapped row is one
        Map<String, Double> fit = fit(out);
        assertThat(fit.get("BG/NBD.r")).isCloseTo(0.243, within(0.0005));
        assertThat(fit.get("BG/NBD.alpha")).isCloseTo(4.414, within(0.0005));
        assertThat(fit.get("BG/NBD.a")).isCloseTo(0.793, within(0.0005));
        assertThat(fit.get("BG/NBD.b")).isCloseTo(2.426, within(0.0005));
        assertThat(fit.get("Gamma-Gamma.p")).isCloseTo(6.25, within(0.005));
        assertThat(fit.get("Gamma-Gamma.q")).isCloseTo(3.74, within(0.005));
        assertThat(fit.get("Gamma-Gamma.gamma")).isCloseTo(15.44, within(0.005));
        assertThat(fit.get("BG/NBD.customers")).isEqualTo(2_357);

        Path pareto = tmp.resolve("paretonbd");
        night = Cli.run("run", "--config", shippedConfig(pareto, "parameters: {value_purchase_model: paretonbd}\n")
                .toString(), "--date", "1997-09-30");
        assertThat(night.exit()).as(night.err()).isZero();
        fit = fit(pareto);
        assertThat(fit.get("Pareto/NBD.r")).isCloseTo(0.553, within(0.0005));
        assertThat(fit.get("Pareto/NBD.alpha")).isCloseTo(10.578, within(0.0005));
        assertThat(fit.get("Pareto/NBD.s")).isCloseTo(0.606, within(0.0005));
        assertThat(fit.get("Pareto/NBD.beta")).isCloseTo(11.669, within(0.0005));
    }

    /** jobs/cdnow.yaml with its output and repository under {@code out} and its dataset path absolute. */
    private Path shippedConfig(Path out, String more) throws Exception {
        String shipped = Files.readString(Path.of("jobs/cdnow.yaml"), StandardCharsets.UTF_8);
        assertThat(shipped).contains("\noutput: ../var/cdnow\n").contains("path: ../../shared/datasets/CDNOW_sample.txt");
        String config = shipped.replace("\noutput: ../var/cdnow\n", "\noutput: " + out + "\nrepository: {url: \"jdbc:h2:file:"
                        + out.resolve("repo/batch") + ";AUTO_SERVER=TRUE\", user: sa}\n")
                .replace("path: ../../shared/datasets/CDNOW_sample.txt", "path: " + SAMPLE.toAbsolutePath().normalize())
                + more;
        Files.createDirectories(out);
        return Files.writeString(tmp.resolve(out.getFileName() + ".yaml"), config, StandardCharsets.UTF_8);
    }

    /** model.parameter -> estimate (and model.customers) of the published mart_model_fit. */
    private static Map<String, Double> fit(Path out) throws Exception {
        Map<String, Double> fit = new HashMap<>();
        try (Connection db = Db.openReadOnly(out.resolve("warehouse.duckdb"))) {
            List<String> rows = QueryRows.of(db, "SELECT model, parameter, estimate, customers FROM mart_model_fit "
                    + "WHERE converged", "|", "");
            for (String row : rows) {
                String[] f = row.split("\\|");
                fit.put(f[0] + "." + f[1], Double.parseDouble(f[2]));
                fit.put(f[0] + ".customers", Double.parseDouble(f[3]));
            }
        }
        return fit;
    }
}
