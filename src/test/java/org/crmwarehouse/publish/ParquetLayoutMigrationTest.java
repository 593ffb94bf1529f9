package org.crmwarehouse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: an output folder in the layout before it ({@code marts/business_date=<d>/<table>.parquet},
 * every table of a night side by side, business_date also inside the files that have it) is
 * moved to {@code marts/<table>/business_date=<d>/<table>.parquet} by the first run's recovery,
 * before anything else. The rows are written here by hand (two nights, two tables), and read
 * back through the per-table glob with Hive partitioning.
 */
class ParquetLayoutMigrationTest {
    @TempDir
    Path tmp;

    private JobConfig config() {
        return new JobConfig(tmp.resolve("job.yaml"), "migrate", LocalDate.of(2026, 4, 2), tmp.resolve("out"), null,
                Map.of(), Map.of(), Map.of());
    }

    /** Writes the old layout: mart_daily_sales (no business_date column) and quarantine (with one). */
    private void oldLayout(Connection db) throws Exception {
        for (String date : List.of("2026-04-01", "2026-04-02")) {
            Path night = Files.createDirectories(tmp.resolve("out/marts/business_date=" + date));
            Db.execute(db, "COPY (SELECT * FROM (VALUES ('shop', 100.00 + " + date.substring(9) + "), ('web', 5.00))"
                    + " t(channel, revenue)) TO " + Sql.literal(night.resolve("mart_daily_sales.parquet")) + " (FORMAT parquet)");
            Db.execute(db, "COPY (SELECT DATE " + Sql.literal(date) + " AS business_date, 'orders' AS entity,"
                    + " 'NOT_ALLOWED' AS reason_code) TO " + Sql.literal(night.resolve("quarantine.parquet"))
                    + " (FORMAT parquet)");
        }
    }

    @Test
    void theFirstRunMovesTheDateFirstLayoutToOneFolderPerTable() throws Exception {
        try (Connection db = Db.inMemory()) {
            oldLayout(db);
            Publisher.recover(config());
            Path marts = tmp.resolve("out/marts");
            assertThat(names(marts)).containsExactly("mart_daily_sales", "quarantine");
            assertThat(names(marts.resolve("quarantine"))).containsExactly("business_date=2026-04-01",
                    "business_date=2026-04-02");
            assertThat(names(marts.resolve("mart_daily_sales/business_date=2026-04-02"))).containsExactly(
                    "mart_daily_sales.parquet");
            assertThat(names(tmp.resolve("out"))).containsExactly("marts"); // no staging left
            // business_date is the folder's, no longer in the file (Spark and Trino refuse a duplicate)
            assertThat(Db.queryStrings(db, "SELECT name FROM parquet_schema(" + Sql.literal(
                    marts.resolve("quarantine/business_date=2026-04-01/quarantine.parquet")) + ") WHERE name <> 'duckdb_schema'"))
                    .containsExactly("entity", "reason_code");
            // one glob per table, every night, business_date a column: the figures written above
            assertThat(Db.queryStrings(db, "SELECT business_date || ' ' || channel || ' ' || revenue FROM read_parquet("
                    + Sql.literal(marts + "/mart_daily_sales/*/*.parquet") + ", hive_partitioning = true) ORDER BY ALL"))
                    .containsExactly("2026-04-01 shop 101.00", "2026-04-01 web 5.00", "2026-04-02 shop 102.00",
                            "2026-04-02 web 5.00");
            assertThat(Db.queryStrings(db, "SELECT business_date || ' ' || reason_code FROM read_parquet("
                    + Sql.literal(marts + "/quarantine/*/*.parquet") + ", hive_partitioning = true) ORDER BY ALL"))
                    .containsExactly("2026-04-01 NOT_ALLOWED", "2026-04-02 NOT_ALLOWED");

            Publisher.recover(config()); // a second run: nothing left to move
            assertThat(names(marts)).containsExactly("mart_daily_sales", "quarantine");
        }
    }

    @Test
    void aMigrationKilledBetweenTheRenameAndTheDeleteIsFinishedByTheNextRun() throws Exception {
        try (Connection db = Db.inMemory()) {
            oldLayout(db);
            // as if killed after the new file of 04-01's mart_daily_sales was renamed in
            Path moved = Files.createDirectories(tmp.resolve("out/marts/mart_daily_sales/business_date=2026-04-01"));
            Files.copy(tmp.resolve("out/marts/business_date=2026-04-01/mart_daily_sales.parquet"),
                    moved.resolve("mart_daily_sales.parquet"));
            Publisher.recover(config());
            assertThat(names(tmp.resolve("out/marts"))).containsExactly("mart_daily_sales", "quarantine");
            assertThat(Db.queryLong(db, "SELECT count(*) FROM read_parquet(" + Sql.literal(tmp.resolve("out/marts")
                    + "/mart_daily_sales/*/*.parquet") + ", hive_partitioning = true)")).isEqualTo(4);
        }
    }

    @Test
    void aJournalOfTheEarlierVersionIsAClearError() throws Exception {
        Path stage = Files.createDirectories(tmp.resolve("out/.publishing"));
        Files.writeString(stage.resolve("journal.properties"), "marts_folder=marts/business_date\\=2026-04-01\n");
        assertThatThrownBy(() -> Publisher.recover(config())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("left by a publish of an earlier version").hasMessageContaining("Delete " + stage);
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
