package org.crmwarehouse.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crmwarehouse.config.FileSpec;
import org.crmwarehouse.sql.Sql;

/**
 * Renders DuckDB table-function calls that read an input file. This and the staging SQL of the
 * validator are the engine seam for reading: everything DuckDB-specific about files lives here.
 */
final class FileReadSql {
    /** A field as large as 16 MiB still reads; a longer record is rejected, not fatal. */
    static final long MAX_LINE_BYTES = 16L << 20;

    private FileReadSql() {
    }

    /**
     * read_csv with every column as text and malformed rows kept in the named rejects tables
     * (null names: for reading the header only, malformed rows are skipped instead).
     */
    static String csv(FileSpec file, String rejectsTable, String rejectsScan) {
        List<String> options = new ArrayList<>();
        options.add("header=" + file.header());
        options.add("all_varchar=true");
        options.add("delim=" + Sql.literal(file.delimiter()));
        options.add("quote=" + Sql.literal(file.quote()));
        options.add("escape=" + Sql.literal(file.quote()));
        options.add("encoding=" + Sql.literal(file.encoding().toLowerCase(Locale.ROOT)));
        options.add("max_line_size=" + MAX_LINE_BYTES);
        if (rejectsTable == null) {
            options.add("ignore_errors=true"); // only the column names are wanted: sniff past bad rows
        } else {
            options.add("store_rejects=true");
            options.add("rejects_table=" + Sql.literal(rejectsTable));
            options.add("rejects_scan=" + Sql.literal(rejectsScan));
        }
        if (!file.columns().isEmpty()) {
            options.add("names=[" + String.join(", ", file.columns().stream().map(Sql::literal).toList()) + "]");
        }
        return "read_csv(" + Sql.literal(file.path()) + ", " + String.join(", ", options) + ")";
    }

    /**
     * read_csv with the columns given instead of sniffed (auto_detect off): for a file whose first
     * rows the sniffer cannot read (a line over {@link #MAX_LINE_BYTES}, an unterminated quote),
     * so that such a row is rejected with its reason instead of failing the whole file.
     */
    static String csvWithColumns(FileSpec file, List<String> names, String rejectsTable, String rejectsScan) {
        String columns = "columns={" + String.join(", ", names.stream()
                .map(n -> Sql.literal(n) + ": 'VARCHAR'").toList()) + "}";
        String sniffed = csv(file, rejectsTable, rejectsScan);
        int namesAt = sniffed.indexOf(", names=[");
        String base = namesAt < 0 ? sniffed.substring(0, sniffed.length() - 1) : sniffed.substring(0, namesAt);
        return base + ", auto_detect=false, " + columns + ")";
    }

    /** A JSON Lines file read as one text column per line, so a malformed line is kept, not lost. */
    static String jsonLines(FileSpec file) {
        return "read_csv(" + Sql.literal(file.path()) + ", columns={'_json': 'VARCHAR'}, header=false, "
                + "delim='\\x1f', quote='', escape='', auto_detect=false, max_line_size=" + MAX_LINE_BYTES + ")";
    }

    static String parquet(FileSpec file) {
        return "read_parquet(" + Sql.literal(file.path()) + ", file_row_number=true)";
    }
}
