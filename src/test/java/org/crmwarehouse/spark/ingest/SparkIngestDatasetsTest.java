package org.crmwarehouse.spark.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.spark.SparkSessions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 on the real datasets (jobs/cdnow.yaml, olist.yaml, online-retail.yaml): the Spark
 * ingest gives every table the DuckDB extract + validate give (IngestComparison). Skipped when
 * the shared datasets are not next to the checkout.
 *
 * <p>Acceptance profile: 158 s for the three datasets on this machine, otherwise idle (2026-12-04).
 */
@Tag("acceptance")
class SparkIngestDatasetsTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local("spark-ingest-datasets-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobs/cdnow.yaml", "jobs/olist.yaml", "jobs/online-retail.yaml"})
    void aDatasetNightGivesTheDuckDbTables(String job) throws Exception {
        // the jobs read ../../shared/datasets from jobs/: the shared folder next to the checkout
        assumeTrue(Files.isDirectory(Path.of("jobs/../../shared/datasets").normalize()),
                "the shared datasets are not next to this checkout");
        JobConfig config = new JobConfigLoader(Contract.standard()).load(Path.of(job));
        IngestComparison c = IngestComparison.run(spark, config, config.businessDate(), tmp.resolve("spark"));
        try {
            IngestComparison.assertEqual(c);
        } finally {
            c.close();
        }
    }
}
