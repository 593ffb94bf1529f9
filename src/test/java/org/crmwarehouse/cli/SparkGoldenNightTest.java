package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.GoldenModelTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden duplicate-customers case (src/test/resources/golden/duplicate_customers: every pair's
 * blocking, distance, similarity and rule worked out by hand in its README) as a whole Spark night:
 * on Spark, mart_duplicate_customers is a Spark job scoring the candidate pairs on the executors
 * (spark/SparkDuplicateScoring), and its published table must hold exactly the hand-computed rows.
 * Acceptance profile: a Spark night, a few minutes on this machine.
 */
@Tag("acceptance")
class SparkGoldenNightTest {
    @TempDir
    Path tmp;

    @Test
    void theSparkNightScoresTheGoldenDuplicatePairsAsWorkedOutByHand() throws Exception {
        Path golden = Path.of("src/test/resources/golden/duplicate_customers").toAbsolutePath();
        Path config = tmp.resolve("job.yaml");
        Files.writeString(config, """
                name: golden_duplicates_spark
                business_date: 2026-06-30
                output: %s
                engine: spark
                sources:
                  customers: {path: %s}
                """.formatted(tmp.resolve("out"), golden.resolve("customers.csv"))
                + SparkNightEqualityTest.SMALL_NIGHT_SETTINGS, StandardCharsets.UTF_8);

        Cli.Result night = Cli.run("run", "--config", config.toString());
        assertThat(night.exit()).as(night.err()).isIn(0, 3);

        JobConfig c = new JobConfigLoader(Contract.standard()).load(config);
        Path published = c.martsFolder().resolve("mart_duplicate_customers")
                .resolve(JobConfig.datePartition(c.businessDate())).resolve("mart_duplicate_customers.parquet");
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "CREATE TABLE mart_duplicate_customers AS SELECT * FROM read_parquet("
                    + Sql.literal(published.toString()) + ")");
            GoldenModelTest.check(db, golden.resolve("expected/mart_duplicate_customers.csv"));
        }
    }
}
