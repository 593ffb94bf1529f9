package org.crmwarehouse.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelDoc;
import org.crmwarehouse.transform.SqlModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish step. Writes the night's mart tables as Parquet under
 * {@code marts/business_date=<date>/} and the warehouse DuckDB file (staging and mart tables,
 * quarantine, with table and column comments from the data dictionary). Both are built beside
 * their final place and moved in with one rename, so a reader sees the previous night or the new
 * one, never half of it. Rows are written sorted, so the same input gives the same files.
 */
public final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    public static final String QUARANTINE_TABLE = "quarantine";

    public record Published(Path warehouse, Path martsFolder, List<String> tables, List<String> parquetFiles) {
    }

    public Published publish(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog)
            throws SQLException, IOException {
        Files.createDirectories(config.output());
        List<String> parquet = writeParquet(work, config, date, catalog);
        List<String> tables = writeWarehouse(work, config, date, catalog);
        return new Published(config.warehouseFile(), config.martsFolder(date), tables, parquet);
    }

    private List<String> writeParquet(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog)
            throws SQLException, IOException {
        Path target = config.martsFolder(date);
        Path staging = target.resolveSibling("." + target.getFileName() + ".incoming");
        deleteRecursively(staging);
        Files.createDirectories(staging);
        List<String> tables = new ArrayList<>();
        catalog.models().stream().filter(m -> m.layer() == SqlModel.Layer.MARTS).forEach(m -> tables.add(m.name()));
        tables.add(QUARANTINE_TABLE);
        for (String table : tables) {
            Path file = staging.resolve(table + ".parquet");
            Db.execute(work, "COPY (SELECT * FROM " + table + " ORDER BY ALL) TO " + Sql.literal(file)
                    + " (FORMAT parquet, COMPRESSION zstd)");
        }
        Path previous = target.resolveSibling("." + target.getFileName() + ".previous");
        deleteRecursively(previous);
        if (Files.exists(target)) {
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(previous);
        log.info("[publish] {} Parquet files in {}", tables.size(), target);
        return tables.stream().map(t -> t + ".parquet").toList();
    }

    private List<String> writeWarehouse(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog)
            throws SQLException, IOException {
        Path target = config.warehouseFile();
        Path incoming = target.resolveSibling("." + target.getFileName() + ".incoming");
        Files.deleteIfExists(incoming);
        Files.deleteIfExists(incoming.resolveSibling(incoming.getFileName() + ".wal"));
        List<String> tables = new ArrayList<>();
        Db.execute(work, "ATTACH " + Sql.literal(incoming) + " AS published");
        try {
            for (SqlModel model : catalog.publishedModels()) {
                copyTable(work, model.name());
                comment(work, model.name(), model.doc());
                tables.add(model.name());
            }
            copyTable(work, QUARANTINE_TABLE);
            tables.add(QUARANTINE_TABLE);
            Db.execute(work, "CREATE TABLE published.warehouse_info AS SELECT " + Sql.literal(config.name())
                    + " AS job_name, DATE " + Sql.literal(date.toString()) + " AS business_date");
            tables.add("warehouse_info");
        } finally {
            Db.execute(work, "DETACH published");
        }
        Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.info("[publish] {} tables in {}", tables.size(), target);
        return tables;
    }

    private static void copyTable(Connection work, String table) throws SQLException {
        Db.execute(work, "CREATE TABLE published." + table + " AS SELECT * FROM " + table + " ORDER BY ALL");
    }

    private static void comment(Connection work, String table, ModelDoc doc) throws SQLException {
        Db.execute(work, "COMMENT ON TABLE published." + table + " IS " + Sql.literal(doc.description()));
        for (ModelDoc.ColumnDoc c : doc.columns()) {
            Db.execute(work, "COMMENT ON COLUMN published." + table + "." + Sql.identifier(c.name()) + " IS "
                    + Sql.literal(c.description()));
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
