package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 2: {@code sql} is read-only. One night of the golden daily_sales fixture
 * (src/test/resources/golden/daily_sales, whose README works out by hand that 2026-03-01
 * shop/S1 has revenue 345.00) is published; then every escape the issue found is tried through
 * the real command line, each must end in one clear error line, and afterwards the warehouse,
 * its snapshot and the output folder are byte for byte what the night left and no file was
 * written or read outside it. Plain queries, DESCRIBE and the Parquet marts still work.
 */
class SqlReadOnlyTest {
    @TempDir
    static Path tmp;

    static Path config;
    static Path out;
    static Path snapshot;
    static Path secret;
    static Cli.Result night;
    static String outputBefore;

    @BeforeAll
    static void publishOneNight() throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), tmp.resolve("orders.csv"));
        config = Files.writeString(tmp.resolve("job.yaml"), """
                name: sql_read_only
                business_date: 2026-03-31
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                reject_threshold: "100%%"   # the golden orders quarantine most rows on purpose
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(tmp.resolve("repo").resolve("batch")));
        night = Cli.run("run", "--config", config.toString());
        out = tmp.resolve("out");
        try (Stream<Path> s = Files.list(out.resolve("snapshots"))) {
            snapshot = s.filter(p -> p.toString().endsWith(".duckdb")).findFirst().orElseThrow();
        }
        secret = Files.writeString(tmp.resolve("secret.txt"), "the-secret-text\n");
        outputBefore = fingerprint();
    }

    private static Cli.Result sql(String query) {
        return Cli.run("sql", "--config", config.toString(), "--format", "csv", query);
    }

    /** The one error line of a refused query (exit non-zero, nothing on stdout). */
    private static String refused(String query) {
        Cli.Result r = sql(query);
        assertThat(r.exit()).as("exit of: " + query).isNotZero();
        assertThat(r.out()).as("stdout of: " + query).isEmpty();
        assertThat(r.errLines()).as("stderr of: " + query).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("crm-warehouse: error: ");
        return r.errLines().get(0);
    }

    /** Every file under tmp with its size and SHA-256 (the H2 job repository aside: status may touch it). */
    private static String fingerprint() throws Exception {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path p : files.sorted().toList()) {
                if (p.startsWith(tmp.resolve("repo"))) {
                    continue;
                }
                b.append(tmp.relativize(p));
                if (Files.isRegularFile(p)) {
                    b.append(' ').append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p))));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void theNightPublishes() {
        assertThat(night.exit()).as(night.err()).isZero();
        assertThat(out.resolve("warehouse.duckdb")).exists();
    }

    @Test
    void plainQueriesDescribeAndTheParquetMartsStillWork() {
        Cli.Result r = sql("select revenue from mart_daily_sales where sales_date = '2026-03-01' and channel = 'shop' "
                + "and salesperson = 'S1';");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("revenue", "345.00");  // the golden README's hand figure

        Cli.Result describe = sql("describe mart_churn");
        assertThat(describe.exit()).as(describe.err()).isZero();
        assertThat(describe.out()).startsWith("column_name,");

        Cli.Result parquet = sql("select revenue, business_date from read_parquet('" + out
                + "/marts/mart_daily_sales/*/*.parquet', hive_partitioning = true) where sales_date = '2026-03-01' "
                + "and channel = 'shop' and salesperson = 'S1'");
        assertThat(parquet.exit()).as(parquet.err()).isZero();
        assertThat(parquet.out().lines()).containsExactly("revenue,business_date", "345.00,2026-03-31");
    }

    /** Issue 16 item 7: --format json, numbers as numbers (345.00 exactly), NULL as null, dates as text. */
    @Test
    void jsonFormatKeepsTypes() throws Exception {
        Cli.Result r = Cli.run("sql", "--config", config.toString(), "--format", "json",
                "select revenue, sales_date, channel, cast(null as integer) as nothing, 2 = 2 as yes from mart_daily_sales "
                        + "where sales_date = '2026-03-01' and channel = 'shop' and salesperson = 'S1'");
        assertThat(r.exit()).as(r.err()).isZero();
        var rows = tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(1);
        var row = rows.get(0);
        assertThat(row.get("revenue").isNumber()).isTrue();
        assertThat(row.get("revenue").decimalValue()).isEqualByComparingTo("345.00"); // the golden README's figure
        assertThat(row.get("sales_date").asString()).isEqualTo("2026-03-01");
        assertThat(row.get("channel").asString()).isEqualTo("shop");
        assertThat(row.get("nothing").isNull()).isTrue();
        assertThat(row.get("yes").asBoolean()).isTrue();
    }

    @Test
    void everyEscapeIsRefusedAndNothingChanges() throws Exception {
        // the issue's own: make the latest snapshot writable, then drop a mart and zero the revenue
        assertThat(refused("ATTACH '" + snapshot + "' AS s (READ_WRITE); DROP TABLE s.mart_churn; "
                + "UPDATE s.mart_daily_sales SET revenue = 0"))
                .contains("sql runs one read-only query").contains("not a query");
        assertThat(refused("ATTACH '" + snapshot + "' AS s (READ_WRITE)")).contains("not a query");
        // one query first, then statements that write: only one statement may run, so none runs
        assertThat(refused("select 1; COPY mart_daily_sales TO '" + tmp.resolve("copied.csv") + "'"))
                .contains("not a query");
        assertThat(refused("select 1; select 2")).contains("it holds 2 statements");
        // a ';' hidden from a scan for ';' is still seen by DuckDB's parser
        assertThat(refused("select $$'$$ as a; COPY mart_daily_sales TO '" + tmp.resolve("hidden.csv") + "'; "
                + "select 1 as b")).contains("not a query");
        assertThat(refused("select 1 /* ' */; COPY mart_daily_sales TO '" + tmp.resolve("hidden2.csv") + "'"))
                .contains("not a query");
        // writing files, even beside the marts DuckDB may read
        assertThat(refused("COPY mart_daily_sales TO '" + tmp.resolve("copied.csv") + "'")).contains("not a query");
        assertThat(refused("COPY (select 1) TO '" + out.resolve("marts").resolve("x.csv") + "'"))
                .contains("not a query");
        // a new database holding a mart
        assertThat(refused("ATTACH '" + tmp.resolve("new.duckdb") + "' AS n")).contains("not a query");
        assertThat(refused("CREATE TABLE n AS SELECT * FROM mart_churn")).contains("not a query");
        // reading other files: only the warehouse and its marts folder are open
        for (String read : List.of("select * from read_text('/etc/shadow')", "select * from read_text('" + secret + "')",
                "select * from read_csv('" + tmp.resolve("customers.csv") + "')", "select * from '" + tmp.resolve(
                        "customers.csv") + "'", "select * from read_blob('" + snapshot + "')", "select * from glob('"
                        + tmp + "/*')", "select * from read_text('" + out + "/marts/../snapshots/*')")) {
            assertThat(refused(read)).as(read).contains("Permission Error")
                    .contains("sql reads the warehouse and the Parquet files under " + out.resolve("marts"));
        }
        // extensions: neither installed nor loaded, nor autoloaded by a function of theirs
        assertThat(refused("INSTALL httpfs")).contains("not a query");
        assertThat(refused("LOAD parquet")).contains("not a query");
        assertThat(refused("select * from read_xlsx('" + tmp.resolve("x.xlsx") + "')"))
                .doesNotContain("http").contains("Error");
        // the configuration: no SET, RESET or PRAGMA runs, and the settings are locked anyway
        assertThat(refused("SET enable_external_access = true")).contains("not a query");
        assertThat(refused("RESET lock_configuration")).contains("not a query");
        assertThat(refused("PRAGMA enable_profiling")).contains("not a query");

        // nothing written, nothing changed: same files, same bytes; the marts still there
        assertThat(fingerprint()).isEqualTo(outputBefore);
        try (Connection w = Db.openReadOnly(out.resolve("warehouse.duckdb"))) {
            assertThat(Db.tableExists(w, "mart_churn")).isTrue();
            assertThat(Db.queryStrings(w, "SELECT revenue FROM mart_daily_sales WHERE sales_date = '2026-03-01' "
                    + "AND channel = 'shop' AND salesperson = 'S1'")).containsExactly("345.00");
        }
    }

    @Test
    void theSecretIsNotPrinted() {
        Cli.Result r = sql("select content from read_text('" + secret + "')");
        assertThat(r.out()).doesNotContain("the-secret-text");
        assertThat(r.err()).doesNotContain("the-secret-text");
    }
}
