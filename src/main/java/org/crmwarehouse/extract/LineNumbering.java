package org.crmwarehouse.extract;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the records DuckDB read from a CSV file their physical line numbers (the line each
 * starts on; the header is line 1) and moves the records it could not read to {@code
 * extract_rejects}, one row per physical line. DuckDB numbers its rejected records counting blank
 * lines but not quoted line breaks, and the accepted ones not at all; the file's {@link LineScan}
 * says where the blank lines and the records of several lines are, which is enough to turn a
 * record's number into its line in SQL (an ASOF join over the few places where they differ).
 *
 * <p>It also records the file's line counts ({@code extract_lines}) and its records of several
 * lines ({@code extract_multiline}), from which the audit counts lines loaded and quarantined.
 */
final class LineNumbering {
    private static final Logger log = LoggerFactory.getLogger(LineNumbering.class);

    /** Raw text of a line quarantined on its own, cut as DuckDB cuts a rejected line's. */
    static final int MAX_TEXT = 10_000;

    static final String LINES = "extract_lines";
    static final String MULTILINE = "extract_multiline";

    private LineNumbering() {
    }

    static void createTables(Connection db) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE " + LINES + " (entity VARCHAR, source VARCHAR, physical_lines BIGINT, "
                + "header_lines BIGINT, blank_lines BIGINT)");
        Db.execute(db, "CREATE OR REPLACE TABLE " + MULTILINE + " (entity VARCHAR, source VARCHAR, line BIGINT, "
                + "lines BIGINT)");
    }

    /**
     * {@code table} holds the accepted records with {@code _line} = their number among accepted
     * records plus the header lines; {@code rejects} is DuckDB's rejects table of the read. Returns
     * the number of rows put in {@code extract_rejects}.
     */
    static long apply(Connection db, LineScan scan, FileSpec file, List<String> fileColumns, String table,
            String rejects, String entity, String source) throws SQLException {
        long header = scan.headerLines;
        long accepted = Db.queryLong(db, "SELECT count(*) FROM " + table);
        long rejected = Db.queryLong(db, "SELECT count(DISTINCT line) FROM " + rejects);
        if (accepted + rejected != scan.records) {
            log.warn("[extract] {}: DuckDB read {} records, the line scan counted {}; line numbers may be off",
                    file.path(), accepted + rejected, scan.records);
        }
        String e = Sql.literal(entity);
        String s = Sql.literal(source);
        Db.execute(db, "INSERT INTO " + LINES + " VALUES (" + e + ", " + s + ", " + scan.physicalLines + ", " + header
                + ", " + scan.blanks.size() + ")");
        if (rejected == 0 && scan.blanks.isEmpty() && scan.multiLines.isEmpty() && scan.badRecords.isEmpty()) {
            return 0; // every record is one line and follows the last: _line is already the physical line
        }
        appendNotes(db, scan);
        long rejectsBefore = Db.queryLong(db, "SELECT count(*) FROM extract_rejects WHERE entity = " + e
                + " AND source = " + s);
        // _shifts: from record rec on, lines_before more lines than records precede it (blank lines
        // and quoted line breaks), duckdb_before of them counted by DuckDB (blank lines only)
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _shifts AS SELECT rec, sum(lines) OVER w AS lines_before, "
                + "sum(duckdb_lines) OVER w AS duckdb_before, " + header + " + rec + sum(duckdb_lines) OVER w AS "
                + "duckdb_line FROM (SELECT rec, sum(lines) AS lines, sum(duckdb_lines) AS duckdb_lines FROM "
                + "_line_shifts GROUP BY rec) WINDOW w AS (ORDER BY rec)");
        // rejected records: DuckDB's line to the record's number, then to its physical line
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _rejected AS SELECT r.duckdb_line, r.rec, " + header
                + " + r.rec + coalesce(s.lines_before, 0) AS line FROM (SELECT d.line AS duckdb_line, d.line - " + header
                + " - coalesce(s.duckdb_before, 0) AS rec FROM (SELECT DISTINCT line FROM " + rejects + ") d ASOF LEFT "
                + "JOIN _shifts s ON d.line >= s.duckdb_line) r ASOF LEFT JOIN _shifts s ON r.rec >= s.rec");
        // accepted records: the k-th accepted record is record k + (rejected records before it)
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _rejected_before AS SELECT rec - row_number() OVER (ORDER BY rec) "
                + "AS accepted_before, row_number() OVER (ORDER BY rec) AS rejected_so_far FROM _rejected");
        Db.execute(db, "CREATE OR REPLACE TABLE " + table + " AS SELECT " + header + " + t._rec + coalesce(s.lines_before, "
                + "0) AS _line, t.* EXCLUDE (_line, _rec) FROM (SELECT t._line - " + header + " + coalesce(r.rejected_so_far,"
                + " 0) AS _rec, t.* FROM " + table + " t ASOF LEFT JOIN (SELECT accepted_before, max(rejected_so_far) AS "
                + "rejected_so_far FROM _rejected_before GROUP BY accepted_before) r ON t._line - " + header
                + " > r.accepted_before) t ASOF LEFT JOIN _shifts s ON t._rec >= s.rec ORDER BY _line");

        // which records are quarantined by line: those with a bare CR (one row, the record's start
        // line), and rejected ones of several lines whose quoting went wrong (an unterminated or stray
        // quote: the record's end is not to be trusted, so one row per line). A record of several
        // lines rejected for another reason (a field short) is one row, numbered by its first line.
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _exploded AS SELECT r.rec, r.line AS first, r.line + m.lines - 1 "
                + "AS last, (SELECT error_type || ': ' || error_message FROM " + rejects + " j WHERE j.line = "
                + "r.duckdb_line ORDER BY column_idx LIMIT 1) AS detail FROM _rejected r JOIN _multi m USING (rec) WHERE "
                + "r.rec NOT IN (SELECT rec FROM _bad_records) AND EXISTS (SELECT 1 FROM " + rejects + " j WHERE j.line = "
                + "r.duckdb_line AND j.error_type = 'UNQUOTED VALUE')");
        Db.execute(db, "CREATE OR REPLACE TEMP TABLE _by_line AS SELECT b.line AS first, b.line + coalesce(m.lines, 1) - 1 "
                + "AS last, b.field, true AS bad_cr, NULL::VARCHAR AS detail FROM _bad_records b LEFT JOIN _multi m USING "
                + "(rec) UNION ALL SELECT first, last, NULL, false, detail FROM _exploded");
        List<long[]> ranges = new ArrayList<>();
        for (String row : Db.queryStrings(db, "SELECT first || ',' || last FROM _by_line ORDER BY first")) {
            String[] f = row.split(",");
            ranges.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
        }
        appendLineTexts(db, file, ranges, "_line_texts");
        String columnName = fileColumns.isEmpty() ? "NULL"
                : "list_extract([" + String.join(", ", fileColumns.stream().map(Sql::literal).toList()) + "], b.field + 1)";
        Db.execute(db, "INSERT INTO extract_rejects SELECT " + e + ", " + s + ", b.first, " + columnName
                + ", 'MALFORMED_ROW', NULL, 'a carriage return (CR) inside the unquoted field'"
                + " || coalesce(' ' || " + columnName + ", '') || ', and this file''s lines end with '"
                + " || 'LF or CRLF; quote the field or remove the CR', (SELECT string_agg(text, chr(10) ORDER BY line) "
                + "FROM _line_texts t WHERE t.line BETWEEN b.first AND b.last) FROM _by_line b WHERE bad_cr ORDER BY b.first");
        Db.execute(db, "INSERT INTO extract_rejects SELECT " + e + ", " + s + ", t.line, NULL, 'MALFORMED_ROW', NULL, "
                + "b.detail || ' (the record from line ' || b.first || ' to ' || b.last || ', quarantined line by line)', "
                + "t.text FROM _by_line b JOIN _line_texts t ON t.line BETWEEN b.first AND b.last WHERE NOT b.bad_cr "
                + "ORDER BY t.line");
        // DuckDB reports one error per missing column; the row is quarantined once, with the first.
        Db.execute(db, "INSERT INTO extract_rejects SELECT " + e + ", " + s + ", r.line, NULL, 'MALFORMED_ROW', NULL, "
                + "j.error_type || ': ' || j.error_message, ltrim(j.csv_line, chr(13) || chr(10)) FROM " + rejects
                + " j JOIN _rejected r ON j.line = r.duckdb_line WHERE r.rec NOT IN (SELECT rec FROM _exploded) AND r.rec "
                + "NOT IN (SELECT rec FROM _bad_records) QUALIFY row_number() OVER (PARTITION BY j.line ORDER BY "
                + "j.column_idx) = 1 ORDER BY r.line");
        Db.execute(db, "DELETE FROM " + table + " WHERE _line IN (SELECT line FROM _bad_records)");
        // records quarantined line by line count their lines one by one: they are not multi-line records
        Db.execute(db, "INSERT INTO " + MULTILINE + " SELECT " + e + ", " + s + ", line, lines FROM _multi WHERE rec NOT "
                + "IN (SELECT rec FROM _exploded)");
        long rows = Db.queryLong(db, "SELECT count(*) FROM extract_rejects WHERE entity = " + e + " AND source = " + s)
                - rejectsBefore;
        Db.execute(db, "DROP TABLE _line_shifts; DROP TABLE _multi; DROP TABLE _bad_records; DROP TABLE _line_texts; "
                + "DROP TABLE _shifts; DROP TABLE _rejected; DROP TABLE _rejected_before; DROP TABLE _by_line; DROP TABLE _exploded");
        return rows;
    }

    /** Creates {@code table (line, text)} holding the text of the file's lines in the (sorted) ranges. */
    static void appendLineTexts(Connection db, FileSpec file, List<long[]> ranges, String table) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE " + table + " (line BIGINT, text VARCHAR)");
        try (DuckDBAppender out = db.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
                table)) {
            SQLException[] failed = new SQLException[1];
            LineScan.lineTexts(file, ranges, MAX_TEXT, (line, text) -> {
                try {
                    out.beginRow().append(line).append(text).endRow();
                } catch (SQLException ex) {
                    failed[0] = ex;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        }
    }

    /** The scan's sparse notes as tables: shifts by record number, multi-line and bad records. */
    private static void appendNotes(Connection db, LineScan scan) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE _line_shifts (rec BIGINT, lines BIGINT, duckdb_lines BIGINT)");
        Db.execute(db, "CREATE OR REPLACE TABLE _multi (rec BIGINT, line BIGINT, lines BIGINT)");
        Db.execute(db, "CREATE OR REPLACE TABLE _bad_records (rec BIGINT, line BIGINT, field INTEGER)");
        DuckDBConnection duck = db.unwrap(DuckDBConnection.class);
        try (DuckDBAppender shifts = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "_line_shifts");
                DuckDBAppender multi = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "_multi");
                DuckDBAppender bad = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "_bad_records")) {
            for (LineScan.Blank b : scan.blanks) {
                shifts.beginRow().append(b.nextRecord()).append(1L).append(1L).endRow();
            }
            for (LineScan.MultiLine m : scan.multiLines) {
                shifts.beginRow().append(m.record() + 1).append(m.lines() - 1).append(0L).endRow();
                multi.beginRow().append(m.record()).append(m.line()).append(m.lines()).endRow();
            }
            for (LineScan.BadRecord r : scan.badRecords) {
                bad.beginRow().append(r.record()).append(r.line()).append(r.field()).endRow();
            }
        }
    }
}
