package org.crmwarehouse.spark;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.progress.Progress;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.DataTests;
import org.crmwarehouse.transform.EngineDialect;
import org.crmwarehouse.transform.JavaModel;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.transform.ModelRunner.ModelAudit;
import org.crmwarehouse.transform.NightWarnings;
import org.crmwarehouse.transform.SqlModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transform step on Spark, the counterpart of {@link ModelRunner#run}: the same tables in the
 * {@link SparkTables} folder as ModelRunner leaves in the work database. run_parameters, the
 * provenance tables and an empty audit_warnings are written by ModelRunner's own code on the
 * driver (so they cannot drift), with the engine seam's row of run_model_versions naming 'spark'
 * and the hash of sql/engine/spark.sql; SQL models run through Spark SQL, each materialised as
 * Parquet; Java models run unchanged on the driver ({@link DriverDuckDb}), except duplicate scoring,
 * whose candidate pairs are scored on the executors ({@link SparkDuplicateScoring}); the data tests are
 * DataTests's queries in Spark's spelling; audit_models lists each model's rows and time.
 *
 * <p>Its inputs are what the validate step leaves: valid_&lt;entity&gt;, quarantine, the funnel
 * stage tables and the audit tables, each a folder of the SparkTables folder.
 */
public final class SparkModelRunner {
    private static final Logger log = LoggerFactory.getLogger(SparkModelRunner.class);

    private final ModelCatalog catalog;
    private final SparkDialect dialect = new SparkDialect();

    public SparkModelRunner(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public List<ModelAudit> run(SparkTables tables, LocalDate businessDate, Map<String, Object> overrides,
            Path publishedWarehouse, Set<String> fromCommandLine) throws SQLException {
        SparkSession spark = tables.spark();
        // DuckDB reads these back (Java models); INT96, Spark's default, is a legacy encoding
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        tables.registerAll();
        dialect.defineFunctions(spark);
        prepare(tables, businessDate, overrides, publishedWarehouse, fromCommandLine);

        DriverDuckDb driver = new DriverDuckDb(tables);
        List<ModelAudit> audits = new ArrayList<>();
        List<SqlModel> models = catalog.models();
        long transformStarted = System.nanoTime();
        for (int i = 0; i < models.size(); i++) {
            SqlModel model = models.get(i);
            long started = System.nanoTime();
            Optional<JavaModel> java = catalog.javaModel(model.name());
            try {
                if (model.name().equals(SparkDuplicateScoring.MODEL)) {
                    // the one Java model whose input grows with the customers: scored on the executors
                    tables.write(model.name(), SparkDuplicateScoring.score(spark));
                } else if (java.isPresent()) {
                    driver.run(Set.of(NightWarnings.TABLE), Set.of(model.name()), db -> {
                        new EngineDialect().defineFunctions(db);
                        java.get().build(db);
                    });
                } else {
                    tables.materialize(model.name(), model.sql());
                }
            } catch (SQLException e) {
                throw new SQLException("Java model " + model.name() + " failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                if (java.isPresent()) {
                    throw e;
                }
                throw new SQLException("model " + model.layer().folder() + "/" + model.name() + ".sql failed on Spark: "
                        + e.getMessage(), e);
            }
            long rows = spark.table(model.name()).count();
            long millis = (System.nanoTime() - started) / 1_000_000;
            audits.add(new ModelAudit(model.name(), model.layer().folder(), rows, millis));
            log.info("[transform] {}/{} {}: {} rows ({} ms); {}", i + 1, models.size(), model.name(), rows, millis,
                    Progress.since(i + 1, models.size(), System.nanoTime() - transformStarted));
        }
        List<DataTests.Failure> failures = new ArrayList<>();
        long testsStarted = System.nanoTime();
        // a Spark job per model: a minute or more on a small night, so say where it is
        for (int i = 0; i < models.size(); i++) {
            failures.addAll(dataTests(spark, models.get(i)));
            if ((i + 1) % 10 == 0 || i + 1 == models.size()) {
                log.info("[transform] data tests {}/{} models; {}", i + 1, models.size(),
                        Progress.since(i + 1, models.size(), System.nanoTime() - testsStarted));
            }
        }
        if (!failures.isEmpty()) {
            throw new ModelRunner.DataTestException(failures);
        }
        log.info("[transform] data tests passed on {} models", models.size());
        String values = audits.stream().map(a -> "(" + Sql.literal(a.model()) + ", " + Sql.literal(a.layer())
                + ", CAST(" + a.rows() + " AS BIGINT), CAST(" + a.millis() + " AS BIGINT))")
                .collect(Collectors.joining(", "));
        tables.materialize("audit_models", "SELECT * FROM VALUES " + values + " AS t(model, layer, rows, millis)");
        return audits;
    }

    /**
     * run_parameters, run_parameter_sources, run_model_versions and an empty audit_warnings, made
     * by ModelRunner.prepare in a driver DuckDB and written as Parquet.
     */
    void prepare(SparkTables tables, LocalDate businessDate, Map<String, Object> overrides, Path publishedWarehouse,
            Set<String> fromCommandLine) throws SQLException {
        Set<String> made = Set.of("run_parameters", ModelRunner.PARAMETER_SOURCES, ModelRunner.MODEL_VERSIONS,
                NightWarnings.TABLE);
        new DriverDuckDb(tables).run(Set.of(), made, db -> {
            // nothing but these four tables: the work state's other tables are not this step's to rewrite
            for (String table : Db.queryStrings(db, "SELECT table_name FROM information_schema.tables")) {
                Db.execute(db, "DROP VIEW IF EXISTS " + table);
            }
            new ModelRunner(catalog).prepare(db, businessDate, overrides, publishedWarehouse, fromCommandLine);
            Db.execute(db, "UPDATE " + ModelRunner.MODEL_VERSIONS + " SET model = 'spark', version = "
                    + Sql.literal(ModelRunner.contentHash(dialect.functionsSql())) + " WHERE layer = 'engine'");
        });
    }

    /** The model's data tests (DataTests's queries, in Spark's spelling); the failing ones. */
    static List<DataTests.Failure> dataTests(SparkSession spark, SqlModel model) {
        List<DataTests.TestQuery> queries = DataTests.queries(model);
        if (queries.isEmpty()) {
            return List.of();
        }
        long[] offending = new long[queries.size()];
        for (Row counted : spark.sql(SparkDialect.fromDuckDb(DataTests.countsSql(queries))).collectAsList()) {
            offending[counted.getInt(0)] = counted.getLong(1);
        }
        return DataTests.failures(model, queries, offending, q -> examples(spark, q));
    }

    private static List<String> examples(SparkSession spark, DataTests.TestQuery q) {
        try {
            String columns = q.show().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "));
            List<String> examples = new ArrayList<>();
            for (Row row : spark.sql("SELECT " + columns + " " + SparkDialect.fromDuckDb(q.from())
                    + " ORDER BY " + columns + " LIMIT 3").collectAsList()) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < q.show().size(); i++) {
                    values.add(q.show().get(i) + "=" + row.get(i));
                }
                examples.add(String.join(", ", values));
            }
            return examples;
        } catch (RuntimeException e) {
            return List.of(); // the failure itself is what must be reported; examples are a help
        }
    }
}
