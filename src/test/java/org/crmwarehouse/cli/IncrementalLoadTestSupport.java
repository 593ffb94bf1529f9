package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.crmwarehouse.bench.ParquetChecksums;

/** Content checksums of published Parquet tables, for comparing two ways of building the same night. */
final class IncrementalLoadTestSupport {
    private IncrementalLoadTestSupport() {
    }

    /** Table file -> row count and md5 of the sorted rows as text. */
    static Map<String, String> parquetChecksums(Path output, String date) throws Exception {
        return ParquetChecksums.of(output, LocalDate.parse(date));
    }
}
