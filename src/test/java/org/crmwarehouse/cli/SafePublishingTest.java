package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe publishing: reader threads open {@code warehouse.duckdb} read-only in a loop while four
 * nights publish one after another, and every read sees one complete night: the night's
 * {@code warehouse_info.business_date}, {@code stg_orders} and {@code mart_daily_sales} all agree
 * with each other, with hand figures and with that night's snapshot file. Then only the
 * {@code keep_snapshots: 2} latest nights' snapshots remain, and every Parquet date folder does.
 *
 * <p>Night k (1..4, business date 2026-04-0k) loads the first 2 + k order lines of the golden
 * daily_sales fixture (all valid; see its README): revenue 200 + 45 + 100 = 345 for 3 lines,
 * + 30 (O3) = 375 for 4, - 100 (the O4 return) = 275 for 5, + 100 (O5) = 375 for 6.
 */
// Several whole nights (20-35 s): in the acceptance profile, which CI runs, so that the default
// test command stays under 10 minutes with the Spark night's equality test in it.
@Tag("acceptance")
class SafePublishingTest {
    private static final Map<String, Long> LINES = Map.of(
            "2026-04-01", 3L, "2026-04-02", 4L, "2026-04-03", 5L, "2026-04-04", 6L);
    private static final Map<String, BigDecimal> REVENUE = Map.of(
            "2026-04-01", new BigDecimal("345"), "2026-04-02", new BigDecimal("375"),
            "2026-04-03", new BigDecimal("275"), "2026-04-04", new BigDecimal("375"));

    @TempDir
    Path tmp;

    record Read(String businessDate, long lines, BigDecimal stagingRevenue, BigDecimal martRevenue, String martMd5) {
    }

    @Test
    void readersAlwaysSeeOneCompleteNightAndOldSnapshotsArePruned() throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        List<String> orders = Files.readAllLines(golden.resolve("orders.csv"));
        Path warehouse = tmp.resolve("out/warehouse.duckdb");
        Map<String, String> snapshotMd5 = new TreeMap<>();
        List<Read> reads = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                while (!done.get()) {
                    if (!Files.exists(warehouse)) {
                        Thread.onSpinWait();
                        continue;
                    }
                    try {
                        reads.add(read(warehouse));
                        Thread.sleep(5);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            }, "reader-" + i);
            t.start();
            readers.add(t);
        }
        try {
            for (int k = 1; k <= 4; k++) {
                String date = "2026-04-0" + k;
                Files.write(tmp.resolve("orders.csv"), orders.subList(0, 3 + k));
                Path config = tmp.resolve("job.yaml");
                Files.writeString(config, """
                        name: safe_publish
                        business_date: %s
                        output: out
                        reject_threshold: "100%%"   # the golden fixture quarantines rows on purpose
                        keep_snapshots: 2
                        repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                        sources:
                          customers: {path: customers.csv}
                          orders: {path: orders.csv}
                        """.formatted(date, tmp.resolve("repo/batch")));
                Cli.Result r = Cli.run("run", "--config", config.toString());
                assertThat(r.exit()).as(r.err()).isZero();
                Path snapshot = onlySnapshotOf(tmp.resolve("out/snapshots"), date);
                snapshotMd5.put(date, read(snapshot).martMd5());
                long until = System.nanoTime() + 30_000_000_000L; // let the readers see this night
                while (System.nanoTime() < until && !seen(reads, date)) {
                    Thread.sleep(20);
                }
            }
        } finally {
            done.set(true);
            for (Thread t : readers) {
                t.join(30_000);
            }
        }
        assertThat(errors).as("reads that failed").isEmpty();
        assertThat(reads).hasSizeGreaterThan(8);
        Map<String, Integer> perNight = new ConcurrentHashMap<>();
        for (Read r : reads) {
            assertThat(LINES).as("business dates published").containsKey(r.businessDate());
            assertThat(r.lines()).as(r.toString()).isEqualTo(LINES.get(r.businessDate()));
            assertThat(r.stagingRevenue()).as(r.toString()).isEqualByComparingTo(REVENUE.get(r.businessDate()));
            assertThat(r.martRevenue()).as(r.toString()).isEqualByComparingTo(REVENUE.get(r.businessDate()));
            assertThat(r.martMd5()).as(r.toString()).isEqualTo(snapshotMd5.get(r.businessDate()));
            perNight.merge(r.businessDate(), 1, Integer::sum);
        }
        System.out.println("[safe-publish] " + reads.size() + " consistent reads during 4 nights, by night: "
                + new TreeMap<>(perNight));
        assertThat(perNight).as("every night was seen by some read").containsOnlyKeys(LINES.keySet());

        // keep_snapshots: 2 -> the two latest nights; warehouse.duckdb is the latest; the Parquet
        // date folders are pruned with the snapshots (issue 17)
        try (Stream<Path> list = Files.list(tmp.resolve("out/snapshots"))) {
            assertThat(list.map(p -> p.getFileName().toString().substring(0, 10)).sorted().toList())
                    .containsExactly("2026-04-03", "2026-04-04");
        }
        assertThat(read(warehouse).businessDate()).isEqualTo("2026-04-04");
        try (Stream<Path> list = Files.list(tmp.resolve("out/marts/mart_daily_sales"))) {
            assertThat(list.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("business_date=2026-04-03", "business_date=2026-04-04");
        }
        for (String date : List.of("2026-04-03", "2026-04-04")) {
            assertThat(tmp.resolve("out/marts/mart_daily_sales/business_date=" + date + "/mart_daily_sales.parquet"))
                    .isRegularFile();
        }
    }

    private static boolean seen(List<Read> reads, String date) {
        synchronized (reads) {
            return reads.stream().anyMatch(x -> date.equals(x.businessDate()));
        }
    }

    private static Path onlySnapshotOf(Path folder, String date) throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            List<Path> of = list.filter(p -> p.getFileName().toString().startsWith(date + "-")).toList();
            assertThat(of).hasSize(1);
            return of.get(0);
        }
    }

    /** One read-only connection: which night, and figures from three tables of it. */
    private static Read read(Path file) throws Exception {
        try (Connection db = Db.openReadOnly(file); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT (SELECT CAST(business_date AS VARCHAR) FROM warehouse_info),
                               (SELECT count(*) FROM stg_orders),
                               (SELECT sum(revenue) FROM stg_orders),
                               (SELECT sum(revenue) FROM mart_daily_sales),
                               (SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)))
                                  FROM mart_daily_sales t)
                        """)) {
            rs.next();
            return new Read(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getString(5));
        }
    }
}
