package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.publish.CanonicalRows;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A night with {@code publish: {postgres: ...}} through the command line, on the golden daily_sales
 * fixture (src/test/resources/golden/daily_sales: two sources, so most marts are empty but every
 * table is published), against a real PostgreSQL 14 started by the test. Every table of the
 * published warehouse file is in the PostgreSQL schema with the same rows (count and checksum,
 * each side read through its own driver), with the warehouse file's comments. The swap under
 * readers and failures: PostgresPublisherTest; the sample data's nights: PostgresPublishSampleNightsTest.
 */
class PostgresPublishNightTest {
    @TempDir
    static Path tmp;

    static EmbeddedPostgres pg;
    static Cli.Result night;
    static Map<String, CanonicalRows.Summary> inDuckDb;
    static Map<String, CanonicalRows.Summary> inPostgres;
    static Map<String, String> duckDbComments;
    static Map<String, String> postgresComments;

    @BeforeAll
    static void publishANight() throws Exception {
        pg = EmbeddedPostgres.start();
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), tmp.resolve("orders.csv"));
        Path job = Files.writeString(tmp.resolve("job.yaml"), """
                name: pg_publish
                business_date: 2026-03-31
                output: out
                reject_threshold: "100%%"   # the golden orders quarantine most rows on purpose
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                publish:
                  postgres: {url: "jdbc:postgresql://localhost:%d/postgres", user: postgres, schema: crm, read_role: bi_read}
                """.formatted(pg.getPort()));
        night = Cli.run("run", "--config", job.toString());
        Path warehouse = tmp.resolve("out/warehouse.duckdb");
        inDuckDb = PublishedTables.ofDuckDb(warehouse);
        duckDbComments = new TreeMap<>();
        try (Connection c = Db.openReadOnly(warehouse)) {
            for (String row : Db.queryStrings(c, "SELECT table_name || '.' || column_name || '=' || comment "
                    + "FROM duckdb_columns() WHERE database_name = current_database() AND comment IS NOT NULL "
                    + "UNION ALL SELECT table_name || '=' || comment FROM duckdb_tables() "
                    + "WHERE database_name = current_database() AND comment IS NOT NULL")) {
                duckDbComments.put(row.substring(0, row.indexOf('=')), row.substring(row.indexOf('=') + 1));
            }
        }
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            inPostgres = PublishedTables.ofPostgres(c, "crm");
            postgresComments = new TreeMap<>();
            for (String row : PublishedTables.strings(c, "SELECT c.relname || coalesce('.' || a.attname, '') || '=' "
                    + "|| d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid "
                    + "AND a.attnum = d.objsubid AND d.objsubid > 0 WHERE n.nspname = 'crm' "
                    + "AND d.classoid = 'pg_class'::regclass")) {
                postgresComments.put(row.substring(0, row.indexOf('=')), row.substring(row.indexOf('=') + 1));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void theNightPublishesToPostgres() {
        assertThat(night.exit()).as(night.err()).isZero();
    }

    @Test
    void everyTableOfTheWarehouseFileIsInPostgresWithTheSameRows() {
        assertThat(inDuckDb).containsKeys("mart_daily_sales", "stg_orders", "quarantine", "warehouse_info");
        assertThat(inDuckDb.get("quarantine").rows()).isGreaterThan(0);
        assertThat(inDuckDb.get("mart_daily_sales").rows()).isEqualTo(3); // the fixture's README: 3 day x channel rows
        assertThat(inPostgres).isEqualTo(inDuckDb);
    }

    @Test
    void postgresHasTheWarehouseFilesCommentsAndOnEveryTable() {
        assertThat(duckDbComments).isNotEmpty();
        assertThat(postgresComments).containsAllEntriesOf(duckDbComments);
        List<String> uncommented = inPostgres.keySet().stream().filter(t -> !postgresComments.containsKey(t)).toList();
        assertThat(uncommented).isEmpty();
        assertThat(postgresComments.get("warehouse_info.business_date")).isEqualTo("The business date of the published night.");
    }
}
