package org.crmwarehouse.orchestrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.spark.DuckDbBridgeIngest;
import org.crmwarehouse.spark.SparkIngest;
import org.crmwarehouse.spark.SparkModelRunner;
import org.crmwarehouse.spark.SparkParquetStager;
import org.crmwarehouse.spark.SparkSessions;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;

/**
 * The steps of a night on Spark ({@code engine: spark}): the same five as {@link NightlySteps},
 * with the night's state in a {@link SparkTables} folder under the work folder instead of the work
 * database. Publish and report run on the driver through DuckDB reading that folder's Parquet
 * (the driver database, {@code <work>/driver.duckdb}, holds views over it and copies of the small
 * audit tables), so the warehouse file, the snapshot, the switch-in and the reports are the
 * DuckDB night's own code. Loaded only when the engine is spark: Spark need not be on the classpath
 * otherwise.
 */
final class SparkNightSteps {
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");
    /** Tables up to this many rows are copied into the driver database, larger ones are views. */
    private static final long DRIVER_TABLE_ROWS = 100_000;

    private static SparkTables tables(RunContext run) {
        return new SparkTables(SparkSessions.open("crm-warehouse " + run.config().name(), run.config().spark().master(),
                run.config().spark().settings()), run.sparkTablesFolder());
    }

    void extract(RunContext run) throws Exception {
        Files.createDirectories(run.sparkTablesFolder());
        SparkTables tables = tables(run);
        Path work = run.workDatabase().getParent();
        SparkIngest ingest = SparkIngest.forNight(run.config(), tables.spark().sparkContext().master(), work, true);
        log.info("extract: sources read by {}", ingest instanceof DuckDbBridgeIngest
                ? "DuckDB on the driver (spark.ingest: driver)" : "Spark (spark.ingest: spark)");
        ingest.extract(run.config(), run.businessDate(), run.contract(), work, tables);
    }

    void validate(RunContext run) throws Exception {
        SparkTables tables = tables(run);
        Path work = run.workDatabase().getParent();
        SparkIngest.forNight(run.config(), tables.spark().sparkContext().master(), work, false)
                .validate(run.config(), run.businessDate(), run.contract(), work, tables);
    }

    void transform(RunContext run) throws Exception {
        SparkTables tables = tables(run);
        tables.registerAll();
        new SparkModelRunner(run.catalog()).run(tables, run.businessDate(), run.config().parameters(),
                Publisher.lastPublished(run.config()), run.commandLineParameters());
    }

    void publish(RunContext run, long executionId) throws Exception {
        SparkTables tables = tables(run);
        try (Connection driver = driverDatabase(run)) {
            new Publisher().publish(driver, run.config(), run.businessDate(), run.catalog(), executionId,
                    new SparkParquetStager(tables, driver));
        }
    }

    String report(RunContext run, JobExecution execution) throws Exception {
        driverDatabase(run).close();
        return new NightlySteps().report(run, execution, driverDatabasePath(run));
    }

    static Path driverDatabasePath(RunContext run) {
        return run.workDatabase().resolveSibling("driver.duckdb");
    }

    /**
     * A fresh DuckDB database on the driver that sees every table of the night's SparkTables:
     * small ones copied in (the report looks audit tables up among the tables), larger ones and
     * the quarantine_tonight and quarantine_carried views (the report looks those up among the
     * views) as views over the Parquet files.
     */
    static Connection driverDatabase(RunContext run) throws Exception {
        Path file = driverDatabasePath(run);
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
        Connection db = Db.open(file);
        try {
            for (String table : tableNames(run.sparkTablesFolder())) {
                String files = Sql.literal(run.sparkTablesFolder().resolve(table) + "/*.parquet");
                long rows = Db.queryLong(db, "SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(" + files + ")");
                boolean view = rows > DRIVER_TABLE_ROWS || table.equals("quarantine_tonight")
                        || table.equals("quarantine_carried");
                Db.execute(db, "CREATE " + (view ? "VIEW " : "TABLE ") + Sql.identifier(table) + " AS SELECT * FROM "
                        + "read_parquet(" + files + ")");
            }
            return db;
        } catch (Exception e) {
            db.close();
            throw e;
        }
    }

    private static List<String> tableNames(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> Files.exists(p.resolve("_SUCCESS"))).map(p -> p.getFileName().toString()).sorted()
                    .toList();
        }
    }
}
