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
 * The publish step. Writes the night's mart tables (and the quarantine) as Parquet, one folder per
 * table and a Hive-style folder per night, {@code marts/<table>/business_date=<date>/<table>.parquet},
 * so one glob or one Spark/Trino table per mart covers every kept night with business_date as a
 * column (the partition column is not repeated inside the file, as Spark and Trino expect: a
 * table's own business_date column, always the night's date, is left out of its file and
 * comes back from the folder name); and the warehouse DuckDB file (staging and mart tables,
 * quarantine, with table and column comments from the data dictionary). Rows are written sorted
 * (on each table's unique key, see {@link #orderBy}), so the same input gives the same files.
 *
 * <p>How readers stay safe. Everything is first built in {@code <output>/.publishing/}, outside
 * {@code marts/}, so no glob over the published tree ever sees a partial or temporary file. Then
 * it is switched in by renames on the same file system:
 * <ol>
 *   <li>the current state is kept aside (hard links, so free: the date's Parquet files of every
 *       table and {@code warehouse.duckdb}), and a journal saying what is being switched is written;</li>
 *   <li>Parquet, table by table: a new date's folder of a table appears whole by one rename of
 *       the staged folder; a rerun of a date replaces the table's file by one atomic rename, so
 *       the folder and the file are always there, old or new, never missing or partial; the
 *       date folder of a table no longer published is moved out whole;</li>
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
 * the new night's Parquet with the previous warehouse, and during step 2 a reader that reads
 * several tables can get some of the new night and some of the old (or none yet, for a new date). A reader that
 * must match the two checks {@code warehouse_info.business_date}. And a rerun's rename of a
 * file is atomic for the path, but DuckDB opens the path twice per query (footer, then row
 * groups), so a query straddling that rename fails with a read error and must be retried; no
 * path-based layout avoids that without a table format's manifest.
 *
 * <p>Snapshots: each night's warehouse file is kept as
 * {@code snapshots/<business_date>-<execution>.duckdb}, a copy of {@code warehouse.duckdb}
 * (a file of its own, so a writer through one cannot change the other). Only the newest
 * snapshot of a business date is kept, and only the {@code keep_snapshots} latest business
 * dates (default 7; the night just published always stays). The Parquet date folders
 * {@code marts/<table>/business_date=<d>/} are pruned with them: the dates kept are the dates
 * of the snapshots kept (each folder is moved out whole, then deleted).
 *
 * <p>An output folder of an earlier version ({@code marts/business_date=<d>/<table>.parquet}) is
 * moved to this layout by {@link #recover}, file by file (renames), on the first night.
 */
public final class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    public static final String QUARANTINE_TABLE = "quarantine";

    private static final Pattern SNAPSHOT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.duckdb");

    /** The staging folder, inside the output folder (same file system, so renames are atomic). */
    static final String STAGING = ".publishing";
    /** The Hive partition column of the Parquet marts: the folder name, not a column in the files. */
    public static final String PARTITION_COLUMN = "business_date";
    private static final String JOURNAL = "journal.properties";

    public record Published(Path warehouse, Path snapshot, Path martsFolder, List<String> tables,
            List<String> parquetFiles) {
    }

    public Published publish(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog)
            throws SQLException, IOException {
        return publish(work, config, date, catalog, 0);
    }

    /**
     * Writes the night's Parquet into the staging folder: for every table of {@link #parquetTables},
     * {@code folder/<table>/<table>.parquet} without the business_date column, rows in the given
     * order; returns the files written, relative to {@code folder}.
     */
    @FunctionalInterface
    public interface ParquetStager {
        List<String> stage(Map<String, List<String>> tables, Path folder, LocalDate date) throws SQLException, IOException;
    }

    /**
     * The tables published as Parquet (the marts and the quarantine), each with its sort order:
     * its unique key's columns, or an empty list for all columns in order (the quarantine).
     */
    public static Map<String, List<String>> parquetTables(ModelCatalog catalog) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        catalog.models().stream().filter(m -> m.layer() == SqlModel.Layer.MARTS)
                .forEach(m -> tables.put(m.name(), m.doc() == null ? List.of() : m.doc().uniqueKey()));
        tables.put(QUARANTINE_TABLE, List.of());
        return tables;
    }

    /** Publishes the night; {@code executionId} (the job execution) names the warehouse snapshot. */
    public Published publish(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog,
            long executionId) throws SQLException, IOException {
        return publish(work, config, date, catalog, executionId, (tables, folder, d) -> stageParquet(work, tables,
                folder, d));
    }

    /**
     * Publishes the night with its Parquet written by {@code parquet} (the Spark night's writes it
     * with Spark) and the warehouse file copied from the tables {@code work} sees.
     */
    public Published publish(Connection work, JobConfig config, LocalDate date, ModelCatalog catalog,
            long executionId, ParquetStager parquetStager) throws SQLException, IOException {
        Files.createDirectories(config.output());
        recover(config);
        Path stage = config.output().resolve(STAGING);
        Files.createDirectories(stage);
        Path snapshot = config.snapshotsFolder().resolve(date + "-" + executionId + ".duckdb");
        List<String> parquet;
        List<String> tables;
        try {
            Files.createDirectories(stage.resolve("marts"));
            parquet = parquetStager.stage(parquetTables(catalog), stage.resolve("marts"), date);
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
        pruneParquet(config);
        if (config.publishPostgres() != null) { // after the night is committed here: see PostgresPublisher
            new PostgresPublisher(config.publishPostgres()).publish(work, PostgresPublisher.tables(config, date, catalog),
                    config.workFolder(date).resolve("postgres-publish"));
        }
        log.info("[publish] {} Parquet files in {}, {} tables in {} (snapshot {})", parquet.size(),
                config.martsFolder().resolve("*").resolve(JobConfig.datePartition(date)), tables.size(),
                config.warehouseFile(), snapshot.getFileName());
        return new Published(config.warehouseFile(), snapshot, config.martsFolder(), tables, parquet);
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

    /**
     * Stages each table as {@code folder/<table>/<table>.parquet}. A table's business_date column
     * is the partition column, so it is left out of the file; it must hold the night's date on
     * every row (checked: otherwise the folder name would change the data).
     */
    private List<String> stageParquet(Connection work, Map<String, List<String>> tables, Path folder, LocalDate date)
            throws SQLException, IOException {
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, List<String>> table : tables.entrySet()) {
            String name = table.getKey();
            Path file = Files.createDirectories(folder.resolve(name)).resolve(name + ".parquet");
            String select = "*";
            if (Db.queryLong(work, "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database()"
                    + " AND schema_name = 'main' AND table_name = " + Sql.literal(name) + " AND column_name = "
                    + Sql.literal(PARTITION_COLUMN)) > 0) {
                long other = Db.queryLong(work, "SELECT count(*) FROM " + name + " WHERE " + PARTITION_COLUMN
                        + " IS DISTINCT FROM DATE " + Sql.literal(date.toString()));
                if (other > 0) {
                    throw new IllegalStateException(name + " has " + other + " rows whose " + PARTITION_COLUMN
                            + " is not the night's " + date + ": its Parquet folder business_date=" + date
                            + " would misdate them");
                }
                select = "* EXCLUDE (" + PARTITION_COLUMN + ")";
            }
            String order = table.getValue().isEmpty() ? "ALL"
                    : table.getValue().stream().map(Sql::identifier).collect(Collectors.joining(", "));
            Db.execute(work, "COPY (SELECT " + select + " FROM " + name + " ORDER BY " + order + ") TO "
                    + Sql.literal(file) + " (FORMAT parquet, COMPRESSION zstd)");
            files.add(name + "/" + name + ".parquet");
        }
        return files;
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
        Path marts = config.martsFolder();
        Path warehouse = config.warehouseFile();
        Path previous = Files.createDirectories(stage.resolve("previous/marts"));
        String partition = JobConfig.datePartition(date);
        Properties journal = new Properties();
        journal.setProperty("partition", partition);
        List<String> tables = fileNames(stage.resolve("marts"));
        journal.setProperty("tables", String.join("/", tables));
        for (String table : tableFolders(marts)) {
            Path target = marts.resolve(table).resolve(partition);
            if (Files.isDirectory(target)) {
                List<String> files = fileNames(target);
                Files.createDirectories(previous.resolve(table));
                for (String f : files) {
                    linkOrCopy(target.resolve(f), previous.resolve(table).resolve(f));
                }
                journal.setProperty("previous." + table, String.join("/", files));
            }
        }
        boolean hadWarehouse = Files.exists(warehouse);
        if (hadWarehouse) {
            linkOrCopy(warehouse, stage.resolve("previous/warehouse.duckdb"));
        }
        journal.setProperty("had_warehouse", String.valueOf(hadWarehouse));
        journal.setProperty("snapshot", config.output().relativize(snapshot).toString());
        journal.setProperty("snapshot_existed", String.valueOf(Files.exists(snapshot)));
        writeJournal(stage, journal);
        try {
            PublishHooks.reached("journal-written");
            switchParquet(config, stage, journal);
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
     * Step 2, table by table: a table's new date folder appears whole by one rename, a rerun's
     * file replaces the old one by one rename, the date folder of a table no longer published is
     * moved out whole. Idempotent (what is already switched is skipped), so {@link #recover} uses
     * it to finish a switch a kill interrupted.
     */
    private static void switchParquet(JobConfig config, Path stage, Properties journal) throws IOException {
        Path marts = config.martsFolder();
        String partition = journal.getProperty("partition");
        List<String> tables = names(journal.getProperty("tables"));
        for (int i = 0; i < tables.size(); i++) {
            String table = tables.get(i);
            Path staged = stage.resolve("marts").resolve(table);
            Path target = marts.resolve(table).resolve(partition);
            if (Files.isDirectory(staged)) {
                if (!Files.exists(target)) {
                    Files.createDirectories(target.getParent());
                    Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    for (String f : fileNames(staged)) {
                        Files.move(staged.resolve(f), target.resolve(f), StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.delete(staged);
                }
            }
            for (String f : Files.isDirectory(target) ? fileNames(target) : List.<String>of()) {
                if (!f.equals(table + ".parquet")) {
                    Files.delete(target.resolve(f)); // a file of an earlier version's naming
                }
            }
            if (i == 0) {
                PublishHooks.reached("parquet-half-switched");
            }
        }
        for (String table : previousTables(journal)) {
            Path target = marts.resolve(table).resolve(partition);
            if (!tables.contains(table) && Files.exists(target)) { // a table no longer published
                Path dropped = stage.resolve("dropped").resolve(table);
                Files.createDirectories(dropped.getParent());
                deleteRecursively(dropped);
                Files.move(target, dropped, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /**
     * Repairs what a publish killed while switching left (its journal is still in the staging
     * folder), then removes the staging folder. If the switch had begun (some Parquet file
     * renamed in), it is finished: the staged night is complete and passed its data tests, and
     * taking back a folder a reader may have just listed would fail that reader; the restart of
     * the night publishes the same content again. If it had not begun, nothing visible changed.
     * Then an output folder in the layout of earlier versions is moved to the per-table layout.
     * Idempotent, so a kill during recovery is repaired by the next. Call it, holding the output
     * lock, before anything else writes to or reads from the output folder in a run.
     */
    public static void recover(JobConfig config) throws IOException {
        Path output = config.output();
        Path stage = output.resolve(STAGING);
        Path journalFile = stage.resolve(JOURNAL);
        removeOldStaging(output);
        if (Files.exists(journalFile)) {
            Properties journal = new Properties();
            try (var in = Files.newBufferedReader(journalFile)) {
                journal.load(in);
            }
            if (journal.getProperty("partition") == null) {
                throw new IllegalStateException(journalFile + " was left by a publish of an earlier version that was"
                        + " killed; this version cannot finish it. Delete " + stage + " and run the same night again"
                        + " (its restart publishes it whole)");
            }
            finishOrRollBack(config, stage, journal);
        }
        migrateDateFirstLayout(config);
        deleteRecursively(stage);
    }

    private static void finishOrRollBack(JobConfig config, Path stage, Properties journal) throws IOException {
        Path staged = stage.resolve("marts");
        boolean begun = false;
        for (String table : names(journal.getProperty("tables"))) {
            begun |= !Files.exists(staged.resolve(table).resolve(table + ".parquet"));
        }
        if (!begun || Boolean.parseBoolean(journal.getProperty("rolling_back"))) {
            log.warn("[publish] an earlier publish of {} was killed before switching: nothing to repair",
                    journal.getProperty("partition"));
            rollBack(config, stage, journal);
            return;
        }
        log.warn("[publish] an earlier publish of {} was killed while switching; finishing the switch",
                journal.getProperty("partition"));
        switchParquet(config, stage, journal);
        if (Files.exists(stage.resolve("warehouse.duckdb"))) {
            Files.move(stage.resolve("warehouse.duckdb"), config.warehouseFile(), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.exists(stage.resolve("snapshot.duckdb"))) {
            Path snapshot = config.output().resolve(journal.getProperty("snapshot"));
            Files.createDirectories(snapshot.getParent());
            Files.move(stage.resolve("snapshot.duckdb"), snapshot, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.delete(stage.resolve(JOURNAL));
    }

    /**
     * Puts back the previous night from what was kept aside, after a publish failed while
     * switching. Idempotent (each restore is a rename of what is still kept aside).
     */
    private static void rollBack(JobConfig config, Path stage, Properties journal) throws IOException {
        Path output = config.output();
        Path marts = config.martsFolder();
        String partition = journal.getProperty("partition");
        log.warn("[publish] putting back the night before the failed publish of {}", partition);
        journal.setProperty("rolling_back", "true"); // a kill from here on: recover goes on rolling back
        writeJournal(stage, journal);
        Path previous = stage.resolve("previous/marts");
        List<String> previousTables = previousTables(journal);
        for (String table : names(journal.getProperty("tables"))) {
            Path target = marts.resolve(table).resolve(partition);
            if (previousTables.contains(table)) {
                List<String> previousFiles = names(journal.getProperty("previous." + table));
                for (String f : previousFiles) {
                    if (Files.exists(previous.resolve(table).resolve(f))) {
                        Files.move(previous.resolve(table).resolve(f), target.resolve(f),
                                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                for (String f : fileNames(target)) {
                    if (!previousFiles.contains(f)) {
                        Files.delete(target.resolve(f));
                    }
                }
            } else if (Files.exists(target)) {
                Path discard = stage.resolve("discard").resolve(table);
                Files.createDirectories(discard.getParent());
                deleteRecursively(discard);
                Files.move(target, discard, StandardCopyOption.ATOMIC_MOVE); // disappears whole
                try (Stream<Path> left = Files.list(target.getParent())) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(target.getParent()); // a table first published by the failed night
                    }
                }
            }
        }
        for (String table : previousTables) {
            Path target = marts.resolve(table).resolve(partition);
            if (!Files.exists(target) && Files.isDirectory(previous.resolve(table))) {
                Files.move(previous.resolve(table), target, StandardCopyOption.ATOMIC_MOVE); // a dropped table back
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
     * Moves an output folder of the layout before issue 17 ({@code marts/business_date=<d>/<table>.parquet},
     * every table of a night side by side) to {@code marts/<table>/business_date=<d>/<table>.parquet}.
     * A file holding a business_date column is rewritten without it (it is the partition column
     * now); the others are moved by a rename. Each new file appears by a rename and the old one
     * is deleted after it, so a kill leaves no file lost, and the next run carries on.
     */
    static void migrateDateFirstLayout(JobConfig config) throws IOException {
        Path marts = config.martsFolder();
        if (!Files.isDirectory(marts)) {
            return;
        }
        List<String> old = fileNames(marts).stream().filter(n -> n.startsWith(JobConfig.PARTITION_PREFIX)).toList();
        if (old.isEmpty()) {
            return;
        }
        log.warn("[publish] moving {} night(s) of Parquet in {} to the per-table layout <table>/business_date=<date>/",
                old.size(), marts);
        Path work = Files.createDirectories(config.output().resolve(STAGING).resolve("migrate"));
        try (Connection db = Db.inMemory()) {
            for (String partition : old) {
                Path folder = marts.resolve(partition);
                for (String f : fileNames(folder)) {
                    String table = f.endsWith(".parquet") ? f.substring(0, f.length() - ".parquet".length()) : null;
                    Path from = folder.resolve(f);
                    if (table == null) {
                        Files.delete(from);
                        continue;
                    }
                    Path to = marts.resolve(table).resolve(partition).resolve(f);
                    if (!Files.exists(to)) {
                        Files.createDirectories(to.getParent());
                        boolean dated = Db.queryLong(db, "SELECT count(*) FROM parquet_schema(" + Sql.literal(from)
                                + ") WHERE name = " + Sql.literal(PARTITION_COLUMN)) > 0;
                        if (dated) {
                            Path rewritten = work.resolve(f);
                            Db.execute(db, "COPY (SELECT * EXCLUDE (" + PARTITION_COLUMN + ") FROM read_parquet("
                                    + Sql.literal(from) + ", hive_partitioning = false)) TO " + Sql.literal(rewritten)
                                    + " (FORMAT parquet, COMPRESSION zstd)");
                            Files.move(rewritten, to, StandardCopyOption.ATOMIC_MOVE);
                        } else {
                            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                        }
                    }
                    Files.deleteIfExists(from);
                }
                Files.delete(folder);
            }
        } catch (SQLException e) {
            throw new IOException("could not move the Parquet of " + marts + " to the per-table layout: "
                    + e.getMessage(), e);
        }
        deleteRecursively(work);
    }

    /**
     * Keeps the Parquet date folders of the nights whose snapshots are kept (see
     * {@link #pruneSnapshots}); each other date folder is moved out of {@code marts/} whole, then
     * deleted, so a reader sees a night whole or not at all.
     */
    static void pruneParquet(JobConfig config) throws IOException {
        Path marts = config.martsFolder();
        java.util.Set<String> kept = new java.util.HashSet<>();
        try (Stream<Path> list = Files.list(config.snapshotsFolder())) {
            list.map(p -> SNAPSHOT.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .forEach(m -> kept.add(JobConfig.PARTITION_PREFIX + m.group(1)));
        }
        Path bin = config.output().resolve(STAGING).resolve("pruned");
        List<String> pruned = new ArrayList<>();
        for (String table : tableFolders(marts)) {
            for (String partition : fileNames(marts.resolve(table))) {
                if (partition.startsWith(JobConfig.PARTITION_PREFIX) && !kept.contains(partition)) {
                    Files.createDirectories(bin.resolve(table));
                    Files.move(marts.resolve(table).resolve(partition), bin.resolve(table).resolve(partition),
                            StandardCopyOption.ATOMIC_MOVE);
                    pruned.add(table + "/" + partition);
                }
            }
        }
        deleteRecursively(bin);
        if (!pruned.isEmpty()) {
            log.info("[publish] pruned {} Parquet date folder(s) of the nights whose snapshots were pruned", pruned.size());
        }
    }

    /** The per-table folders of {@code marts/} (its subfolders; none is hidden). */
    private static List<String> tableFolders(Path marts) throws IOException {
        if (!Files.isDirectory(marts)) {
            return List.of();
        }
        List<String> tables = new ArrayList<>();
        for (String name : fileNames(marts)) {
            if (!name.startsWith(".") && !name.startsWith(JobConfig.PARTITION_PREFIX)
                    && Files.isDirectory(marts.resolve(name))) {
                tables.add(name);
            }
        }
        return tables;
    }

    private static List<String> previousTables(Properties journal) {
        return journal.stringPropertyNames().stream().filter(k -> k.startsWith("previous."))
                .map(k -> k.substring("previous.".length())).sorted().toList();
    }

    private static List<String> names(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split("/"));
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

    public static void deleteRecursively(Path path) throws IOException {
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
