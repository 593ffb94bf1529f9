package org.crmwarehouse.transform;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.crmwarehouse.progress.Progress;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transform step: writes {@code run_parameters}, builds every model in dependency order
 * (staging, intermediate, marts), then runs every model's data tests. A failing data test fails
 * the step before anything is published.
 */
public final class ModelRunner {
    private static final Logger log = LoggerFactory.getLogger(ModelRunner.class);

    private final ModelCatalog catalog;
    private final EngineDialect dialect = new EngineDialect();
    private final DataTests dataTests = new DataTests();

    public ModelRunner(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public record ModelAudit(String model, String layer, long rows, long millis) {
    }

    public List<ModelAudit> run(Connection db, LocalDate businessDate, Map<String, Object> overrides)
            throws SQLException {
        return run(db, businessDate, overrides, null);
    }

    /**
     * Builds every model. {@code publishedWarehouse} is the snapshot of the job's last published
     * night (its results; null or absent before the first night; never the live warehouse.duckdb,
     * which readers may lock), given to the models as
     * {@code run_parameters.published_warehouse} for those that carry state from night to night
     * (dim_customer_history); null when there is no job (golden tests, the data dictionary).
     */
    public List<ModelAudit> run(Connection db, LocalDate businessDate, Map<String, Object> overrides,
            Path publishedWarehouse) throws SQLException {
        return run(db, businessDate, overrides, publishedWarehouse, Set.of());
    }

    /**
     * Builds every model; {@code fromCommandLine} names the overrides given on the command line
     * ({@code run --param}), the others came from the job config: warehouse_parameters says so.
     */
    public List<ModelAudit> run(Connection db, LocalDate businessDate, Map<String, Object> overrides,
            Path publishedWarehouse, Set<String> fromCommandLine) throws SQLException {
        prepare(db, businessDate, overrides, publishedWarehouse, fromCommandLine);
        List<ModelAudit> audits = new ArrayList<>();
        List<SqlModel> models = catalog.models();
        long transformStarted = System.nanoTime();
        for (int i = 0; i < models.size(); i++) {
            SqlModel model = models.get(i);
            long started = System.nanoTime();
            Optional<JavaModel> java = catalog.javaModel(model.name());
            try {
                if (java.isPresent()) {
                    java.get().build(db);
                } else {
                    Db.execute(db, dialect.materialize(model.name(), model.sql()));
                }
            } catch (SQLException e) {
                if (java.isPresent()) {
                    throw new SQLException("Java model " + model.name() + " failed: " + e.getMessage(), e);
                }
                throw new SQLException("model " + model.layer().folder() + "/" + model.name() + ".sql failed: "
                        + e.getMessage(), e);
            }
            long rows = Db.queryLong(db, "SELECT count(*) FROM " + model.name());
            long millis = (System.nanoTime() - started) / 1_000_000;
            audits.add(new ModelAudit(model.name(), model.layer().folder(), rows, millis));
            // the estimate counts models, not their sizes: rough early on, better as the marts come
            log.info("[transform] {}/{} {}: {} rows ({} ms); {}", i + 1, models.size(), model.name(), rows, millis,
                    Progress.since(i + 1, models.size(), System.nanoTime() - transformStarted));
        }
        List<DataTests.Failure> failures = new ArrayList<>();
        for (SqlModel model : models) {
            failures.addAll(dataTests.run(db, model));
        }
        if (!failures.isEmpty()) {
            throw new DataTestException(failures);
        }
        log.info("[transform] data tests passed on {} models", models.size());
        Db.execute(db, "CREATE OR REPLACE TABLE audit_models (model VARCHAR, layer VARCHAR, rows BIGINT, millis BIGINT)");
        for (ModelAudit a : audits) {
            Db.execute(db, "INSERT INTO audit_models VALUES (" + Sql.literal(a.model()) + ", " + Sql.literal(a.layer())
                    + ", " + a.rows() + ", " + a.millis() + ")");
        }
        return audits;
    }

    /**
     * What the models read besides the data: run_parameters, the provenance tables behind
     * warehouse_parameters and warehouse_models, an empty night_warnings, the engine seam's
     * functions. {@link #run} calls it first; bench --floor calls it before building the same
     * models its own way.
     */
    public void prepare(Connection db, LocalDate businessDate, Map<String, Object> overrides, Path publishedWarehouse,
            Set<String> fromCommandLine) throws SQLException {
        writeParameters(db, businessDate, overrides, publishedWarehouse);
        writeProvenance(db, overrides, fromCommandLine);
        NightWarnings.reset(db);
        dialect.defineFunctions(db);
    }

    /**
     * run_parameters: one row, a typed column per parameter (defaults overridden by the job config),
     * plus business_date and published_warehouse.
     */
    public void writeParameters(Connection db, LocalDate businessDate, Map<String, Object> overrides,
            Path publishedWarehouse) throws SQLException {
        List<String> columns = new ArrayList<>();
        columns.add("DATE " + Sql.literal(businessDate.toString()) + " AS business_date");
        columns.add((publishedWarehouse == null ? "CAST(NULL AS VARCHAR)"
                : Sql.literal(publishedWarehouse.toAbsolutePath().toString())) + " AS published_warehouse");
        for (ModelParameter p : catalog.parameters()) {
            Object value = overrides.getOrDefault(p.name(), p.defaultValue());
            columns.add("CAST(" + Sql.literal(String.valueOf(value)) + " AS " + castType(p) + ") AS " + p.name());
        }
        for (String name : overrides.keySet()) {
            if (catalog.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                throw new IllegalArgumentException("parameters." + name + " is not a model parameter; known: "
                        + catalog.parameters().stream().map(ModelParameter::name).toList());
            }
        }
        Db.execute(db, "CREATE OR REPLACE TABLE run_parameters AS SELECT " + String.join(", ", columns));
    }

    /** The table behind warehouse_parameters: each model parameter's value and where it came from. */
    public static final String PARAMETER_SOURCES = "run_parameter_sources";
    /** The table behind warehouse_models: each model's version. */
    public static final String MODEL_VERSIONS = "run_model_versions";

    /**
     * {@value #PARAMETER_SOURCES} (parameter, type, value, default_value, source: default, config or
     * command line) and {@value #MODEL_VERSIONS} (model, layer, kind, version): a SQL model's
     * version is the SHA-256 of its file's text (first 16 hex digits), so any edit changes it; a
     * Java model declares its own ({@link JavaModel#version()}); the engine seam
     * (sql/engine/duckdb.sql) is hashed too.
     */
    void writeProvenance(Connection db, Map<String, Object> overrides, Set<String> fromCommandLine)
            throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE " + PARAMETER_SOURCES + " (parameter VARCHAR, type VARCHAR,"
                + " value VARCHAR, default_value VARCHAR, source VARCHAR)");
        for (ModelParameter p : catalog.parameters()) {
            String source = fromCommandLine.contains(p.name()) ? "command line"
                    : overrides.containsKey(p.name()) ? "config" : "default";
            Db.execute(db, "INSERT INTO " + PARAMETER_SOURCES + " VALUES (" + Sql.literal(p.name()) + ", "
                    + Sql.literal(p.type()) + ", " + Sql.literal(String.valueOf(overrides.getOrDefault(p.name(),
                    p.defaultValue()))) + ", " + Sql.literal(p.defaultValue()) + ", " + Sql.literal(source) + ")");
        }
        Db.execute(db, "CREATE OR REPLACE TABLE " + MODEL_VERSIONS + " (model VARCHAR, layer VARCHAR, kind VARCHAR,"
                + " version VARCHAR)");
        List<String> rows = new ArrayList<>();
        rows.add("('duckdb', 'engine', 'sql', " + Sql.literal(contentHash(dialect.functionsSql())) + ")");
        for (SqlModel model : catalog.models()) {
            Optional<JavaModel> java = catalog.javaModel(model.name());
            rows.add("(" + Sql.literal(model.name()) + ", " + Sql.literal(model.layer().folder()) + ", "
                    + (java.isPresent() ? "'java', " + Sql.literal(java.get().getClass().getSimpleName() + " "
                            + java.get().version()) : "'sql', " + Sql.literal(contentHash(model.sql()))) + ")");
        }
        Db.execute(db, "INSERT INTO " + MODEL_VERSIONS + " VALUES " + String.join(", ", rows));
    }

    /** "sha256:" and the first 16 hex digits of the SHA-256 of the text (UTF-8). */
    public static String contentHash(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String castType(ModelParameter p) {
        return switch (p.type()) {
            case "BIGINT", "DOUBLE", "DATE", "VARCHAR", "BOOLEAN" -> p.type();
            default -> throw new IllegalStateException("parameter " + p.name() + " has unsupported type " + p.type());
        };
    }

    /** Data tests that failed; the message lists each. */
    public static final class DataTestException extends RuntimeException {
        public DataTestException(List<DataTests.Failure> failures) {
            super("data tests failed: " + failures);
        }
    }
}
