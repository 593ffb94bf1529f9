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
}
