package org.crmwarehouse.extract;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.SourceSpec;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extract step: reads every source into {@code raw_<entity>}, a table of the contract's
 * columns as text plus {@code _source} and {@code _line}, so validation sees exactly what the file
 * held. Rows the file reader cannot split go to {@code extract_rejects} with their line and text.
 * Raw files used by mappings are read into {@code rawfile_<name>} the same way.
 */
public final class SourceExtractor {
    private static final Logger log = LoggerFactory.getLogger(SourceExtractor.class);

    /** Columns of contract-shaped sources that are not the entity's: not loaded, listed in the run report. */
    public static final String UNKNOWN_COLUMNS = "extract_unknown_columns";

    private final Contract contract;
    /** Where CSV files in a charset DuckDB cannot read are transcoded to UTF-8 (the night's work folder). */
    private Path transcodeFolder;

    public SourceExtractor(Contract contract) {
        this.contract = contract;
    }

    public List<ExtractAudit> extract(Connection db, JobConfig config) throws SQLException {
        return extract(db, config, config.businessDate() != null ? config.businessDate() : java.time.LocalDate.now());
    }

    /** The business date names the night's delta of incremental sources (their changed keys). */
    public List<ExtractAudit> extract(Connection db, JobConfig config, java.time.LocalDate businessDate)
            throws SQLException {
        transcodeFolder = config.workFolder(businessDate).resolve("transcoded");
        Db.execute(db, "CREATE OR REPLACE TABLE extract_rejects (entity VARCHAR, source VARCHAR, line BIGINT, "
                + "column_name VARCHAR, reason_code VARCHAR, value VARCHAR, detail VARCHAR, raw_text VARCHAR)");
        Db.execute(db, "CREATE OR REPLACE TABLE " + UNKNOWN_COLUMNS + " (entity VARCHAR, source VARCHAR, "
                + "column_name VARCHAR)");
        // mappings may read the night's date (a snapshot export's "as of" date): one row, one column
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE " + org.crmwarehouse.config.SourceSpec.MAPPING_BUSINESS_DATE + " AS SELECT DATE "
                + Sql.literal(businessDate.toString()) + " AS business_date");
        LineNumbering.createTables(db);
        List<ExtractAudit> audits = new ArrayList<>();
        for (Map.Entry<String, FileSpec> raw : config.raw().entrySet()) {
            String table = "rawfile_" + raw.getKey();
            String label = "raw:" + raw.getKey();
            long started = System.nanoTime();
            FileCounts counts = readFile(db, raw.getValue(), table, label, label);
            audits.add(new ExtractAudit(label, raw.getValue().path().getFileName().toString(),
                    counts.rows() + counts.malformed(), counts.malformed()));
            log.info("[extract] raw file {}: {} rows, {} malformed ({} ms)", raw.getKey(), counts.rows(),
                    counts.malformed(), (System.nanoTime() - started) / 1_000_000);
        }
        for (EntityContract entity : contract.entities()) {
            SourceSpec source = config.sources().get(entity.name());
            long started = System.nanoTime();
            if (source == null) {
                createEmptyRaw(db, entity);
                continue;
            }
            long malformed = source.isIncremental()
                    ? new IncrementalExtractor(this).extract(db, config, entity, source, businessDate)
                    : source.isPostgres()
                    ? extractPostgres(db, config, entity, source)
                    : source.isMapped()
                    ? extractMapped(db, entity, source)
                    : extractFile(db, entity, source);
            long rows = Db.queryLong(db, "SELECT count(*) FROM raw_" + entity.name());
            audits.add(new ExtractAudit(entity.name(), source.label(), rows + malformed, malformed));
            log.info("[extract] {} from {}: {} rows read, {} malformed ({} ms)", entity.name(), source.label(),
                    rows + malformed, malformed, (System.nanoTime() - started) / 1_000_000);
        }
        return audits;
    }

    private long extractFile(Connection db, EntityContract entity, SourceSpec source) throws SQLException {
        return extractFileInto(db, entity, source.file(), source.label(), "raw_" + entity.name(), List.of());
    }

    private long extractPostgres(Connection db, JobConfig config, EntityContract entity, SourceSpec source)
            throws SQLException {
        String parsed = "rawfile__" + entity.name();
        new PostgresReader(config.postgres()).read(db, source, parsed, null, null);
        shapeRaw(db, entity, parsed, source.label(), "raw_" + entity.name(), List.of(), true, "sources."
                + entity.name() + ".query");
        return 0;
    }

    /**
     * Reads one file straight into {@code target}: {@code _line}, {@code _source} (the label), the
     * entity's columns as text, then the {@code extras} (columns outside the contract, such as a
     * watermark or a deleted flag, as {@code _x_<name>}; NULL when the file lacks them). Returns
     * the number of malformed rows.
     */
    long extractFileInto(Connection db, EntityContract entity, FileSpec file, String label, String target,
            List<String> extras) throws SQLException {
        ContractProjection projection = new ContractProjection(entity, label, extras, file.path().toString());
        FileCounts counts = readFile(db, file, target, entity.name(), label, projection);
        projection.recordUnknown(db);
        if (counts == null) { // an empty file: no header, no rows
            Db.execute(db, "CREATE OR REPLACE TABLE " + target + " AS SELECT NULL::BIGINT AS _line, "
                    + String.join(", ", projection.select(List.of())) + " WHERE false");
            return 0;
        }
        projection.checkRequired(counts.rows() + counts.malformed() > 0, file.path().toString());
        return counts.malformed();
    }

    /** Turns a parsed table ({@code _line} + columns named as the contract's) into the raw shape. */
    void shapeRaw(Connection db, EntityContract entity, String parsed, String label, String target,
            List<String> extras, boolean checkRequired, String where) throws SQLException {
        ContractProjection projection = new ContractProjection(entity, label, extras, where);
        List<String> select = projection.select(Db.columnsOf(db, "SELECT * FROM " + parsed));
        projection.checkRequired(checkRequired, where);
        projection.recordUnknown(db);
        Db.execute(db, "CREATE OR REPLACE TABLE " + target + " AS SELECT _line, " + String.join(", ", select)
                + " FROM " + parsed);
        Db.execute(db, "DROP TABLE " + parsed);
    }

    /**
     * Maps a file's columns onto an entity's (case-insensitively; absent optional columns are
     * NULL) and remembers which required ones were missing. A column that is not the entity's but
     * is a near miss of one the file lacks ({@code unit_cots}) is an error, since loading it as an
     * extra would leave the contract column silently NULL; other columns are remembered as unknown.
     */
    private static final class ContractProjection implements Projection {
        private static final org.apache.commons.text.similarity.LevenshteinDistance DISTANCE =
                org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();

        private final EntityContract entity;
        private final String label;
        private final List<String> extras;
        private final String where;
        private final List<String> present = new ArrayList<>();
        private final List<String> missingRequired = new ArrayList<>();
        private final List<String> unknown = new ArrayList<>();

        ContractProjection(EntityContract entity, String label, List<String> extras, String where) {
            this.entity = entity;
            this.label = label;
            this.extras = extras;
            this.where = where;
        }

        @Override
        public List<String> select(List<String> fileColumns) {
            present.addAll(fileColumns);
            checkUnknown(fileColumns);
            Map<String, String> byLowerName = new LinkedHashMap<>();
            fileColumns.forEach(c -> byLowerName.putIfAbsent(c.trim().toLowerCase(Locale.ROOT), c));
            List<String> select = new ArrayList<>();
            select.add(Sql.literal(label) + " AS _source");
            for (var column : entity.columns()) {
                String actual = byLowerName.get(column.name());
                if (actual == null && column.required()) {
                    missingRequired.add(column.name());
                }
                select.add((actual == null ? "NULL" : Sql.identifier(actual)) + "::VARCHAR AS " + column.name());
            }
            for (String extra : extras) {
                String actual = byLowerName.get(extra.toLowerCase(Locale.ROOT));
                select.add((actual == null ? "NULL" : Sql.identifier(actual)) + "::VARCHAR AS "
                        + Sql.identifier("_x_" + extra));
            }
            return select;
        }

        private void checkUnknown(List<String> fileColumns) {
            List<String> lowerNames = fileColumns.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
            for (String column : fileColumns) {
                String lower = column.trim().toLowerCase(Locale.ROOT);
                if (entity.column(lower).isPresent() || lower.equals("_line")
                        || extras.stream().anyMatch(x -> x.equalsIgnoreCase(lower))) {
                    continue;
                }
                String near = nearMiss(lower.replaceAll("[\\s-]+", "_"), lowerNames);
                if (near != null) {
                    throw new ExtractException(where + ": header '" + column + "' is not a column of entity "
                            + entity.name() + "; did you mean " + near + "?");
                }
                unknown.add(column);
            }
        }

        /**
         * The entity's column the file lacks that is closest to the name, within 1 edit for names
         * of up to 4 characters and 2 beyond (a swapped pair counts 2: unit_cots, dicsount).
         */
        private String nearMiss(String name, List<String> fileNames) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String candidate : entity.columnNames()) {
                if (fileNames.contains(candidate)) {
                    continue; // the file has it: this one is a genuine extra column
                }
                int limit = Math.min(name.length(), candidate.length()) <= 4 ? 1 : 2;
                int d = DISTANCE.apply(name, candidate);
                if (d <= limit && d < bestDistance) {
                    best = candidate;
                    bestDistance = d;
                }
            }
            return best;
        }

        void recordUnknown(Connection db) throws SQLException {
            if (unknown.isEmpty()) {
                return;
            }
            Db.execute(db, "CREATE TABLE IF NOT EXISTS " + UNKNOWN_COLUMNS + " (entity VARCHAR, source VARCHAR, "
                    + "column_name VARCHAR)");
            for (String column : unknown) {
                Db.execute(db, "INSERT INTO " + UNKNOWN_COLUMNS + " VALUES (" + Sql.literal(entity.name()) + ", "
                        + Sql.literal(label) + ", " + Sql.literal(column) + ")");
            }
        }

        void checkRequired(boolean hasRows, String where) {
            if (!missingRequired.isEmpty() && hasRows) {
                throw new ExtractException(where + ": the header lacks required column(s) " + missingRequired
                        + " of entity " + entity.name() + "; the file's columns are " + present);
            }
        }
    }

    /** The select list that turns a file's columns into the target table's (besides {@code _line}). */
    @FunctionalInterface
    private interface Projection {
        List<String> select(List<String> fileColumns);

        Projection ALL_COLUMNS = columns -> columns.stream().map(Sql::identifier).toList();
    }

    private long extractMapped(Connection db, EntityContract entity, SourceSpec source) throws SQLException {
        String query = "SELECT * FROM (\n" + source.mapping() + "\n)";
        List<String> produced;
        try {
            produced = Db.columnsOf(db, query);
        } catch (SQLException e) {
            throw new ExtractException("sources." + entity.name() + ".mapping does not run: " + firstLine(e), e);
        }
        List<String> unknown = produced.stream()
                .filter(c -> !c.equals("_line") && entity.column(c).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            throw new ExtractException("sources." + entity.name() + ".mapping returns column(s) " + unknown
                    + " that entity " + entity.name() + " does not have; its columns are " + entity.columnNames());
        }
        List<String> missingRequired = entity.columns().stream()
                .filter(c -> c.required() && !produced.contains(c.name())).map(c -> c.name()).toList();
        if (!missingRequired.isEmpty()) {
            throw new ExtractException("sources." + entity.name() + ".mapping must return required column(s) "
                    + missingRequired);
        }
        List<String> select = new ArrayList<>();
        select.add(Sql.literal(source.label()) + " AS _source");
        select.add(produced.contains("_line") ? "_line::BIGINT AS _line" : "row_number() OVER () AS _line");
        for (var column : entity.columns()) {
            select.add(produced.contains(column.name())
                    ? "CAST(" + column.name() + " AS VARCHAR) AS " + column.name()
                    : "NULL::VARCHAR AS " + column.name());
        }
        try {
            Db.execute(db, "CREATE OR REPLACE TABLE raw_" + entity.name() + " AS SELECT " + String.join(", ", select)
                    + " FROM (\n" + source.mapping() + "\n)");
        } catch (SQLException e) {
            throw new ExtractException("sources." + entity.name() + ".mapping failed: " + firstLine(e), e);
        }
        return 0;
    }

    private void createEmptyRaw(Connection db, EntityContract entity) throws SQLException {
        List<String> columns = new ArrayList<>(List.of("_source VARCHAR", "_line BIGINT"));
        entity.columnNames().forEach(c -> columns.add(c + " VARCHAR"));
        Db.execute(db, "CREATE OR REPLACE TABLE raw_" + entity.name() + " (" + String.join(", ", columns) + ")");
    }

    record FileCounts(long rows, long malformed) {
    }

    /**
     * Reads one file into {@code table} with all its columns as text (plus {@code _line}); an empty
     * (zero-byte) file gives a table with {@code _line} only.
     */
    FileCounts readFile(Connection db, FileSpec file, String table, String entity, String source)
            throws SQLException {
        FileCounts counts = readFile(db, file, table, entity, source, Projection.ALL_COLUMNS);
        if (counts == null) {
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " (_line BIGINT)");
            return new FileCounts(0, 0);
        }
        return counts;
    }

    /**
     * Reads one file into {@code table}: {@code _line} plus the projection of the file's columns
     * (all text), in one pass. Returns null for an empty (zero-byte) file, which has no columns.
     */
    private FileCounts readFile(Connection db, FileSpec file, String table, String entity, String source,
            Projection projection) throws SQLException {
        InputFileCheck.check(file, source);
        String where = source + ": " + file.path();
        FileSpec read = file;
        Path transcoded = null;
        try {
            if (file.format() != FileSpec.FileFormat.PARQUET && Files.size(file.path()) == 0) {
                return null;
            }
            if (file.format() == FileSpec.FileFormat.CSV) {
                Charset charset = TextEncoding.charset(file.encoding(), where);
                if (TextEncoding.duckDbName(charset) == null) {
                    Path folder = transcodeFolder != null ? transcodeFolder
                            : Path.of(System.getProperty("java.io.tmpdir"), "crm-warehouse-transcoded");
                    Files.createDirectories(folder);
                    transcoded = folder.resolve(table + ".utf8.csv");
                    TextEncoding.toUtf8(file.path(), charset, transcoded, where);
                    read = new FileSpec(transcoded, file.format(), file.delimiter(), file.header(), file.columns(),
                            "utf-8", file.quote(), file.dateFormat(), file.timestampFormat());
                }
            }
            FileCounts counts = switch (read.format()) {
                case CSV -> readCsv(db, read, table, entity, source, projection);
                case JSONL -> readJsonLines(db, read, table, entity, source, projection);
                case PARQUET -> readParquet(db, read, table, projection);
            };
            long withNul = rejectNulBytes(db, table, entity, source);
            return new FileCounts(counts.rows() - withNul, counts.malformed() + withNul);
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot be read: " + e.getMessage(), e);
        } catch (SQLException e) {
            requireUtf8(file, read, where); // an undeclared GBK header can stop the sniffer itself
            throw new ExtractException(file.path() + ": cannot be read as " + file.format().name().toLowerCase(Locale.ROOT)
                    + ": " + firstLine(e), e);
        } finally {
            if (transcoded != null) {
                try {
                    Files.deleteIfExists(transcoded);
                } catch (IOException e) {
                    log.warn("[extract] cannot delete the transcoded copy {}: {}", transcoded, e.getMessage());
                }
            }
        }
    }

    /**
     * A CSV file read as UTF-8 (not transcoded) that is in another encoding as a whole fails with
     * one line naming it, the first bad byte's line and the encoding: key (TextEncoding#notUtf8).
     */
    private static void requireUtf8(FileSpec file, FileSpec read, String where) {
        if (file.format() != FileSpec.FileFormat.CSV || read != file
                || !TextEncoding.charset(file.encoding(), where).equals(java.nio.charset.StandardCharsets.UTF_8)) {
            return;
        }
        TextEncoding.BadByte bad = TextEncoding.notUtf8(file.path());
        if (bad != null) {
            throw TextEncoding.undeclared(where, bad);
        }
    }

    /**
     * Moves the rows with a NUL byte in any value to {@code extract_rejects}: no text column holds
     * one legitimately, and loaded it became a value of its own (a new department) in the marts.
     * The first such column is named and its value kept with each NUL shown as {@code \\0}.
     * Returns the number of rows moved.
     */
    private static long rejectNulBytes(Connection db, String table, String entity, String source)
            throws SQLException {
        List<String> columns = Db.columnsOf(db, "SELECT * FROM " + table).stream()
                .filter(c -> !c.equals("_line") && !c.equals("_source")).toList();
        if (columns.isEmpty()) {
            return 0;
        }
        StringBuilder column = new StringBuilder("CASE");
        StringBuilder value = new StringBuilder("CASE");
        for (String c : columns) {
            String when = " WHEN contains(" + Sql.identifier(c) + ", chr(0)) THEN ";
            column.append(when).append(Sql.literal(c));
            value.append(when).append(Sql.identifier(c));
        }
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _nul_rows AS SELECT _line, " + column + " END AS column_name, "
                + value + " END AS value FROM " + table + " WHERE " + column + " END IS NOT NULL");
        long rows = Db.queryLong(db, "SELECT count(*) FROM _nul_rows");
        if (rows > 0) {
            Db.execute(db, "INSERT INTO extract_rejects SELECT " + Sql.literal(entity) + ", " + Sql.literal(source)
                    + ", _line, column_name, 'MALFORMED_ROW', replace(value, chr(0), '\\0'), 'a NUL byte in column ' "
                    + "|| column_name || ' (a binary or corrupted file?)', NULL FROM _nul_rows ORDER BY _line");
            Db.execute(db, "DELETE FROM " + table + " WHERE _line IN (SELECT _line FROM _nul_rows)");
        }
        Db.execute(db, "DROP TABLE _nul_rows");
        return rows;
    }

    private FileCounts readCsv(Connection db, FileSpec file, String table, String entity, String source,
            Projection projection) throws SQLException {
        LineScan scan = LineScan.scan(file);
        return withReadableCopy(file, scan, ".csv", readable -> readCsv(db, file, readable, scan, table, entity, source,
                projection));
    }

    /**
     * Reads {@code file} as DuckDB can: the file itself, or when it holds a bare CR (which fails
     * DuckDB's reader for the whole file) a temporary copy with each such CR a space, whose records
     * are then quarantined by line.
     */
    private static FileCounts withReadableCopy(FileSpec file, LineScan scan, String suffix, CopyReader reader)
            throws SQLException {
        if (scan.readableAsIs()) {
            return reader.read(file);
        }
        java.nio.file.Path copy = null;
        try {
            copy = Files.createTempFile("crm-warehouse-readable-", suffix);
            LineScan.writeReadableCopy(file, copy);
            return reader.read(new FileSpec(copy, file.format(), file.delimiter(), file.header(), file.columns(),
                    file.encoding(), file.quote(), file.dateFormat(), file.timestampFormat()));
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot make a readable copy: " + e.getMessage(), e);
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    log.warn("[extract] cannot delete the temporary copy {}: {}", copy, e.getMessage());
                }
            }
        }
    }

    @FunctionalInterface
    private interface CopyReader {
        FileCounts read(FileSpec readable) throws SQLException;
    }

    private FileCounts readCsv(Connection db, FileSpec file, FileSpec readable, LineScan scan, String table,
            String entity, String source, Projection projection) throws SQLException {
        String rejects = "_rejects_" + table;
        String scans = "_rejectscans_" + table;
        long header = scan.headerLines;
        String reader = FileReadSql.csv(readable, rejects, scans);
        List<String> fileColumns;
        try {
            fileColumns = Db.columnsOf(db, "SELECT * FROM " + FileReadSql.csv(readable, null, null));
        } catch (SQLException sniffFailed) {
            // The sniffer reads the first rows whole and gives up on a line over the size limit or
            // an unterminated quote; read with the header's columns instead so that row is rejected.
            fileColumns = readable.columns().isEmpty() && readable.header() ? CsvHeader.read(readable) : readable.columns();
            if (fileColumns.isEmpty()) {
                throw sniffFailed;
            }
            reader = FileReadSql.csvWithColumns(readable, fileColumns, rejects, scans);
        }
        String select = "row_number() OVER () + " + header + " AS _line, "
                + String.join(", ", projection.select(fileColumns));
        // One pass: records are numbered in file order (DuckDB keeps insertion order).
        try {
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT " + select + " FROM " + reader);
        } catch (SQLException sniffFailed) {
            // The header sniff skips bad rows but the rejecting read may still give up on one:
            // read again with the columns already known, so that row is rejected instead.
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT " + select + " FROM "
                    + FileReadSql.csvWithColumns(readable, fileColumns, rejects, scans));
        }
        if (Db.queryLong(db, "SELECT count(*) FROM " + rejects + " WHERE error_type = 'INVALID ENCODING'") > 1) {
            // only then is the file scanned: a whole file in another encoding is one error, not a row per line
            requireUtf8(file, file, source + ": " + file.path());
        }
        long malformed = LineNumbering.apply(db, scan, file, fileColumns, table, rejects, entity, source);
        long rows = Db.queryLong(db, "SELECT count(*) FROM " + table);
        Db.execute(db, "DROP TABLE " + rejects + "; DROP TABLE " + scans);
        return new FileCounts(rows, malformed);
    }

    private FileCounts readJsonLines(Connection db, FileSpec file, String table, String entity, String source,
            Projection projection) throws SQLException {
        LineScan scan = LineScan.scan(file);
        return withReadableCopy(file, scan, ".jsonl", readable -> readJsonLines(db, file, readable, scan, table,
                entity, source, projection));
    }

    private FileCounts readJsonLines(Connection db, FileSpec file, FileSpec readable, LineScan scan, String table,
            String entity, String source, Projection projection) throws SQLException {
        // read line by line (a blank line as a NULL row), so that row_number() is the physical line
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _lines AS SELECT row_number() OVER () AS _line, _json, "
                + "CASE WHEN json_valid(_json) THEN json_type(_json) = 'OBJECT' ELSE false END AS _ok FROM "
                + FileReadSql.jsonLines(readable));
        long lines = Db.queryLong(db, "SELECT count(*) FROM _lines");
        if (lines != scan.physicalLines) {
            log.warn("[extract] {}: DuckDB read {} lines, the line scan counted {}; line numbers may be off",
                    file.path(), lines, scan.physicalLines);
        }
        // A line with a bare CR or a \x1f (which DuckDB's line reader would drop) is one malformed line.
        long badLines = 0;
        if (!scan.badRecords.isEmpty()) {
            List<long[]> ranges = scan.badRecords.stream().map(b -> new long[] {b.line(), b.line()}).toList();
            LineNumbering.appendLineTexts(db, file, ranges, "_bad_lines");
            Db.execute(db, "INSERT INTO extract_rejects SELECT " + Sql.literal(entity) + ", " + Sql.literal(source)
                    + ", line, NULL, 'MALFORMED_ROW', NULL, 'a carriage return (CR) or a unit separator (\\x1f) inside "
                    + "the line; JSON Lines end with LF or CRLF, and JSON text escapes control characters', text FROM "
                    + "_bad_lines ORDER BY line");
            Db.execute(db, "DELETE FROM _lines WHERE _line IN (SELECT line FROM _bad_lines)");
            badLines = Db.queryLong(db, "SELECT count(*) FROM _bad_lines");
            Db.execute(db, "DROP TABLE _bad_lines");
        }
        // A blank line separates nothing in JSON Lines: it is not a record; it is counted as set aside.
        long blank = Db.queryLong(db, "SELECT count(*) FROM _lines WHERE trim(coalesce(_json, '')) = ''");
        Db.execute(db, "DELETE FROM _lines WHERE trim(coalesce(_json, '')) = ''");
        Db.execute(db, "INSERT INTO " + LineNumbering.LINES + " VALUES (" + Sql.literal(entity) + ", "
                + Sql.literal(source) + ", " + scan.physicalLines + ", 0, " + blank + ")");
        Db.execute(db, "INSERT INTO extract_rejects SELECT " + Sql.literal(entity) + ", " + Sql.literal(source)
                + ", _line, NULL, 'MALFORMED_ROW', NULL, 'not a JSON object', _json FROM _lines WHERE NOT _ok");
        List<String> keys = Db.queryStrings(db, "SELECT key FROM (SELECT unnest(json_keys(_json)) AS key, "
                + "_line FROM _lines WHERE _ok) GROUP BY key ORDER BY min(_line), key");
        List<String> fields = new ArrayList<>();
        for (String key : keys) {
            // the CASE keeps DuckDB from parsing the text of malformed lines at all
            fields.add("CASE WHEN _ok THEN " + jsonFieldText(key) + " END AS " + Sql.identifier(key));
        }
        String parsed = "(SELECT _line" + (fields.isEmpty() ? "" : ", " + String.join(", ", fields))
                + " FROM _lines WHERE _ok)";
        Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT _line, "
                + String.join(", ", projection.select(keys)) + " FROM " + parsed);
        long malformed = badLines + Db.queryLong(db, "SELECT count(*) FROM _lines WHERE NOT _ok");
        long rows = Db.queryLong(db, "SELECT count(*) FROM " + table);
        Db.execute(db, "DROP TABLE _lines");
        return new FileCounts(rows, malformed);
    }

    /**
     * A field's text as the line wrote it. DuckDB's JSON reader holds a fractional number as a
     * double and prints it back rounded (12345678901234.5678 as 12345678901234.568, 1e3 as
     * 1000.0), which validation would then load with a changed meaning; for such a number the
     * token is taken from the line itself, when it is the same number (a key repeated in a nested
     * object keeps the reader's value).
     */
    private static String jsonFieldText(String key) {
        String path = Sql.literal("$." + jsonPathKey(key));
        String token = "regexp_extract(_json, " + Sql.literal("\"" + regexLiteral(key)
                + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)") + ", 1)";
        return "CASE WHEN json_type(_json, " + path + ") = 'DOUBLE' THEN coalesce(CASE WHEN TRY_CAST(" + token
                + " AS DOUBLE) = CAST(_json ->> " + path + " AS DOUBLE) THEN " + token + " END, _json ->> " + path
                + ") ELSE _json ->> " + path + " END";
    }

    /** A key as an RE2 pattern matching it literally. */
    private static String regexLiteral(String key) {
        StringBuilder b = new StringBuilder();
        for (char ch : key.toCharArray()) {
            b.append(Character.isLetterOrDigit(ch) || ch == '_' ? "" : "\\").append(ch);
        }
        return b.toString();
    }

    private static String jsonPathKey(String key) {
        return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private FileCounts readParquet(Connection db, FileSpec file, String table, Projection projection)
            throws SQLException {
        List<String> columns = new ArrayList<>(Db.columnsOf(db, "SELECT * FROM " + FileReadSql.parquet(file)));
        columns.remove("file_row_number");
        String typed = "(SELECT file_row_number + 1 AS _line, COLUMNS(c -> c <> 'file_row_number')::VARCHAR FROM "
                + FileReadSql.parquet(file) + ")";
        Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT _line, "
                + String.join(", ", projection.select(columns)) + " FROM " + typed);
        return new FileCounts(Db.queryLong(db, "SELECT count(*) FROM " + table), 0);
    }

    static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        // DuckDB's JDBC driver puts the real error after a generic first line
        String generic = "Attempting to execute an unsuccessful or closed pending query result";
        int at = message.indexOf(generic);
        if (at >= 0 && message.indexOf("Error: ", at + generic.length()) >= 0) {
            message = message.substring(message.indexOf("Error: ", at + generic.length()) + 7);
        }
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
