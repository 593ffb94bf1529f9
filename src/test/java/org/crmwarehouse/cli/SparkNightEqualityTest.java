package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.spark.PublishedComparison;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 item 2: a night run on Spark (local[2]) publishes what the same night run on DuckDB
 * publishes, table by table as multisets: exact row counts and values, DOUBLE columns within
 * {@link PublishedComparison#RELATIVE_TOLERANCE} (the order of floating-point sums differs between
 * engines), looser per column only where stated in {@link #LOOSER}. Both nights go through the
 * command line, so this is also the end-to-end test of {@code run --engine spark}. The sample night
 * runs in the default test run; CDNOW, Olist and Online Retail in the acceptance profile (skipped
 * when ../shared/datasets is absent).
 *
 */
class SparkNightEqualityTest {
    /**
     * Columns whose figures may differ by more than the default tolerance, and why. The Java models
     * read the same rows on both engines but in another order (Spark's Parquet parts), so the fits'
     * sums are added in another order: the estimates agree to ~1e-9, and the standard errors (from a
     * Hessian by differences of the gradient) and predictions derived from them to ~1e-8.
     */
    static final Map<String, Double> LOOSER = Map.of(
            "mart_model_fit.std_error", 1e-6,
            "mart_model_backtest.predicted", 1e-6);

    /**
     * The sample night on Spark with the settings docs/spark.md gives for small nights: its tables
     * are a few thousand rows, so compiling each stage to Java (whole-stage codegen, Janino) and
     * re-planning (adaptive execution) cost more than they save. Measured 2026-12-03, sample night
     * alone on this 2-core machine, whole process: 248 s with the session defaults, 176 s with these
     * (transform 216-235 s to 143 s). They change how a plan executes, not what it computes; the
     * CDNOW and Olist acceptance nights keep the defaults, so the generated-code path is compared
     * with DuckDB there.
     */
    static final String SMALL_NIGHT_SETTINGS = """

            spark:
              settings:
                spark.sql.codegen.wholeStage: "false"
                spark.sql.codegen.factoryMode: NO_CODEGEN
                spark.sql.adaptive.enabled: "false"
                spark.sql.shuffle.partitions: "2"
            """;

    @TempDir
    Path tmp;

    @Test
    void theSampleNightOnSparkPublishesTheDuckDbNightsTables() throws Exception {
        bothEngines("nightly");
    }

    /**
     * The same night with the sources read and validated by Spark itself ({@code spark.ingest:
     * spark}, what a cluster uses by default) instead of DuckDB on the driver: acceptance profile,
     * since every contract rule is a Spark job (minutes on the sample).
     */
    @Test
    @Tag("acceptance")
    void theSampleNightReadBySparkPublishesTheDuckDbNightsTables() throws Exception {
        Cli.Result spark = bothEngines("nightly", "  ingest: spark\n");
        assertThat(spark.err() + spark.out()).contains("sources read by Spark (spark.ingest: spark)");
    }

    @Test
    @Tag("acceptance")
    void cdnowOnSparkPublishesTheDuckDbNightsTables() throws Exception {
        needsDataset("CDNOW_sample.txt");
        bothEngines("cdnow");
    }

    @Test
    @Tag("acceptance")
    void olistOnSparkPublishesTheDuckDbNightsTables() throws Exception {
        needsDataset("olist_closed_deals_dataset.csv");
        bothEngines("olist");
    }

    // The BG/NBD fit is degenerate on this sample: its note quotes the optimiser's last parameters,
    // to 4 significant digits (ModelFitException), since their last digits differ between engines.
    @Test
    @Tag("acceptance")
    void onlineRetailOnSparkPublishesTheDuckDbNightsTables() throws Exception {
        needsDataset("online_retail_sample.csv");
        bothEngines("online-retail");
    }

    private static void needsDataset(String file) {
        Path p = Path.of("../shared/datasets").resolve(file);
        Assumptions.assumeTrue(Files.exists(p), "../shared/datasets absent: " + p + " not found, test skipped");
    }

    /** jobs/<job>.yaml copied with its relative paths made absolute and the output in a folder of its own. */
    private Path config(String job, String engine, String sparkLines) throws Exception {
        Path jobs = Path.of("jobs").toAbsolutePath();
        String text = Files.readString(jobs.resolve(job + ".yaml"), StandardCharsets.UTF_8)
                // a relative path (../data-samples/..., ../../shared/...) resolved against jobs/ once
                .replaceAll("(?m)(:\\s*[\"']?)(\\.\\./)", "$1" + java.util.regex.Matcher.quoteReplacement(jobs + "/") + "$2")
                .replaceAll("(?m)^output:.*$", "output: " + tmp.resolve("out-" + engine))
                .replaceAll("(?m)^name:.*$", "name: " + job.replace('-', '_') + "_" + engine);
        if (job.equals("nightly") && engine.equals("spark")) {
            text += SMALL_NIGHT_SETTINGS + sparkLines;
        } else if (engine.equals("spark") && !sparkLines.isEmpty()) {
            text += "\nspark:\n" + sparkLines;
        }
        Path config = tmp.resolve(job + "-" + engine + ".yaml");
        Files.writeString(config, text, StandardCharsets.UTF_8);
        return config;
    }

    private Cli.Result bothEngines(String job) throws Exception {
        return bothEngines(job, "");
    }

    /** Both nights of jobs/{@code job}.yaml; {@code sparkLines} are added under the Spark night's spark: key. */
    private Cli.Result bothEngines(String job, String sparkLines) throws Exception {
        Path duckConfig = config(job, "duckdb", "");
        Path sparkConfig = config(job, "spark", sparkLines);
        Cli.Result duck = Cli.run("run", "--config", duckConfig.toString());
        assertThat(duck.exit()).as(duck.err()).isIn(0, 3); // 3: published with warnings
        Cli.Result spark = Cli.run("run", "--config", sparkConfig.toString(), "--engine", "spark");
        assertThat(spark.exit()).as(spark.err()).isEqualTo(duck.exit());
        JobConfig a = new JobConfigLoader(Contract.standard()).load(duckConfig);
        JobConfig b = new JobConfigLoader(Contract.standard()).load(sparkConfig);
        assertThat(spark.out()).contains(b.warehouseFile().toString()).contains("Parquet marts");
        assertThat(PublishedComparison.differences(a.martsFolder(), b.martsFolder(),
                JobConfig.datePartition(a.businessDate()), LOOSER)).isEmpty();
        return spark;
    }
}
