package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 items 1 and 2 through the command line: the shipped jobs/cdnow.yaml at 1998-06-30 with
 * value_purchase_model: auto and a 39-week holdout, published. The three calibration fits (weeks
 * 1-39) are the published ones: BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426 (Fader, Hardie &amp;
 * Lee 2005); Pareto/NBD r 0.553, alpha 10.578, s 0.606, beta 11.669 (Fader, Hardie &amp; Lee 2005,
 * "RFM and CLV"); MBG/NBD r 0.525, alpha 6.183, a 0.891, b 1.614 (BTYDplus, Platzer, as quoted by
 * lifetimes' tests), read from the back-test's notes (4 significant figures); BG/NBD's weeks 40-78
 * forecast is the published 1,653.4. The night fits and publishes the model with the smallest mean
 * absolute error, and mart_model_fit.model_choice names it with the three errors. Tagged
 * acceptance: four fits of which two Pareto/NBD, a whole published night (about a minute).
 */
@Tag("acceptance")
class BacktestAutoCdnowNightTest {
    private static final Path SAMPLE = Path.of("../shared/datasets/CDNOW_sample.txt");

    @TempDir
    Path tmp;

    @Test
    void autoChoosesAndPublishesTheSmallestBacktestError() throws Exception {
        Assumptions.assumeTrue(Files.exists(SAMPLE), "../shared/datasets absent: " + SAMPLE.toAbsolutePath());
        Path out = tmp.resolve("auto");
        String shipped = Files.readString(Path.of("jobs/cdnow.yaml"), StandardCharsets.UTF_8);
        String config = shipped.replace("\noutput: ../var/cdnow\n", "\noutput: " + out + "\nrepository: {url: \"jdbc:h2:file:"
                        + out.resolve("repo/batch") + ";AUTO_SERVER=TRUE\", user: sa}\n")
                .replace("path: ../../shared/datasets/CDNOW_sample.txt", "path: " + SAMPLE.toAbsolutePath().normalize())
                + "parameters: {value_purchase_model: auto, value_backtest_holdout_periods: 39}\n";
        assertThat(shipped).contains("\noutput: ../var/cdnow\n").contains("\nbusiness_date: 1998-06-30\n");
        Files.createDirectories(out);
        Path job = Files.writeString(tmp.resolve("auto.yaml"), config, StandardCharsets.UTF_8);

        Cli.Result night = Cli.run("run", "--config", job.toString());
        assertThat(night.exit()).as(night.err()).isZero();
        assertThat(out.resolve("marts/mart_model_backtest/business_date=1998-06-30/mart_model_backtest.parquet")).isRegularFile();
        try (Connection db = Db.openReadOnly(out.resolve("warehouse.duckdb"))) {
            Map<String, Map<String, Double>> fits = new HashMap<>();
            Map<String, Double> errors = new HashMap<>();
            for (String row : QueryRows.of(db, "SELECT model, measure, error, predicted, note FROM mart_model_backtest"
                    + " WHERE measure IN ('total_repeat_purchases', 'mean_absolute_error')", "|", "")) {
                String[] f = row.split("\\|", -1);
                if (f[1].equals("mean_absolute_error")) {
                    errors.put(f[0], Double.parseDouble(f[2]));
                } else {
                    fits.put(f[0], estimates(f[4]));
                    if (f[0].equals("BG/NBD")) {
                        assertThat(Double.parseDouble(f[3])).isCloseTo(1653.4, within(0.05));
                    }
                }
            }
            assertThat(errors).containsOnlyKeys("BG/NBD", "Pareto/NBD", "MBG/NBD");
            assertPublished(fits.get("BG/NBD"), Map.of("r", 0.243, "alpha", 4.414, "a", 0.793, "b", 2.426));
            assertPublished(fits.get("Pareto/NBD"), Map.of("r", 0.553, "alpha", 10.578, "s", 0.606, "beta", 11.669));
            assertPublished(fits.get("MBG/NBD"), Map.of("r", 0.525, "alpha", 6.183, "a", 0.891, "b", 1.614));

            String best = errors.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            List<String> chosen = QueryRows.of(db, "SELECT DISTINCT model, model_choice FROM mart_model_fit"
                    + " WHERE model_choice IS NOT NULL", "|", "");
            assertThat(chosen).singleElement().asString().startsWith(best + "|value_purchase_model: auto: smallest");
            errors.forEach((model, error) -> assertThat(chosen.get(0))
                    .contains(model + " " + String.format(Locale.ROOT, "%.4f", error)));
            assertThat(QueryRows.of(db, "SELECT DISTINCT model FROM mart_model_fit WHERE converged AND model IN"
                    + " ('BG/NBD', 'Pareto/NBD', 'MBG/NBD')", "|", "")).containsExactly(best);
        }
    }

    /** "calibration fit r = 0.2426, alpha = 4.414, ..." -> parameter -> estimate. */
    private static Map<String, Double> estimates(String note) {
        Map<String, Double> estimates = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+) = ([0-9.]+)").matcher(note);
        while (m.find()) {
            estimates.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return estimates;
    }

    /** Published to 3 decimals, the note to 4 significant figures: within both roundings. */
    private static void assertPublished(Map<String, Double> fit, Map<String, Double> published) {
        published.forEach((parameter, value) -> assertThat(fit.get(parameter)).as(parameter)
                .isCloseTo(value, within(0.0005 + 0.0005 * value)));
    }
}
