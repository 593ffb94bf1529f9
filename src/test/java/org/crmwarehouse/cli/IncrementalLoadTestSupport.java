package org.crmwarehouse.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/** Content checksums of published Parquet tables, for comparing two ways of building the same night. */
final class IncrementalLoadTestSupport {
    private IncrementalLoadTestSupport() {
    }

    /** Table file -> row count and md5 of the sorted rows as text. */
    static Map<String, String> parquetChecksums(Path output, String date) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(output.resolve("marts").resolve("business_date=" + date))) {
            files = list.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        try (Connection db = Db.inMemory()) {
            for (Path f : files) {
                sums.put(f.getFileName().toString(), Db.queryStrings(db, "SELECT count(*) || ':' || coalesce(md5("
                        + "string_agg(r, chr(10) ORDER BY r)), '') FROM (SELECT CAST(t AS VARCHAR) AS r FROM read_parquet("
                        + Sql.literal(f) + ") t)").get(0));
            }
        }
        return sums;
    }
}
