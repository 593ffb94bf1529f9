package org.crmwarehouse.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.spark.DuckDbBridgeIngest;
import org.crmwarehouse.spark.PublishedComparison;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spark night's ingest, publish and report steps against the DuckDB night's on the golden
 * daily_sales fixture (3 customers, 6 order lines). The Spark transform is another branch's
 * (SparkModelRunner); here the DuckDB ModelRunner stands in for it on the bridge's work database
 * and its tables are exported into the night's SparkTables; the DuckDB night's Publisher and
 * report run on that same work database into another output folder. So what is compared is only
 * what the Spark steps do: Spark writing each published table's single Parquet file, the switch-in, the
 * warehouse file built on the driver from the Parquet, and the reports read through the driver
 * database. The expected output is the DuckDB night's published files, which the golden and
 * end-to-end tests check by hand figures; here they must come out equal (same data written twice).
 */
class SparkPublishTest {
    @TempDir
    Path tmp;

    private RunContext context(String engine) throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales").toAbsolutePath();
        Path config = tmp.resolve(engine + ".yaml");
        Files.writeString(config, """
                name: spark_publish_%s
                business_date: 2026-04-02
                output: out-%s
                engine: %s
                reject_threshold: "100%%"   # the golden fixture quarantines a customer on purpose
                sources:
                  customers: {path: %s/customers.csv}
                  orders: {path: %s/orders.csv}
                """.formatted(engine, engine, engine, golden, golden));
        JobConfig job = new JobConfigLoader(Contract.standard()).load(config);
        return RunContext.of(NightlyLauncher.parameters(job, job.businessDate(), 0));
    }

    private static JobExecution execution(RunContext run) {
        return new JobExecution(1L, new JobInstance(1L, NightlyJobConfiguration.JOB_NAME),
                NightlyLauncher.parameters(run.config(), run.businessDate(), 0));
    }

    @Test
    @Tag("acceptance") // a night's 62 models plus Spark writing every mart: minutes on the shared 2-core machine
    void theSparkNightPublishesWhatTheDuckDbNightPublishes() throws Exception {
        RunContext spark = context("spark");
        assertThat(spark.config().onSpark()).isTrue();
        SparkNightSteps sparkSteps = new SparkNightSteps();
        sparkSteps.extract(spark);
        sparkSteps.validate(spark);
        assertThat(spark.sparkTablesFolder().resolve("quarantine").resolve("_SUCCESS")).exists();
        // the stand-in for SparkModelRunner (see the class comment)
        try (Connection db = Db.open(spark.workDatabase())) {
            new ModelRunner(spark.catalog()).run(db, spark.businessDate(), spark.config().parameters(),
                    Publisher.lastPublished(spark.config()), spark.commandLineParameters());
            DuckDbBridgeIngest.export(db, spark.sparkTablesFolder());
        }
        // the DuckDB night's publish and report of the same work database: the reference
        RunContext duck = context("duckdb");
        try (Connection db = Db.open(spark.workDatabase())) {
            new Publisher().publish(db, duck.config(), duck.businessDate(), duck.catalog(), 1);
        }
        new NightlySteps().report(duck, execution(duck), spark.workDatabase());
        sparkSteps.publish(spark, 1);
        sparkSteps.report(spark, execution(spark));

        String night = JobConfig.datePartition(LocalDate.of(2026, 4, 2));
        assertThat(PublishedComparison.differences(duck.config().martsFolder(), spark.config().martsFolder(), night,
                Map.of())).isEmpty();
        // one file a table folder, nothing else (Spark's _SUCCESS and .crc files stay out of marts/)
        try (var walk = Files.walk(spark.config().martsFolder())) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            assertThat(files).isNotEmpty().allMatch(f -> f.getFileName().toString()
                    .equals(f.getParent().getParent().getFileName() + ".parquet"));
        }
        assertThat(spark.config().output().resolve(".publishing")).doesNotExist();
        assertThat(tables(duck.config().warehouseFile())).isEqualTo(tables(spark.config().warehouseFile()));
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "ATTACH '" + duck.config().warehouseFile() + "' AS a (READ_ONLY)");
            Db.execute(db, "ATTACH '" + spark.config().warehouseFile() + "' AS b (READ_ONLY)");
            for (String table : tables(duck.config().warehouseFile())) {
                String differ = "SELECT count(*) FROM ((SELECT * FROM a." + table + " EXCEPT ALL SELECT * FROM b." + table
                        + ") UNION ALL (SELECT * FROM b." + table + " EXCEPT ALL SELECT * FROM a." + table + "))";
                long rows = table.equals("warehouse_info") ? 0 : Db.queryLong(db, differ);
                assertThat(rows).as("rows of " + table + " in one warehouse file only").isZero();
            }
        }
        assertThat(Files.list(spark.config().snapshotsFolder()).toList()).hasSize(1);
        // the reports: the same accounting and table sizes
        JsonNode a = JsonMapper.builder().build().readTree(duck.config().reportFolder(duck.businessDate())
                .resolve("run-report.json").toFile());
        JsonNode b = JsonMapper.builder().build().readTree(spark.config().reportFolder(spark.businessDate())
                .resolve("run-report.json").toFile());
        for (String field : List.of("sources", "quarantine")) {
            assertThat(b.get(field)).as(field).isEqualTo(a.get(field));
        }
        assertThat(spark.config().morningReportFile(spark.businessDate())).exists();
    }

    private static List<String> tables(Path warehouse) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection db = Db.openReadOnly(warehouse); var s = db.createStatement();
                var rs = s.executeQuery("SELECT table_name FROM duckdb_tables() ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
