package org.crmwarehouse.extract;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts an incremental source: reads only the night's delta (new files of a landing pattern,
 * or rows at or after the last watermark), merges it by the contract key into the job's
 * persistent state ({@code <output>/state/sources.duckdb}, one table per entity holding the
 * current rows as text with their {@code _source} and {@code _line}), applies deletions (a
 * deleted flag column, or files of deleted keys), and records the keys it changed (upserted or
 * deleted) for the business date in {@code _changes}. It then writes {@code raw_<entity>} with
 * only the night's delta: the current rows of the keys changed on this business date. The
 * validate step (validate/IncrementalValidation) re-checks those keys against the contract and
 * keeps the validated state ({@code valid_<entity>}, {@code quarantined_<entity>}) in the same
 * file, so that a night costs the size of its delta rather than the size of the source.
 *
 * <p>The merge, the list of files read and the new watermark are written in one transaction:
 * a night that fails before it commits leaves the state as it was, and a night that is run again
 * after it committed reads no new files and only the rows at the watermark, which replace
 * themselves. So a delta is applied once however often the step runs. {@code run --full}
 * deletes the state, and the next night reads every file and row again.
 */
public final class IncrementalExtractor {
    private static final Logger log = LoggerFactory.getLogger(IncrementalExtractor.class);
    public static final String STATE = "inc_state";
    /** Keys changed per entity and business date (upserted, or deleted); read by the validate step. */
    public static final String CHANGES_DDL = "CREATE TABLE IF NOT EXISTS " + STATE + "._changes (entity VARCHAR, "
            + "_key VARCHAR, business_date DATE, deleted BOOLEAN)";
    private static final String TRUE_FLAGS = "('true', '1', 't', 'yes', 'y')";

    private final SourceExtractor files;

    IncrementalExtractor(SourceExtractor files) {
        this.files = files;
    }

    /** Returns the number of malformed rows in the night's delta. */
    long extract(Connection db, JobConfig config, EntityContract entity, SourceSpec source, LocalDate businessDate)
            throws SQLException {
        long started = System.nanoTime();
        String e = entity.name();
        attach(db, config, entity);
        requireForward(db, config, e, businessDate);
        SourceSpec.Incremental inc = source.incremental();
        String keyText = keyText(entity, "");
        List<String> extras = new ArrayList<>();
        if (inc.watermark() != null) {
            extras.add(inc.watermark());
        }
        if (inc.deleted() != null) {
            extras.add(inc.deleted());
        }
        String delta = "_delta_" + e;
        createDelta(db, entity, delta, extras);
        long malformed = 0;
        List<String> newFiles = new ArrayList<>();
        String watermarkFrom = inc.watermark() == null ? null : Db.queryStrings(db, "SELECT watermark FROM "
                + STATE + "._watermarks WHERE entity = " + Sql.literal(e)).stream().findFirst().orElse(null);

        if (source.isPostgres()) {
            String parsed = "rawfile__" + e;
            new PostgresReader(config.postgres()).read(db, source, parsed, inc.watermark(), watermarkFrom);
            files.shapeRaw(db, entity, parsed, source.label(), "_delta_part", extras, true,
                    "sources." + e + ".query");
            appendDelta(db, delta, 0);
        } else if (inc.newFiles()) {
            int n = 0;
            for (Path file : newFiles(db, e, "data", source.file().path())) {
                FileSpec one = withPath(source.file(), file);
                malformed += files.extractFileInto(db, entity, one, file.getFileName().toString(), "_delta_part", extras);
                appendDelta(db, delta, n++);
                newFiles.add(file.toString());
            }
        } else {
            malformed += files.extractFileInto(db, entity, source.file(), source.label(), "_delta_part", extras);
            appendDelta(db, delta, 0);
        }
        String watermark = inc.watermark() == null ? null : "try_cast(" + Sql.identifier("_x_" + inc.watermark())
                + " AS TIMESTAMP)";
        if (watermark != null && watermarkFrom != null && !source.isPostgres()) {
            // re-reading the rows at the watermark is harmless: they replace themselves
            Db.execute(db, "DELETE FROM " + delta + " WHERE " + watermark + " < TIMESTAMP " + Sql.literal(watermarkFrom));
        }
        String deleted = inc.deleted() == null ? "false"
                : "coalesce(lower(trim(" + Sql.identifier("_x_" + inc.deleted()) + ")) IN " + TRUE_FLAGS + ", false)";
        // the latest version of each key wins: the last file, then the last line
        Db.execute(db, "CREATE OR REPLACE TABLE _delta_keyed AS SELECT " + keyText + " AS _key, " + deleted
                + " AS _deleted, * FROM " + delta + " QUALIFY row_number() OVER (PARTITION BY _key "
                + "ORDER BY _file DESC, _line DESC) = 1");
        // never past the business date: a row stamped later (an as-of replay over a later export, a
        // clock ahead) is read again the next nights, so rows landing later with earlier stamps are
        // not skipped, and the night of its date still reads it
        String newWatermark = watermark == null ? null : Db.queryStrings(db, "SELECT CAST(least(max(" + watermark
                + "), " + org.crmwarehouse.validate.AsOf.endOfBusinessDate(businessDate) + ") AS VARCHAR) FROM " + delta
                + " HAVING max(" + watermark + ") IS NOT NULL").stream().findFirst().orElse(null);

        List<String> deletionFiles = new ArrayList<>();
        List<String> deletionTables = new ArrayList<>();
        if (inc.deletions() != null) {
            for (Path file : newFiles(db, e, "deletions", inc.deletions().path())) {
                String table = "_deletions_" + deletionTables.size();
                files.readFile(db, withPath(inc.deletions(), file), table, e, file.getFileName().toString());
                deletionTables.add(table);
                deletionFiles.add(file.toString());
            }
        }

        List<String> columns = new ArrayList<>(List.of("_key", "_source", "_line"));
        columns.addAll(entity.columnNames());
        long upserted = Db.queryLong(db, "SELECT count(*) FROM _delta_keyed WHERE NOT _deleted");
        long flagged = Db.queryLong(db, "SELECT count(*) FROM _delta_keyed WHERE _deleted");
        // versions of a key replaced by a later version in the same delta: read, never applied
        long superseded = Db.queryLong(db, "SELECT count(*) FROM " + delta) - upserted - flagged;
        long before = Db.queryLong(db, "SELECT count(*) FROM " + STATE + "." + e);
        String night = "DATE " + Sql.literal(businessDate.toString());
        String thisEntity = "entity = " + Sql.literal(e);
        // in the state file: one transaction may write to one database only
        String deletedKeys = STATE + "._deleted_keys";
        Db.execute(db, "CREATE OR REPLACE TABLE " + deletedKeys + " (_key VARCHAR)");
        Db.execute(db, "BEGIN TRANSACTION");
        try {
            Db.execute(db, "DELETE FROM " + STATE + "." + e + " WHERE _key IN (SELECT _key FROM _delta_keyed)");
            Db.execute(db, "INSERT INTO " + STATE + "." + e + " SELECT " + String.join(", ", columns)
                    + " FROM _delta_keyed WHERE NOT _deleted");
            Db.execute(db, "INSERT INTO " + deletedKeys + " SELECT _key FROM _delta_keyed WHERE _deleted");
            for (String table : deletionTables) {
                List<String> keys = Db.columnsOf(db, "SELECT * FROM " + table).stream()
                        .filter(c -> keys(entity).contains(c.trim().toLowerCase(java.util.Locale.ROOT))).toList();
                if (keys.isEmpty()) {
                    throw new ExtractException("sources." + e + ".incremental.deletions: " + table
                            + " has none of the key column(s) " + keys(entity));
                }
                List<String> match = keys.stream().map(k -> "trim(d." + Sql.identifier(k) + ") = trim(s."
                        + k.trim().toLowerCase(java.util.Locale.ROOT) + ")").toList();
                Db.execute(db, "INSERT INTO " + deletedKeys + " SELECT _key FROM " + STATE + "." + e + " s WHERE EXISTS "
                        + "(SELECT 1 FROM " + table + " d WHERE " + String.join(" AND ", match) + ")");
                Db.execute(db, "DELETE FROM " + STATE + "." + e + " s WHERE EXISTS (SELECT 1 FROM " + table
                        + " d WHERE " + String.join(" AND ", match) + ")");
            }
            // the keys changed tonight, for the validate step; a key upserted and deleted counts as deleted
            Db.execute(db, "DELETE FROM " + STATE + "._changes WHERE " + thisEntity + " AND business_date = " + night
                    + " AND _key IN (SELECT _key FROM _delta_keyed UNION SELECT _key FROM " + deletedKeys + ")");
            Db.execute(db, "INSERT INTO " + STATE + "._changes SELECT DISTINCT " + Sql.literal(e) + ", _key, " + night
                    + ", true FROM " + deletedKeys);
            Db.execute(db, "INSERT INTO " + STATE + "._changes SELECT " + Sql.literal(e) + ", _key, " + night
                    + ", false FROM _delta_keyed WHERE NOT _deleted AND _key NOT IN (SELECT _key FROM " + deletedKeys + ")");
            for (String f : newFiles) {
                Db.execute(db, "INSERT INTO " + STATE + "._files VALUES (" + Sql.literal(e) + ", 'data', "
                        + Sql.literal(f) + ", current_timestamp)");
            }
            for (String f : deletionFiles) {
                Db.execute(db, "INSERT INTO " + STATE + "._files VALUES (" + Sql.literal(e) + ", 'deletions', "
                        + Sql.literal(f) + ", current_timestamp)");
            }
            if (newWatermark != null) {
                Db.execute(db, "DELETE FROM " + STATE + "._watermarks WHERE entity = " + Sql.literal(e));
                Db.execute(db, "INSERT INTO " + STATE + "._watermarks VALUES (" + Sql.literal(e) + ", "
                        + Sql.literal(newWatermark) + ", current_timestamp)");
            }
            Db.execute(db, "COMMIT");
        } catch (SQLException | RuntimeException ex) {
            Db.execute(db, "ROLLBACK");
            throw ex;
        }
        List<String> raw = new ArrayList<>(List.of("_source", "_line"));
        raw.addAll(entity.columnNames());
        // the night's delta: current rows of the keys changed on this business date (a rerun of the
        // night, which reads no new file, sees the same delta)
        Db.execute(db, "CREATE OR REPLACE TABLE raw_" + e + " AS SELECT " + String.join(", ", raw) + " FROM "
                + STATE + "." + e + " WHERE _key IN (SELECT _key FROM " + STATE + "._changes WHERE " + thisEntity
                + " AND business_date = " + night + " AND NOT deleted) ORDER BY _source, _line");
        long deltaRows = Db.queryLong(db, "SELECT count(*) FROM raw_" + e);
        long after = Db.queryLong(db, "SELECT count(*) FROM " + STATE + "." + e);
        Db.execute(db, "DROP TABLE " + delta + "; DROP TABLE _delta_keyed; DROP TABLE " + deletedKeys);
        for (String table : deletionTables) {
            Db.execute(db, "DROP TABLE " + table);
        }
        Db.execute(db, "DETACH " + STATE);
        log.info("[extract] {} incremental: {} new file(s), watermark {} -> {}, {} row(s) upserted, {} superseded "
                        + "by a later version in the delta, {} deletion flag(s), {} deletion file(s); delta for {}: {} "
                        + "row(s); state {} -> {} current rows ({} ms)", e, newFiles.size(), watermarkFrom, newWatermark,
                upserted, superseded, flagged, deletionFiles.size(), businessDate, deltaRows, before, after,
                (System.nanoTime() - started) / 1_000_000);
        return malformed;
    }

    /**
     * Incremental nights run forward in date. The state holds every file and row loaded so far, so
     * a night earlier than one it already holds would be built from later data, and its marts
     * would count rows dated after it without a word: refused before the source is read.
     */
    private static void requireForward(Connection db, JobConfig config, String entity, LocalDate businessDate)
            throws SQLException {
        List<String> nights = new ArrayList<>(List.of("SELECT max(business_date) AS d FROM " + STATE + "._changes"));
        // _validated is the validate step's (validate/IncrementalValidation): absent until a night is validated
        if (Db.tableExists(db, STATE, "_validated")) {
            nights.add("SELECT max(business_date) FROM " + STATE + "._validated");
        }
        String latest = Db.queryStrings(db, "SELECT max(d)::VARCHAR FROM (" + String.join(" UNION ALL ", nights)
                + ")").get(0);
        if (latest != null && LocalDate.parse(latest).isAfter(businessDate)) {
            throw new ExtractException("sources." + entity + " is incremental, and its state "
                    + config.stateFolder().resolve("sources.duckdb") + " already holds the night of " + latest
                    + "; the night of " + businessDate + " is earlier. Incremental nights run forward in date: an "
                    + "earlier night would be built from the later files and rows. Read that night's kept snapshot "
                    + "under " + config.snapshotsFolder() + ", or rebuild it with run --full from input as it was "
                    + "on that date, into another output folder.");
        }
    }

    private static List<String> keys(EntityContract entity) {
        return entity.keyColumns().stream().map(c -> c.name()).toList();
    }

    private void attach(Connection db, JobConfig config, EntityContract entity) throws SQLException {
        Path file = config.stateFolder().resolve("sources.duckdb");
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException ex) {
            throw new ExtractException("cannot create " + file.getParent() + ": " + ex.getMessage(), ex);
        }
        if (Db.queryLong(db, "SELECT count(*) FROM duckdb_databases() WHERE database_name = " + Sql.literal(STATE)) == 0) {
            Db.execute(db, "ATTACH " + Sql.literal(file.toAbsolutePath().toString()) + " AS " + STATE);
        }
        Db.execute(db, "CREATE TABLE IF NOT EXISTS " + STATE + "._watermarks (entity VARCHAR, watermark VARCHAR, "
                + "loaded_at TIMESTAMP)");
        Db.execute(db, "CREATE TABLE IF NOT EXISTS " + STATE + "._files (entity VARCHAR, kind VARCHAR, path VARCHAR, "
                + "loaded_at TIMESTAMP)");
        Db.execute(db, CHANGES_DDL);
        List<String> columns = new ArrayList<>(List.of("_key VARCHAR", "_source VARCHAR", "_line BIGINT"));
        entity.columnNames().forEach(c -> columns.add(c + " VARCHAR"));
        Db.execute(db, "CREATE TABLE IF NOT EXISTS " + STATE + "." + entity.name() + " (" + String.join(", ", columns)
                + ")");
    }

    private static void createDelta(Connection db, EntityContract entity, String delta, List<String> extras)
            throws SQLException {
        List<String> columns = new ArrayList<>(List.of("_file INTEGER", "_source VARCHAR", "_line BIGINT"));
        entity.columnNames().forEach(c -> columns.add(c + " VARCHAR"));
        extras.forEach(x -> columns.add(Sql.identifier("_x_" + x) + " VARCHAR"));
        Db.execute(db, "CREATE OR REPLACE TABLE " + delta + " (" + String.join(", ", columns) + ")");
    }

    private static void appendDelta(Connection db, String delta, int file) throws SQLException {
        Db.execute(db, "INSERT INTO " + delta + " BY NAME SELECT " + file + " AS _file, * FROM _delta_part; "
                + "DROP TABLE _delta_part");
    }

    /** The contract key as one text value; a row without a full key keeps its own (file, line) identity. */
    static String keyText(EntityContract entity, String alias) {
        List<String> parts = keys(entity).stream().map(k -> "trim(" + alias + k + ")").toList();
        String nullCheck = String.join(" OR ", keys(entity).stream().map(k -> alias + k + " IS NULL").toList());
        return "CASE WHEN " + nullCheck + " THEN chr(0) || " + alias + "_source || ':' || " + alias
                + "_line ELSE " + String.join(" || chr(31) || ", parts) + " END";
    }

    /** Files matching the pattern not yet read for this entity and kind, in name order. */
    private static List<Path> newFiles(Connection db, String entity, String kind, Path pattern) throws SQLException {
        Path folder = pattern.getParent();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
        List<String> done = Db.queryStrings(db, "SELECT path FROM " + STATE + "._files WHERE entity = "
                + Sql.literal(entity) + " AND kind = " + Sql.literal(kind));
        if (!Files.isDirectory(folder)) {
            throw new ExtractException("landing folder not found: " + folder);
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> Files.isRegularFile(p) && matcher.matches(p.getFileName()))
                    .filter(p -> !done.contains(p.toString())).sorted().toList();
        } catch (IOException ex) {
            throw new ExtractException("cannot list " + folder + ": " + ex.getMessage(), ex);
        }
    }

    private static FileSpec withPath(FileSpec spec, Path path) {
        return new FileSpec(path, spec.format(), spec.delimiter(), spec.header(), spec.columns(), spec.encoding(),
                spec.quote(), spec.dateFormat(), spec.timestampFormat());
    }
}
