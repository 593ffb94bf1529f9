package org.crmwarehouse.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.progress.Progress;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.EngineDialect;
import org.crmwarehouse.transform.JavaModel;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.transform.SqlModel;
import org.crmwarehouse.validate.ContractValidator;

/**
 * The night's SQL run bare, the "floor" a night is measured against (issue 18): the job's input
 * files loaded with DuckDB's read_csv straight into typed {@code valid_<entity>} tables (the
 * contract's column types, no checks, no quarantine, no raw copies), the same sql/ models in the
 * catalog's order as CREATE TABLE AS through the engine seam, the Java models built as the
 * transform step builds them, and the marts written to Parquet (no sorting, no warehouse file, no
 * snapshot, no report). Three steps, each announced as {@code [step] started} and
 * {@code [step] completed in N s}, the way the nightly job logs its steps, so that the bench can
 * take the process's CPU time at the same boundaries on both sides.
 */
final class FloorNight {
    static final String LOAD = "load";
    static final String MODELS = "models";
    static final String PARQUET = "parquet";

    private final JobConfig config;
    private final Contract contract;
    private final ModelCatalog catalog;
    private final PrintStream log;

    FloorNight(JobConfig config, Contract contract, ModelCatalog catalog, PrintStream log) {
        this.config = config;
        this.contract = contract;
        this.catalog = catalog;
        this.log = log;
    }

    /**
     * Builds the night in {@code folder}/floor.duckdb and writes the marts in the published layout,
     * {@code folder}/marts/&lt;table&gt;/business_date=&lt;date&gt;/&lt;table&gt;.parquet (business_date
     * the folder's, as publish writes them), so the content check compares like with like; returns the files.
     */
    List<Path> run(Path folder) throws SQLException, IOException {
        Bench.deleteTree(folder);
        Files.createDirectories(folder);
        try (Connection db = Db.open(folder.resolve("floor.duckdb"))) {
            step(LOAD);
            for (EntityContract entity : contract.entities()) {
                Db.execute(db, "CREATE OR REPLACE TABLE valid_" + entity.name() + " AS " + load(entity));
            }
            ContractValidator.writeFunnelStages(db, config);
            done(LOAD);

            step(MODELS);
            EngineDialect dialect = new EngineDialect();
            new ModelRunner(catalog).prepare(db, config.businessDate(), config.parameters(), null, java.util.Set.of());
            List<SqlModel> models = catalog.models();
            long started = System.nanoTime();
            for (int i = 0; i < models.size(); i++) {
                SqlModel model = models.get(i);
                Optional<JavaModel> java = catalog.javaModel(model.name());
                if (java.isPresent()) {
                    java.get().build(db);
                } else {
                    Db.execute(db, dialect.materialize(model.name(), model.sql()));
                }
                log.printf(Locale.ROOT, "[%s] %d/%d %s; %s%n", MODELS, i + 1, models.size(), model.name(),
                        Progress.since(i + 1, models.size(), System.nanoTime() - started));
            }
            done(MODELS);

            step(PARQUET);
            List<Path> files = new ArrayList<>();
            for (SqlModel mart : catalog.models().stream().filter(m -> m.layer() == SqlModel.Layer.MARTS).toList()) {
                // the published layout: marts/<table>/business_date=<d>/, the date the folder's, not in the file
                Path file = ParquetChecksums.martsFile(folder, mart.name() + ".parquet", config.businessDate());
                Files.createDirectories(file.getParent());
                String select = Db.columnsOf(db, "SELECT * FROM " + mart.name()).contains(Publisher.PARTITION_COLUMN)
                        ? "* EXCLUDE (" + Publisher.PARTITION_COLUMN + ")" : "*";
                Db.execute(db, "COPY (SELECT " + select + " FROM " + mart.name() + ") TO " + Sql.literal(file)
                        + " (FORMAT parquet, COMPRESSION zstd)");
                files.add(file);
            }
            done(PARQUET);
            return files;
        }
    }


    /**
     * The entity's file read with the contract's types: {@code _source} (the file name, as the
     * pipeline labels it) and {@code _line} (the physical line, the header being line 1: one record
     * a line, as generated input is) come first, as in the validated tables. An entity without a
     * source gets an empty table, as validate gives it.
     */
    String load(EntityContract entity) {
        SourceSpec source = config.sources().get(entity.name());
        List<String> columns = new ArrayList<>(List.of("_source", "_line"));
        entity.columns().forEach(c -> columns.add(c.name()));
        if (source == null) {
            List<String> empty = new ArrayList<>(List.of("CAST(NULL AS VARCHAR) AS _source", "CAST(NULL AS BIGINT) AS _line"));
            entity.columns().forEach(c -> empty.add("CAST(NULL AS " + c.type().storageType() + ") AS " + c.name()));
            return "SELECT " + String.join(", ", empty) + " LIMIT 0";
        }
        if (source.file() == null || source.file().format() != FileSpec.FileFormat.CSV || source.isMapped()) {
            throw new IllegalArgumentException("the floor reads CSV files only; " + entity.name() + " is " + source.label());
        }
        FileSpec file = source.file();
        List<String> types = new ArrayList<>();
        for (ColumnContract c : entity.columns()) {
            types.add(Sql.literal(c.name()) + ": " + Sql.literal(c.type().storageType()));
        }
        return "SELECT " + Sql.literal(source.label()) + " AS _source, CAST(row_number() OVER () + "
                + (file.header() ? 1 : 0) + " AS BIGINT) AS _line, " + String.join(", ", entity.columnNames())
                + " FROM read_csv(" + Sql.literal(file.path()) + ", header=" + file.header() + ", delim="
                + Sql.literal(file.delimiter()) + ", quote=" + Sql.literal(file.quote()) + ", escape="
                + Sql.literal(file.quote()) + ", auto_detect=false, columns={" + String.join(", ", types) + "})";
    }

    private long stepStarted;

    private void step(String name) {
        stepStarted = System.nanoTime();
        log.printf("[%s] started%n", name);
    }

    private void done(String name) {
        log.printf(Locale.ROOT, "[%s] completed in %.1f s%n", name, (System.nanoTime() - stepStarted) / 1e9);
    }
}
