package org.crmwarehouse.extract;

import java.io.IOException;
import java.nio.file.Files;
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

    private final Contract contract;

    public SourceExtractor(Contract contract) {
        this.contract = contract;
    }

    public List<ExtractAudit> extract(Connection db, JobConfig config) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE extract_rejects (entity VARCHAR, source VARCHAR, line BIGINT, "
                + "column_name VARCHAR, reason_code VARCHAR, value VARCHAR, detail VARCHAR, raw_text VARCHAR)");
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
            long malformed = source.isMapped()
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
        String parsed = "rawfile__" + entity.name();
        FileCounts counts = readFile(db, source.file(), parsed, entity.name(), source.label());
        List<String> present = Db.columnsOf(db, "SELECT * FROM " + parsed);
        Map<String, String> byLowerName = new LinkedHashMap<>();
        present.forEach(c -> byLowerName.putIfAbsent(c.trim().toLowerCase(Locale.ROOT), c));
        List<String> missingRequired = new ArrayList<>();
        List<String> select = new ArrayList<>();
        select.add(Sql.literal(source.label()) + " AS _source");
        select.add("_line");
        for (var column : entity.columns()) {
            String actual = byLowerName.get(column.name());
            if (actual == null && column.required()) {
                missingRequired.add(column.name());
            }
            select.add((actual == null ? "NULL" : Sql.identifier(actual)) + "::VARCHAR AS " + column.name());
        }
        if (!missingRequired.isEmpty() && counts.rows() + counts.malformed() > 0) {
            throw new ExtractException(source.file().path() + ": the header lacks required column(s) "
                    + missingRequired + " of entity " + entity.name() + "; the file's columns are " + present);
        }
        Db.execute(db, "CREATE OR REPLACE TABLE raw_" + entity.name() + " AS SELECT " + String.join(", ", select)
                + " FROM " + parsed);
        Db.execute(db, "DROP TABLE " + parsed);
        return counts.malformed();
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

    private record FileCounts(long rows, long malformed) {
    }

    /** Reads one file into {@code table} (columns {@code _line} + the file's columns, all text). */
    private FileCounts readFile(Connection db, FileSpec file, String table, String entity, String source)
            throws SQLException {
        if (!Files.isRegularFile(file.path())) {
            throw new ExtractException(source + ": input file not found: " + file.path());
        }
        try {
            return switch (file.format()) {
                case CSV -> readCsv(db, file, table, entity, source);
                case JSONL -> readJsonLines(db, file, table, entity, source);
                case PARQUET -> readParquet(db, file, table);
            };
        } catch (IOException e) {
            throw new ExtractException(file.path() + ": cannot be read: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new ExtractException(file.path() + ": cannot be read as " + file.format().name().toLowerCase(Locale.ROOT)
                    + ": " + firstLine(e), e);
        }
    }

    private FileCounts readCsv(Connection db, FileSpec file, String table, String entity, String source)
            throws SQLException, IOException {
        if (Files.size(file.path()) == 0) {
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " (_line BIGINT)");
            return new FileCounts(0, 0);
        }
        String rejects = "_rejects_" + table;
        String scans = "_rejectscans_" + table;
        int header = file.header() ? 1 : 0;
        try {
            Db.execute(db, "CREATE OR REPLACE TEMP TABLE _parsed AS SELECT row_number() OVER () AS _record, * FROM "
                    + FileReadSql.csv(file, rejects, scans));
        } catch (SQLException sniffFailed) {
            // The sniffer reads the first rows whole and gives up on a line over the size limit or
            // an unterminated quote; read again with the header's columns so that row is rejected.
            List<String> names = file.columns().isEmpty() && file.header() ? CsvHeader.read(file) : file.columns();
            if (names.isEmpty()) {
                throw sniffFailed;
            }
            Db.execute(db, "CREATE OR REPLACE TEMP TABLE _parsed AS SELECT row_number() OVER () AS _record, * FROM "
                    + FileReadSql.csvWithColumns(file, names, rejects, scans));
        }
        long malformed = Db.queryLong(db, "SELECT count(DISTINCT line) FROM " + rejects);
        if (malformed == 0) {
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT _record + " + header
                    + " AS _line, * EXCLUDE (_record) FROM _parsed");
        } else {
            // DuckDB numbers records like lines (the header is line 1). Accepted records are
            // numbered 1..n in file order; a record's line is its number plus the header plus the
            // rejected lines before it, found with an ASOF join on "accepted records before each
            // rejected line".
            Db.execute(db, "CREATE OR REPLACE TEMP TABLE _rejected_lines AS SELECT line - " + header
                    + " - row_number() OVER (ORDER BY line) AS accepted_before, row_number() OVER (ORDER BY line) AS "
                    + "rejected_so_far FROM (SELECT DISTINCT line FROM " + rejects + ")");
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT p._record + " + header
                    + " + coalesce(r.rejected_so_far, 0) AS _line, p.* EXCLUDE (_record) FROM _parsed p "
                    + "ASOF LEFT JOIN (SELECT accepted_before, max(rejected_so_far) AS rejected_so_far FROM _rejected_lines "
                    + "GROUP BY accepted_before) r ON p._record > r.accepted_before");
            Db.execute(db, "DROP TABLE _rejected_lines");
        }
        // DuckDB reports one error per missing column; the row is quarantined once, with the first.
        Db.execute(db, "INSERT INTO extract_rejects SELECT " + Sql.literal(entity) + ", " + Sql.literal(source)
                + ", line, NULL, 'MALFORMED_ROW', NULL, error_type || ': ' || error_message, csv_line FROM "
                + rejects + " QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx) = 1 ORDER BY line");
        long rows = Db.queryLong(db, "SELECT count(*) FROM " + table);
        Db.execute(db, "DROP TABLE _parsed; DROP TABLE " + rejects
                + "; DROP TABLE " + scans);
        return new FileCounts(rows, malformed);
    }

    private FileCounts readJsonLines(Connection db, FileSpec file, String table, String entity, String source)
            throws SQLException, IOException {
        if (Files.size(file.path()) == 0) {
            Db.execute(db, "CREATE OR REPLACE TABLE " + table + " (_line BIGINT)");
            return new FileCounts(0, 0);
        }
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _lines AS SELECT row_number() OVER () AS _line, _json, "
                + "CASE WHEN json_valid(_json) THEN json_type(_json) = 'OBJECT' ELSE false END AS _ok FROM "
                + FileReadSql.jsonLines(file));
        // A blank line separates nothing in JSON Lines: it is not a record, so it is not counted.
        Db.execute(db, "DELETE FROM _lines WHERE trim(coalesce(_json, '')) = ''");
        Db.execute(db, "INSERT INTO extract_rejects SELECT " + Sql.literal(entity) + ", " + Sql.literal(source)
                + ", _line, NULL, 'MALFORMED_ROW', NULL, 'not a JSON object', _json FROM _lines WHERE NOT _ok");
        List<String> keys = Db.queryStrings(db, "SELECT key FROM (SELECT unnest(json_keys(_json)) AS key, "
                + "_line FROM _lines WHERE _ok) GROUP BY key ORDER BY min(_line), key");
        List<String> select = new ArrayList<>(List.of("_line"));
        for (String key : keys) {
            select.add("CASE WHEN _ok THEN _json ->> " + Sql.literal("$." + jsonPathKey(key)) + " END AS "
                    + Sql.identifier(key));
        }
        Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT " + String.join(", ", select)
                + " FROM _lines WHERE _ok");
        long malformed = Db.queryLong(db, "SELECT count(*) FROM _lines WHERE NOT _ok");
        long rows = Db.queryLong(db, "SELECT count(*) FROM " + table);
        Db.execute(db, "DROP TABLE _lines");
        return new FileCounts(rows, malformed);
    }

    private static String jsonPathKey(String key) {
        return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private FileCounts readParquet(Connection db, FileSpec file, String table) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT file_row_number + 1 AS _line, "
                + "COLUMNS(c -> c <> 'file_row_number')::VARCHAR FROM " + FileReadSql.parquet(file));
        return new FileCounts(Db.queryLong(db, "SELECT count(*) FROM " + table), 0);
    }

    private static String firstLine(SQLException e) {
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
