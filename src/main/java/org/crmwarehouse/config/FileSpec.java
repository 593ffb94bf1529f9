package org.crmwarehouse.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How to read one input file. Relative paths are resolved against the job config's folder.
 *
 * @param format    csv, jsonl or parquet; by default taken from the file extension
 * @param delimiter CSV field delimiter (default ",")
 * @param header    whether the CSV file starts with a header row (default true)
 * @param columns   column names for a CSV file without header
 * @param encoding  CSV character set: utf-8 (default), utf-16, latin-1 (read by DuckDB), or any other
 *                  charset Java knows, such as gb18030 (transcoded to UTF-8 first: extract/TextEncoding)
 * @param quote     CSV quote character (default '"')
 * @param dateFormat      strptime pattern for DATE columns (default ISO yyyy-mm-dd)
 * @param timestampFormat strptime pattern for TIMESTAMP columns (default ISO)
 */
public record FileSpec(
        Path path,
        FileFormat format,
        String delimiter,
        boolean header,
        List<String> columns,
        String encoding,
        String quote,
        String dateFormat,
        String timestampFormat) {

    public enum FileFormat {
        CSV, JSONL, PARQUET;

        static FileFormat of(String text, Path path) {
            if (text != null && !text.isBlank()) {
                return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                    case "csv", "txt", "tsv" -> CSV;
                    case "jsonl", "ndjson", "json" -> JSONL;
                    case "parquet" -> PARQUET;
                    default -> throw new IllegalArgumentException(
                            "unknown format '" + text + "' (expected csv, jsonl or parquet)");
                };
            }
            String name = path == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".parquet")) {
                return PARQUET;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                return JSONL;
            }
            return CSV;
        }
    }

    public FileSpec {
        columns = columns == null ? List.of() : List.copyOf(columns);
    }
}
