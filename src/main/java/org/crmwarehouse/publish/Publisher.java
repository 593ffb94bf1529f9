package org.crmwarehouse.publish;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * quarantine, with table and column comments from the data dictionary). Rows are written sorted
 * (on each table's unique key, see {@link #orderBy}), so the same input gives the same files.
 *
 * <p>How readers stay safe. Everything is first built in {@code <output>/.publishing/}, outside
 * {@code marts/}, so no glob over the published tree ever sees a partial or temporary file. Then
 * it is switched in by renames on the same file system:
 * <ol>
 *   <li>the current state is kept aside (hard links, so free: the date's Parquet files and
 *       {@code warehouse.duckdb}), and a journal saying what is being switched is written;</li>
 *   <li>Parquet: a new date's folder appears whole by one rename of the staged folder; a rerun of
 *       a date replaces its files one atomic rename each, so the folder and each file are always
 *       there, old or new, never missing or partial;</li>
 *   <li>{@code warehouse.duckdb} is replaced by one atomic rename;</li>
 *   <li>the snapshot copy is renamed into {@code snapshots/}, and deleting the journal commits
 *       the night.</li>
 * </ol>
 * If any of it fails (an exception: full disk, an error), what was switched is put back from
 * what was kept aside, so a failed night never stays visible. A process killed in between
 * leaves the journal, and the next run, before anything else (see {@link #recover}), finishes
 * the switch if it had begun (the staged night is whole; taking back a folder a reader has just
 * listed would fail that reader) and otherwise drops the staging; the restart of the night
 * then publishes it again. The remaining window, stated honestly: between steps 2 and 3 (two
 * renames, microseconds apart, or a rollback's the same renames in reverse) a reader can see
 * the new night's Parquet with the previous warehouse, and during a rerun's step 2 a reader
 * that reads several of the date's files can get some old and some new ones. A reader that
 * must match the two checks {@code warehouse_info.business_date}.
 *
 * <p>Snapshots: each night's warehouse file is kept as
 * {@code snapshots/<business_date>-<execution>.duckdb}, a copy of {@code warehouse.duckdb}
 * (a file of its own, so a writer through one cannot change the other). Only the newest
 * snapshot of a business date is kept, and only the {@code keep_snapshots} latest business
 * dates (default 7; the night just published always stays). The Parquet folders
 * {@code marts/business_date=<d>/} are one per date and are all kept: they are the marts'
 * history, small, and whoever consumes them decides how long to keep them.
 */
public final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    public static final String QUARANTINE_TABLE = "quarantine";

    private static final Pattern SNAPSHOT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.duckdb");

    /** The staging folder, inside the output folder (same file system, so renames are atomic). */
    static final String STAGING = ".publishing";
    private static final String JOURNAL = "journal.properties";

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
        recover(config);
        Path stage = config.output().resolve(STAGING);
        Files.createDirectories(stage);
        Path snapshot = config.snapshotsFolder().resolve(date + "-" + executionId + ".duckdb");
        List<String> parquet;
        List<String> tables;
        try {
            parquet = stageParquet(work, catalog, stage.resolve("marts"));
            PublishHooks.reached("parquet-staged");
            tables = stageWarehouse(work, config, date, catalog, stage.resolve("warehouse.duckdb"));
            PublishHooks.reached("warehouse-staged");
            long t0 = System.nanoTime();
            Files.copy(stage.resolve("warehouse.duckdb"), stage.resolve("snapshot.duckdb"));
            log.info("[publish] snapshot copied ({} MB in {} ms)", Files.size(stage.resolve("snapshot.duckdb")) >> 20,
                    (System.nanoTime() - t0) / 1_000_000);
            PublishHooks.reached("snapshot-copied");
        } catch (IOException | SQLException | RuntimeException e) {
            deleteRecursively(stage); // nothing published has changed yet
            throw e;
        }
        switchIn(config, date, stage, snapshot);
        PublishHooks.reached("committed");
        pruneSnapshots(config.snapshotsFolder(), snapshot, config.keepSnapshots());
        log.info("[publish] {} Parquet files in {}, {} tables in {} (snapshot {})", parquet.size(),
                config.martsFolder(date), tables.size(), config.warehouseFile(), snapshot.getFileName());
        return new Published(config.warehouseFile(), snapshot, config.martsFolder(date), tables, parquet);
    }

    /**
     * The warehouse file the night carries state from (dim_customer_history): the snapshot of the
     * night last published, never the live {@code warehouse.duckdb}, which readers may hold open
     * read-write (DuckDB then refuses any other process the file, even read-only). The snapshot
     * is a byte copy of what was published, a file the night alone writes. The last published is
     * the one of the highest job execution (execution ids only grow in a repository; the ledger
     * refuses a reset one), the newest file among equal ones. Null before the first night; an
     * output folder of a version without snapshots gives its {@code warehouse.duckdb}, once.
     */
    public static Path lastPublished(JobConfig config) throws IOException {
        Path folder = config.snapshotsFolder();
        Path newest = null;
        long newestExecution = -1;
        java.nio.file.attribute.FileTime newestTime = null;
        if (Files.isDirectory(folder)) {
            try (Stream<Path> list = Files.list(folder)) {
                for (Path p : list.sorted().toList()) {
                    Matcher m = SNAPSHOT.matcher(p.getFileName().toString());
                    if (!m.matches()) {
                        continue;
                    }
                    long execution = Long.parseLong(m.group(2));
                    java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(p);
                    if (newest == null || execution > newestExecution
                            || execution == newestExecution && time.compareTo(newestTime) > 0) {
                        newest = p;
                        newestExecution = execution;
                        newestTime = time;
                    }
                }
            }
        }
        if (newest == null && Files.isRegularFile(config.warehouseFile())) {
            log.warn("[publish] no snapshot in {}: carrying state from {} (an output folder of an older version)",
                    folder, config.warehouseFile());
            return config.warehouseFile();
        }
        return newest;
    }

    private List<String> stageParquet(Connection work, ModelCatalog catalog, Path folder)
            throws SQLException, IOException {
        Files.createDirectories(folder);
        Map<String, String> tables = new LinkedHashMap<>();
        catalog.models().stream().filter(m -> m.layer() == SqlModel.Layer.MARTS)
                .forEach(m -> tables.put(m.name(), orderBy(m)));
        tables.put(QUARANTINE_TABLE, "ALL");
        for (Map.Entry<String, String> table : tables.entrySet()) {
            Path file = folder.resolve(table.getKey() + ".parquet");
            Db.execute(work, "COPY (SELECT * FROM " + table.getKey() + " ORDER BY " + table.getValue() + ") TO "
                    + Sql.literal(file) + " (FORMAT parquet, COMPRESSION zstd)");
        }
        return tables.keySet().stream().map(t -> t + ".parquet").toList();
    }

    private List<String> stageWarehouse(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog,
            Path file) throws SQLException, IOException {
        List<String> tables = new ArrayList<>();
        Db.execute(work, "ATTACH " + Sql.literal(file) + " AS published");
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
        return tables;
    }

    /** Steps 1-4 of the class comment; on failure, rolls back what was switched and rethrows. */
    private void switchIn(JobConfig config, LocalDate date, Path stage, Path snapshot) throws IOException {
        Path target = config.martsFolder(date);
        Path warehouse = config.warehouseFile();
        Path previous = Files.createDirectories(stage.resolve("previous/marts"));
        List<String> previousFiles = Files.isDirectory(target) ? fileNames(target) : null;
        if (previousFiles != null) {
            for (String f : previousFiles) {
                linkOrCopy(target.resolve(f), previous.resolve(f));
            }
        }
        boolean hadWarehouse = Files.exists(warehouse);
        if (hadWarehouse) {
            linkOrCopy(warehouse, stage.resolve("previous/warehouse.duckdb"));
        }
        Properties journal = new Properties();
        journal.setProperty("marts_folder", config.output().relativize(target).toString());
        journal.setProperty("new_folder", String.valueOf(previousFiles == null));
        journal.setProperty("previous_files", previousFiles == null ? "" : String.join("/", previousFiles));
        journal.setProperty("new_files", String.join("/", fileNames(stage.resolve("marts"))));
        journal.setProperty("had_warehouse", String.valueOf(hadWarehouse));
        journal.setProperty("snapshot", config.output().relativize(snapshot).toString());
        journal.setProperty("snapshot_existed", String.valueOf(Files.exists(snapshot)));
        writeJournal(stage, journal);
        try {
            PublishHooks.reached("journal-written");
            Path staged = stage.resolve("marts");
            if (previousFiles == null) {
                Files.createDirectories(target.getParent());
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                List<String> files = fileNames(staged);
                for (int i = 0; i < files.size(); i++) {
                    Files.move(staged.resolve(files.get(i)), target.resolve(files.get(i)),
                            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    if (i == 0) {
                        PublishHooks.reached("parquet-half-switched");
                    }
                }
                for (String old : previousFiles) {
                    if (!files.contains(old)) {
                        Files.deleteIfExists(target.resolve(old)); // a table no longer published
                    }
                }
            }
            PublishHooks.reached("parquet-switched");
            Files.move(stage.resolve("warehouse.duckdb"), warehouse, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            PublishHooks.reached("warehouse-switched");
            Files.createDirectories(snapshot.getParent());
            Files.move(stage.resolve("snapshot.duckdb"), snapshot, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            PublishHooks.reached("snapshot-switched");
        } catch (IOException | RuntimeException e) {
            log.error("[publish] failed while switching the night in ({}); putting back the previous night", e.toString());
            try {
                rollBack(config, stage, journal);
            } catch (IOException | RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
        Files.delete(stage.resolve(JOURNAL)); // the commit point
        deleteRecursively(stage);
    }

    /**
     * Repairs what a publish killed while switching left (its journal is still in the staging
     * folder), then removes the staging folder. If the switch had begun (some Parquet file
     * renamed in), it is finished: the staged night is complete and passed its data tests, and
     * taking back a folder a reader may have just listed would fail that reader; the restart of
     * the night publishes the same content again. If it had not begun, nothing visible changed.
     * Idempotent, so a kill during recovery is repaired by the next. Call it, holding the output
     * lock, before anything else writes to or reads from the output folder in a run.
     */
    public static void recover(JobConfig config) throws IOException {
        Path output = config.output();
        Path stage = output.resolve(STAGING);
        Path journalFile = stage.resolve(JOURNAL);
        removeOldStaging(output);
        if (!Files.exists(journalFile)) {
            deleteRecursively(stage);
            return;
        }
        Properties journal = new Properties();
        try (var in = Files.newBufferedReader(journalFile)) {
            journal.load(in);
        }
        Path target = output.resolve(journal.getProperty("marts_folder"));
        Path staged = stage.resolve("marts");
        List<String> newFiles = List.of(journal.getProperty("new_files").split("/"));
        boolean begun = !Files.isDirectory(staged) || fileNames(staged).size() < newFiles.size();
        if (!begun || Boolean.parseBoolean(journal.getProperty("rolling_back"))) {
            log.warn("[publish] an earlier publish of {} was killed before switching: nothing to repair", target);
            rollBack(config, stage, journal);
            return;
        }
        log.warn("[publish] an earlier publish of {} was killed while switching; finishing the switch", target);
        if (Files.isDirectory(staged)) {
            for (String f : fileNames(staged)) {
                Files.move(staged.resolve(f), target.resolve(f), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (String f : fileNames(target)) {
            if (!newFiles.contains(f)) {
                Files.delete(target.resolve(f));
            }
        }
        if (Files.exists(stage.resolve("warehouse.duckdb"))) {
            Files.move(stage.resolve("warehouse.duckdb"), config.warehouseFile(), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.exists(stage.resolve("snapshot.duckdb"))) {
            Path snapshot = output.resolve(journal.getProperty("snapshot"));
            Files.createDirectories(snapshot.getParent());
            Files.move(stage.resolve("snapshot.duckdb"), snapshot, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(journalFile);
        deleteRecursively(stage);
    }

    /**
     * Puts back the previous night from what was kept aside, after a publish failed while
     * switching. Idempotent (each restore is a rename of what is still kept aside).
     */
    private static void rollBack(JobConfig config, Path stage, Properties journal) throws IOException {
        Path output = config.output();
        Path target = output.resolve(journal.getProperty("marts_folder"));
        log.warn("[publish] putting back the night before the failed publish of {}", target);
        journal.setProperty("rolling_back", "true"); // a kill from here on: recover goes on rolling back
        writeJournal(stage, journal);
        Path previous = stage.resolve("previous/marts");
        if (Boolean.parseBoolean(journal.getProperty("new_folder"))) {
            if (Files.exists(target)) {
                Path discard = stage.resolve("discard");
                deleteRecursively(discard);
                Files.move(target, discard, StandardCopyOption.ATOMIC_MOVE); // disappears whole
            }
        } else {
            List<String> previousFiles = journal.getProperty("previous_files").isEmpty() ? List.of()
                    : List.of(journal.getProperty("previous_files").split("/"));
            for (String f : previousFiles) {
                if (Files.exists(previous.resolve(f))) {
                    Files.move(previous.resolve(f), target.resolve(f), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String f : fileNames(target)) {
                if (!previousFiles.contains(f)) {
                    Files.delete(target.resolve(f)); // a table the failed night added
                }
            }
        }
        Path warehouse = config.warehouseFile();
        Path previousWarehouse = stage.resolve("previous/warehouse.duckdb");
        if (Boolean.parseBoolean(journal.getProperty("had_warehouse"))) {
            if (Files.exists(previousWarehouse)) {
                Files.move(previousWarehouse, warehouse, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } else {
            Files.deleteIfExists(warehouse);
        }
        if (!Boolean.parseBoolean(journal.getProperty("snapshot_existed"))) {
            Files.deleteIfExists(output.resolve(journal.getProperty("snapshot")));
        }
        Files.deleteIfExists(stage.resolve(JOURNAL));
        deleteRecursively(stage);
    }

    /**
     * Leftovers of earlier versions, which staged beside the published files: a date folder
     * moved aside and not back ({@code .business_date=<d>.previous}, put back), its staged
     * replacement ({@code .incoming}, removed), and the warehouse's {@code .incoming}/{@code .link}.
     */
    private static void removeOldStaging(Path output) throws IOException {
        Path marts = output.resolve("marts");
        if (Files.isDirectory(marts)) {
            for (String name : fileNames(marts)) {
                Path p = marts.resolve(name);
                if (name.startsWith(".") && name.endsWith(".previous")) {
                    Path original = marts.resolve(name.substring(1, name.length() - ".previous".length()));
                    if (Files.exists(original)) {
                        deleteRecursively(p);
                    } else {
                        Files.move(p, original, StandardCopyOption.ATOMIC_MOVE);
                    }
                } else if (name.startsWith(".") && name.endsWith(".incoming")) {
                    deleteRecursively(p);
                }
            }
        }
        for (String name : List.of(".warehouse.duckdb.incoming", ".warehouse.duckdb.incoming.wal",
                ".warehouse.duckdb.link")) {
            Files.deleteIfExists(output.resolve(name));
        }
    }

    private static void writeJournal(Path stage, Properties journal) throws IOException {
        Path tmp = stage.resolve(JOURNAL + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            StringWriter text = new StringWriter();
            journal.store(text, "publish in progress: see Publisher.recover");
            channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1)));
            channel.force(true);
        }
        Files.move(tmp, stage.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
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
