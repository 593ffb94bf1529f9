package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.crmwarehouse.publish.CanonicalRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample data's nights (data-samples/, every table filled) published to a real PostgreSQL 14
 * started by the test, three nights in a row. After each night every table in PostgreSQL equals
 * the warehouse file's (row count and checksum, each read through its own driver). During nights
 * 2 and 3 a BI login (member of the read role) queries in a loop the tables that carry the
 * business date, all in one statement: it never fails and never sees two nights at once.
 * Acceptance: three whole nights take minutes.
 */
@Tag("acceptance")
class PostgresPublishSampleNightsTest {
    private static final List<String> DATES = List.of("2026-06-28", "2026-06-29", "2026-06-30");
    private static final List<String> DATED_TABLES = List.of("mart_pareto_summary", "mart_receivables_aging",
            "mart_reminders", "mart_subscription_value", "mart_tier_migration", "mart_model_fit");

    @TempDir
    static Path tmp;

    static EmbeddedPostgres pg;
    static final List<Cli.Result> nights = new ArrayList<>();
    static final Map<String, Map<String, CanonicalRows.Summary>> inDuckDb = new LinkedHashMap<>();
    static final Map<String, Map<String, CanonicalRows.Summary>> inPostgres = new LinkedHashMap<>();
    static final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    static final Set<String> seen = new ConcurrentSkipListSet<>();
    static final AtomicLong reads = new AtomicLong();

    @BeforeAll
    static void publishNights() throws Exception {
        pg = EmbeddedPostgres.start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE ROLE bi_user LOGIN");
        }
        Path samples = Path.of("data-samples").toAbsolutePath();
        StringBuilder sources = new StringBuilder();
        for (String entity : List.of("customers", "leads", "campaigns", "funnel_events", "orders", "payments",
                "contacts", "expenses", "ad_performance", "subscriptions")) {
            sources.append("  ").append(entity).append(": {path: \"").append(samples.resolve(entity + ".csv"))
                    .append("\"}\n");
        }
        Path job = Files.writeString(tmp.resolve("job.yaml"), """
                name: pg_sample
                output: out
                reject_threshold: "5%%"
                publish:
                  postgres: {url: "jdbc:postgresql://localhost:%d/postgres", user: postgres, schema: crm, read_role: bi_read}
                sources:
                """.formatted(pg.getPort()) + sources);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> read(stop));
        try {
            for (String date : DATES) {
                if (date.equals(DATES.get(1))) {
                    try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                        s.execute("GRANT bi_read TO bi_user");
                    }
                    reader.start();
                }
                nights.add(Cli.run("run", "--config", job.toString(), "--date", date));
                inDuckDb.put(date, PublishedTables.ofDuckDb(tmp.resolve("out/warehouse.duckdb")));
                try (Connection c = pg.getPostgresDatabase().getConnection()) {
                    inPostgres.put(date, PublishedTables.ofPostgres(c, "crm"));
                }
            }
        } finally {
            stop.set(true);
            reader.join(60_000);
        }
    }

    private static void read(AtomicBoolean stop) {
        StringBuilder sql = new StringBuilder("SELECT (SELECT business_date::text FROM crm.warehouse_info)");
        for (String t : DATED_TABLES) {
            sql.append(", (SELECT string_agg(DISTINCT business_date::text, ',') FROM crm.").append(t).append(")");
        }
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        try (Connection c = java.sql.DriverManager.getConnection(url, "bi_user", "");
                PreparedStatement q = c.prepareStatement(sql.toString())) {
            while (!stop.get()) {
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    String date = rs.getString(1);
                    for (int i = 0; i < DATED_TABLES.size(); i++) {
                        String dates = rs.getString(i + 2);
                        if (dates != null && !dates.equals(date)) {
                            failures.add("warehouse_info says " + date + ", " + DATED_TABLES.get(i) + " holds " + dates);
                        }
                    }
                    seen.add(date);
                    reads.incrementAndGet();
                }
                Thread.sleep(5);
            }
        } catch (SQLException | InterruptedException | RuntimeException e) {
            failures.add(e.toString());
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyNightCompletes() {
        assertThat(nights).hasSize(3).allSatisfy(n -> assertThat(n.exit()).as(n.err()).isZero());
    }

    @Test
    void afterEachNightEveryTableInPostgresEqualsTheWarehouseFile() {
        for (String date : DATES) {
            assertThat(inDuckDb.get(date)).as(date).hasSizeGreaterThan(40);
            assertThat(inDuckDb.get(date).get("mart_customer_value").rows()).as(date).isGreaterThan(100);
            assertThat(inPostgres.get(date)).as(date).isEqualTo(inDuckDb.get(date));
        }
        // the nights differ (else equality proves less): the night-dated tables changed
        assertThat(inDuckDb.get(DATES.get(0)).get("warehouse_info"))
                .isNotEqualTo(inDuckDb.get(DATES.get(2)).get("warehouse_info"));
    }

    @Test
    void aReaderDuringTwoPublishesNeverFailsAndNeverSeesTwoNights() {
        assertThat(failures).isEmpty();
        assertThat(seen).contains(DATES.get(0), DATES.get(2));
        assertThat(reads.get()).isGreaterThan(100);
    }
}
