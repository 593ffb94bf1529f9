package org.crmwarehouse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/**
 * Content checksums of the Parquet tables one night published, for comparing two ways of building
 * the same night (e.g. incremental nights against one full run): only the published files are
 * read, never the job's internals.
 */
public final class ParquetChecksums {
    private ParquetChecksums() {
    }

    /** A night's published Parquet file of a table: {@code marts/<table>/business_date=<d>/<table>.parquet}. */
    public static Path martsFile(Path output, String fileName, LocalDate businessDate) {
        String table = fileName.substring(0, fileName.length() - ".parquet".length());
        return output.resolve("marts").resolve(table).resolve("business_date=" + businessDate).resolve(fileName);
    }

    /** Table file name -> {@code <row count>:<md5 of the rows as text, sorted, newline-separated>}. */
    public static Map<String, String> of(Path output, LocalDate businessDate) throws IOException, SQLException {
        return of(files(output, businessDate));
    }

    /** File name -> checksum, as {@link #of(Path, LocalDate)}, of any Parquet files (bench --floor's own). */
    public static Map<String, String> of(List<Path> parquetFiles) throws SQLException {
        Map<String, String> sums = new TreeMap<>();
        try (Connection db = Db.inMemory()) {
            for (Path f : parquetFiles) {
                sums.put(f.getFileName().toString(), Db.queryStrings(db, "SELECT count(*) || ':' || coalesce(md5("
                        + "string_agg(r, chr(10) ORDER BY r)), '') FROM (SELECT CAST(t AS VARCHAR) AS r FROM read_parquet("
                        + Sql.literal(f) + ") t)").get(0));
            }
        }
        return sums;
    }

    /**
     * Rows of a published quarantine file counted per entity and reason code ({@code entity/REASON}
     * -> rows), or an empty map without the file. Its rows name the source file and line, which
     * differ between one full run and nightly files, so it is compared by these counts.
     */
    public static Map<String, Long> quarantineCounts(Path parquet) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        if (!Files.exists(parquet)) {
            return counts;
        }
        try (Connection db = Db.inMemory()) {
            for (String row : Db.queryStrings(db, "SELECT k || '=' || n FROM (SELECT entity || '/' || reason_code AS k, "
                    + "count(*) AS n FROM read_parquet(" + Sql.literal(parquet) + ") GROUP BY 1) ORDER BY k")) {
                int eq = row.lastIndexOf('=');
                counts.put(row.substring(0, eq), Long.parseLong(row.substring(eq + 1)));
            }
        }
        return counts;
    }

    /** The night's files of every table folder. */
    private static List<Path> files(Path output, LocalDate businessDate) throws IOException {
        try (Stream<Path> tables = Files.list(output.resolve("marts"))) {
            return tables.map(t -> t.resolve("business_date=" + businessDate).resolve(t.getFileName() + ".parquet"))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }
}
