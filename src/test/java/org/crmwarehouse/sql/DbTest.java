package org.crmwarehouse.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbTest {
    @TempDir
    Path tmp;

    /**
     * Issue 16 item 6: an output folder holding ';' failed with DuckDB's "Invalid URL entry: drop
     * table x" (the rest of the path read as a connection option). The file must be written where
     * it was asked for, WAL included, and read back.
     */
    @Test
    void aFolderHoldingSemicolonsIsAFolderLikeAnyOther() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("out;drop table x;memory_limit=1KB"));
        Path file = folder.resolve("work.duckdb");
        try (Connection db = Db.open(file)) {
            Db.execute(db, "CREATE TABLE t AS SELECT 42 AS answer");
        }
        assertThat(file).exists();
        try (Connection db = Db.openReadOnly(file)) {
            assertThat(Db.queryLong(db, "SELECT answer FROM t")).isEqualTo(42L);
        }
        try (var list = Files.list(tmp)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("out;drop table x;memory_limit=1KB");
        }
    }

    /**
     * Issue 18 item 5: without CRM_WAREHOUSE_DUCKDB_MEMORY the work database is capped at 8 GiB (this
     * machine has more than 16 GiB; a smaller one gets half its memory) and spills beside its file.
     */
    @Test
    void theWorkDatabaseHasAMemoryCapAndSpillsBesideItsFile() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(Db.MEMORY_LIMIT_ENV) == null,
                Db.MEMORY_LIMIT_ENV + " is set");
        Path file = tmp.resolve("work").resolve("build.duckdb");
        Files.createDirectories(file.getParent());
        try (Connection db = Db.open(file)) {
            long ram = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize();
            long expectedMiB = Math.min(8 * 1024, ram / 2 / (1024 * 1024));
            // DuckDB reports the limit rounded in its own units, e.g. "8.0 GiB"
            double reportedMiB = Db.queryLong(db, "SELECT CAST(round(value / 1048576) AS BIGINT) FROM (SELECT"
                    + " CAST(regexp_extract(current_setting('memory_limit'), '([0-9.]+)', 1) AS DOUBLE) * CASE"
                    + " regexp_extract(current_setting('memory_limit'), '([KMGT]i?B)', 1) WHEN 'GiB' THEN 1073741824"
                    + " WHEN 'MiB' THEN 1048576 WHEN 'TiB' THEN 1099511627776 ELSE 1 END AS value)");
            assertThat(reportedMiB).isCloseTo(expectedMiB, org.assertj.core.api.Assertions.within(0.01 * expectedMiB + 1));
            assertThat(Db.queryStrings(db, "SELECT current_setting('temp_directory')"))
                    .containsExactly(file.getParent().resolve(Db.TEMP_FOLDER).toString());
        }
    }
}
