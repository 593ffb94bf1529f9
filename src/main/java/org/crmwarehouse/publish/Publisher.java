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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * one, never half of it. Rows are written sorted (on each table's unique key, see
 * {@link #orderBy}), so the same input gives the same files.
 *
 * <p>Snapshots: each night's warehouse file is kept as
 * {@code snapshots/<business_date>-<execution>.duckdb}; {@code warehouse.duckdb} is a hard link to
 * the latest published one (a copy where the file system has no hard links), swapped in with an
 * atomic rename, so a reader that opened it keeps its night while the next is published. Only
 * the newest snapshot of a business date is kept, and only the {@code keep_snapshots} latest
 * business dates (default 7; the night just published always stays). The Parquet folders
 * {@code marts/business_date=<d>/} are one per date and are all kept: they are the marts'
 * history, small, and whoever consumes them decides how long to keep them.
 */
public final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    public static final String QUARANTINE_TABLE = "quarantine";

    private static final Pattern SNAPSHOT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.duckdb");

    public record Published(Path warehouse, Path snapshot, Path martsFolder, List<String> tables,
            List<String> parquetFiles) {
    }

    public Published publish(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog)
            throws SQLException, IOException {
        return publish(work, config, date, catalog, 0);
    }

    /** Publishes the night; {@code executionId} (the job execution) names the warehouse snapshot. */
    public Published publish(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog,
            long executionId) throws SQLException, IOException {
        Files.createDirectories(config.output());
        List<String> parquet = writeParquet(work, config, date, catalog);
        Path snapshot = config.snapshotsFolder().resolve(date + "-" + executionId + ".duckdb");
        List<String> tables = writeWarehouse(work, config, date, catalog, snapshot);
        pruneSnapshots(config.snapshotsFolder(), snapshot, config.keepSnapshots());
        return new Published(config.warehouseFile(), snapshot, config.martsFolder(date), tables, parquet);
    }

    private List<String> writeParquet(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog)
            throws SQLException, IOException {
        Path target = config.martsFolder(date);
        Path staging = target.resolveSibling("." + target.getFileName() + ".incoming");
        deleteRecursively(staging);
        Files.createDirectories(staging);
        Map<String, String> tables = new LinkedHashMap<>();
        catalog.models().stream().filter(m -> m.layer() == SqlModel.Layer.MARTS)
                .forEach(m -> tables.put(m.name(), orderBy(m)));
        tables.put(QUARANTINE_TABLE, "ALL");
        for (Map.Entry<String, String> table : tables.entrySet()) {
            Path file = staging.resolve(table.getKey() + ".parquet");
            Db.execute(work, "COPY (SELECT * FROM " + table.getKey() + " ORDER BY " + table.getValue() + ") TO "
                    + Sql.literal(file) + " (FORMAT parquet, COMPRESSION zstd)");
        }
        Path previous = target.resolveSibling("." + target.getFileName() + ".previous");
        deleteRecursively(previous);
        if (Files.exists(target)) {
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(previous);
        log.info("[publish] {} Parquet files in {}", tables.size(), target);
        return tables.keySet().stream().map(t -> t + ".parquet").toList();
    }

    private List<String> writeWarehouse(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog,
            Path snapshot) throws SQLException, IOException {
        Path target = config.warehouseFile();
        Path incoming = target.resolveSibling("." + target.getFileName() + ".incoming");
        Files.deleteIfExists(incoming);
        Files.deleteIfExists(incoming.resolveSibling(incoming.getFileName() + ".wal"));
        List<String> tables = new ArrayList<>();
        Db.execute(work, "ATTACH " + Sql.literal(incoming) + " AS published");
        try {
            for (SqlModel model : catalog.publishedModels()) {
                copyTable(work, model.name(), orderBy(model));
                comment(work, model.name(), model.doc());
                tables.add(model.name());
            }
            copyTable(work, QUARANTINE_TABLE, "ALL");
            tables.add(QUARANTINE_TABLE);
            Db.execute(work, "CREATE TABLE published.warehouse_info AS SELECT " + Sql.literal(config.name())
                    + " AS job_name, DATE " + Sql.literal(date.toString()) + " AS business_date");
            tables.add("warehouse_info");
        } finally {
            Db.execute(work, "DETACH published");
        }
        Files.createDirectories(snapshot.getParent());
        Files.move(incoming, snapshot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path link = target.resolveSibling("." + target.getFileName() + ".link");
        Files.deleteIfExists(link);
        try {
            Files.createLink(link, snapshot);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(snapshot, link);
        }
        Files.move(link, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.info("[publish] {} tables in {} (snapshot {})", tables.size(), target, snapshot.getFileName());
        return tables;
    }

    /**
     * Keeps the newest snapshot of each business date, and of those the {@code keep} latest
     * business dates; {@code current} (the night just published) is always kept.
     */
    static List<Path> pruneSnapshots(Path folder, Path current, int keep) throws IOException {
        Map<String, Path> newestByDate = new TreeMap<>(Comparator.reverseOrder());
        Map<String, Long> newestExecution = new HashMap<>();
        List<Path> delete = new ArrayList<>();
        List<Path> all;
        try (Stream<Path> list = Files.list(folder)) {
            all = list.filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        Matcher currentName = SNAPSHOT.matcher(current.getFileName().toString());
        String currentDate = currentName.matches() ? currentName.group(1) : null;
        for (Path p : all) {
            Matcher m = SNAPSHOT.matcher(p.getFileName().toString());
            m.matches();
            String date = m.group(1);
            long execution = Long.parseLong(m.group(2));
            if (date.equals(currentDate)) {
                if (!p.equals(current)) {
                    delete.add(p);
                }
                continue;
            }
            Long best = newestExecution.get(date);
            if (best == null || execution > best) {
                if (best != null) {
                    delete.add(newestByDate.get(date));
                }
                newestExecution.put(date, execution);
                newestByDate.put(date, p);
            } else {
                delete.add(p);
            }
        }
        if (currentDate != null) {
            newestByDate.put(currentDate, current);
        }
        int rank = 0;
        for (Map.Entry<String, Path> e : newestByDate.entrySet()) {
            if (++rank > keep && !e.getValue().equals(current)) {
                delete.add(e.getValue());
            }
        }
        for (Path p : delete) {
            Files.deleteIfExists(p);
            Files.deleteIfExists(p.resolveSibling(p.getFileName() + ".wal"));
        }
        if (!delete.isEmpty()) {
            log.info("[publish] pruned {} snapshot(s) beyond the {} latest nights: {}", delete.size(), keep,
                    delete.stream().map(p -> p.getFileName().toString()).sorted().toList());
        }
        return delete;
    }

    private static void copyTable(Connection work, String table, String orderBy) throws SQLException {
        Db.execute(work, "CREATE TABLE published." + table + " AS SELECT * FROM " + table + " ORDER BY " + orderBy);
    }

    /**
     * The sort order of a published table: its declared unique key, which the transform step's
     * data tests have just proved unique, so the order is total and the same input gives the same
     * files; sorting on a few key columns is far cheaper than on every column. A table without a
     * unique key (the quarantine) is sorted on all its columns.
     */
    static String orderBy(SqlModel model) {
        List<String> key = model.doc() == null ? List.of() : model.doc().uniqueKey();
        return key.isEmpty() ? "ALL" : key.stream().map(Sql::identifier).collect(Collectors.joining(", "));
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
