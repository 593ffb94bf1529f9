package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.crmwarehouse.publish.PublishHooks;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 7 (and item 2's "the snapshot is a file of its own"): Parquet readers are safe
 * during and after a publish, a failed publish leaves the previous night visible, and the
 * snapshot is not the live warehouse file under another name.
 *
 * <p>The readers run the README's glob, {@code read_parquet('<out>/marts/mart_daily_sales/*&#47;*.parquet',
 * hive_partitioning = true)}, and open {@code warehouse.duckdb} read-only, in a loop in another
 * thread, and count every read that fails and every read where the folder of a date whose night
 * completed is missing. (The folder of a new date whose night was killed after its rename is
 * visible until the restart rolls it back, and then gone until the night is published again:
 * the rollback's purpose, not a missing folder.) Night inputs are the first n order lines of the golden daily_sales fixture, whose
 * revenue was added up by hand (see SafePublishingTest): n = 3: 345, 4: 375, 5: 275, 6: 375.
 */
class SafeParquetPublishingTest {
    private static final Map<Integer, BigDecimal> REVENUE = Map.of(3, new BigDecimal("345.00"),
            4, new BigDecimal("375.00"), 5, new BigDecimal("275.00"), 6, new BigDecimal("375.00"));

    @TempDir
    Path tmp;

    private Path config(String date, int lines) throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        if (!Files.exists(tmp.resolve("customers.csv"))) {
            Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        }
        Files.write(tmp.resolve("orders.csv"), Files.readAllLines(golden.resolve("orders.csv")).subList(0, 1 + lines));
        Path config = tmp.resolve("job.yaml");
        Files.writeString(config, """
                name: safe_parquet
                business_date: %s
                output: out
                reject_threshold: "100%%"   # the golden fixture quarantines rows on purpose
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(date, tmp.resolve("repo/batch")));
        return config;
    }

    private Readers readers;

    private void night(String date, int lines) throws Exception {
        Cli.Result r = Cli.run("run", "--config", config(date, lines).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        if (readers != null) {
            readers.committed.add(date);
        }
    }

    /**
     * Reads in a loop; counts failed reads, reads that miss a date folder seen before, and reads
     * whose revenue is none of the hand figures (a read that mixed two nights' bytes). A read
     * that fails while {@link #replacing} is set is counted apart: DuckDB (1.5) reads a file's
     * footer through one handle and its row groups through another opened by path, so a query
     * that straddles the rename replacing a rerun's file fails ("TProtocolException: Invalid
     * data", "Prefetch registered for bytes outside file", "don't know what type"; reproduced
     * outside the project with a file renamed over in a loop). Publish cannot prevent it for a
     * path it must keep, and the README tells readers to retry. The reads are sequential, so at
     * most one can straddle each rename.
     */
    static final class Readers implements AutoCloseable {
        final Path out;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicLong reads = new AtomicLong();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final List<String> replacedWhileRead = Collections.synchronizedList(new ArrayList<>());
        /** Set by the test while a night that replaces files of a published date runs. */
        final AtomicBoolean replacing = new AtomicBoolean();
        final TreeSet<String> seen = new TreeSet<>();
        /** Dates whose night completed: their folder must be there for every later read. */
        final java.util.Set<String> committed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final Thread thread;

        Readers(Path out) {
            this.out = out;
            thread = new Thread(this::loop, "parquet-reader");
            thread.start();
        }

        private void loop() {
            String glob = out.resolve("marts").toAbsolutePath() + "/mart_daily_sales/*/*.parquet";
            while (!done.get()) {
                if (!Files.exists(out.resolve("warehouse.duckdb"))) {
                    Thread.onSpinWait();
                    continue;
                }
                boolean replacingAtStart = replacing.get();
                // a fresh connection per read: a failed query must not spoil the next read
                try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
                    TreeSet<String> dates = new TreeSet<>();
                    TreeSet<String> mustSee = new TreeSet<>(committed);
                    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                            "SELECT CAST(business_date AS VARCHAR), count(*), sum(revenue) FROM read_parquet("
                                    + Sql.literal(glob) + ", hive_partitioning = true) GROUP BY 1")) {
                        while (rs.next()) {
                            dates.add(rs.getString(1));
                            BigDecimal revenue = rs.getBigDecimal(3);
                            if (REVENUE.values().stream().noneMatch(r -> r.compareTo(revenue) == 0)) {
                                failures.add(rs.getString(1) + ": revenue " + revenue + " is no night's");
                            }
                        }
                    }
                    synchronized (seen) {
                        if (!dates.containsAll(mustSee)) {
                            TreeSet<String> missing = new TreeSet<>(mustSee);
                            missing.removeAll(dates);
                            failures.add("date folder(s) missing: " + missing);
                        }
                        seen.addAll(dates);
                    }
                    try (Connection w = Db.openReadOnly(out.resolve("warehouse.duckdb"));
                            Statement s = w.createStatement();
                            ResultSet rs = s.executeQuery("SELECT business_date FROM warehouse_info")) {
                        rs.next();
                    }
                    reads.incrementAndGet();
                    Thread.sleep(2); // leave the publishing process some CPU
                } catch (Exception e) {
                    String first = e.toString().lines().findFirst().orElse("");
                    (replacingAtStart || replacing.get() ? replacedWhileRead : failures).add(first);
                }
            }
        }

        /** Lets the readers see the current state for a while (a few reads at least). */
        void settle() throws InterruptedException {
            long until = reads.get() + 5;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (reads.get() < until && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            done.set(true);
            thread.join(30_000);
        }
    }

    /** Which night the warehouse shows, and the mart revenue of its date in warehouse and Parquet. */
    record State(String warehouseDate, BigDecimal warehouseRevenue, Map<String, BigDecimal> parquetRevenue) {
    }

    static State state(Path out) throws Exception {
        Map<String, BigDecimal> parquet = new TreeMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT CAST(business_date AS VARCHAR), sum(revenue) FROM read_parquet("
                        + Sql.literal(out.resolve("marts").toAbsolutePath() + "/mart_daily_sales/*/*.parquet")
                        + ", hive_partitioning = true) GROUP BY 1")) {
            while (rs.next()) {
                parquet.put(rs.getString(1), rs.getBigDecimal(2));
            }
        }
        try (Connection w = Db.openReadOnly(out.resolve("warehouse.duckdb")); Statement s = w.createStatement();
                ResultSet rs = s.executeQuery("SELECT CAST((SELECT business_date FROM warehouse_info) AS VARCHAR), "
                        + "(SELECT sum(revenue) FROM mart_daily_sales)")) {
            rs.next();
            return new State(rs.getString(1), rs.getBigDecimal(2), parquet);
        }
    }

    private static List<String> names(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // issue 13, publish
    @Test
    @Tag("acceptance") // six nights with readers in a loop (about 45 s): mvn -B test -Pacceptance, as the kill variant
    void readersOfTheReadmeGlobNeverFailWhileNightsArePublishedAndRerun() throws Exception {
        Path out = tmp.resolve("out");
        try (Readers readers = new Readers(out)) {
            this.readers = readers;
            int[] lines = {3, 4, 5, 6};
            for (int k = 1; k <= 3; k++) {
                String date = "2026-04-0" + k;
                night(date, lines[k - 1]);
                readers.settle();
                readers.replacing.set(true);
                night(date, lines[k]); // a rerun of the date, with other input
                readers.replacing.set(false);
                readers.settle();
            }
            readers.close();
            System.out.printf("[safe-parquet] %d reads during 6 publishes, failures: %s, straddling a rerun's rename: %s%n",
                    readers.reads.get(), readers.failures, readers.replacedWhileRead);
            assertThat(readers.failures).as("reads that failed, missed a date folder or mixed nights").isEmpty();
            assertThat(readers.replacedWhileRead).as("at most one per rerun (3)").hasSizeLessThanOrEqualTo(3);
            assertThat(readers.reads.get()).isGreaterThan(20);
            assertThat(readers.seen).containsExactly("2026-04-01", "2026-04-02", "2026-04-03");
        }
        assertThat(names(out.resolve("marts"))).as("nothing hidden or temporary in marts/: a folder per table")
                .allMatch(n -> n.startsWith("mart_") || n.startsWith("dim_") || n.startsWith("warehouse_") || n.equals("quarantine"))
                .contains("mart_daily_sales", "quarantine");
        for (String table : names(out.resolve("marts"))) {
            assertThat(names(out.resolve("marts").resolve(table))).as(table + ": nothing hidden or temporary")
                    .containsExactly("business_date=2026-04-01", "business_date=2026-04-02", "business_date=2026-04-03");
        }
        State s = state(out);
        assertThat(s.warehouseDate()).isEqualTo("2026-04-03");
        assertThat(s.warehouseRevenue()).isEqualByComparingTo(REVENUE.get(6));
        assertThat(s.parquetRevenue()).containsEntry("2026-04-03", s.warehouseRevenue());
    }

    @Test
    void writingToTheWarehouseFileDoesNotChangeTheSnapshot() throws Exception {
        night("2026-04-01", 3);
        Path out = tmp.resolve("out");
        List<String> snapshots = names(out.resolve("snapshots"));
        assertThat(snapshots).hasSize(1);
        Path snapshot = out.resolve("snapshots").resolve(snapshots.get(0));
        try (Connection w = Db.open(out.resolve("warehouse.duckdb")); Statement s = w.createStatement()) {
            s.execute("DROP TABLE mart_churn");
            s.execute("UPDATE mart_daily_sales SET revenue = 0");
        }
        try (Connection db = Db.openReadOnly(snapshot); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT sum(revenue) FROM mart_daily_sales), "
                        + "(SELECT count(*) FROM duckdb_tables() WHERE table_name = 'mart_churn')")) {
            rs.next();
            assertThat(rs.getBigDecimal(1)).as("snapshot revenue (hand figure)").isEqualByComparingTo(REVENUE.get(3));
            assertThat(rs.getLong(2)).as("mart_churn still in the snapshot").isEqualTo(1);
        }
    }

    @Test
    void aPublishThatFailsWhileSwitchingLeavesThePreviousNightVisible() throws Exception {
        Path out = tmp.resolve("out");
        night("2026-04-01", 3);
        // {date, order lines, point}: a new date failing once its Parquet folder is in, then
        // reruns of it failing once the warehouse is in, and with half of its files replaced
        Object[][] cases = {{"2026-04-02", 5, "parquet-switched"}, {"2026-04-02", 4, "warehouse-switched"},
                {"2026-04-02", 3, "parquet-half-switched"}};
        for (Object[] c : cases) {
            String date = (String) c[0];
            int lines = (Integer) c[1];
            String point = (String) c[2];
            State before = state(out);
            List<String> folders = names(out.resolve("marts/mart_daily_sales"));
            List<String> tables = names(out.resolve("marts"));
            List<String> snapshots = names(out.resolve("snapshots"));
            System.setProperty(PublishHooks.FAIL_ENV, point);
            try {
                Cli.Result r = Cli.run("run", "--config", config(date, lines).toString());
                assertThat(r.exit()).as("publish failing at " + point).isNotZero();
                assertThat(r.err()).contains("simulated failure at " + point);
            } finally {
                System.clearProperty(PublishHooks.FAIL_ENV);
            }
            assertThat(state(out)).as("after a failure at " + point + " publishing " + date).isEqualTo(before);
            assertThat(names(out.resolve("marts/mart_daily_sales"))).isEqualTo(folders);
            assertThat(names(out.resolve("marts"))).isEqualTo(tables);
            assertThat(names(out.resolve("snapshots"))).isEqualTo(snapshots);
            assertThat(names(out)).doesNotContain(".publishing");
            // the restart publishes the night whole
            night(date, lines);
            State after = state(out);
            assertThat(after.warehouseDate()).isEqualTo(date);
            assertThat(after.warehouseRevenue()).isEqualByComparingTo(REVENUE.get(lines));
            assertThat(after.parquetRevenue()).containsEntry(date, after.warehouseRevenue())
                    .containsEntry("2026-04-01", REVENUE.get(3));
        }
    }

    /**
     * A night killed (SIGKILL) at every named point of publish (see PublishHooks), in a child
     * JVM, then restarted in this one, while the readers loop: no failed read but across a
     * rename (at most two per case, see Readers), no date folder ever missing, no mixed read,
     * and after each restart the warehouse and the Parquet show the same night.
     */
    @Test
    @Tag("acceptance") // 9 child JVMs killed and restarted: mvn -B test -Pacceptance (.ci/run runs it)
    void readersNeverFailAcrossKillsAtEveryPointOfPublish() throws Exception {
        Path out = tmp.resolve("out");
        night("2026-04-01", 3);
        // {point, whether the killed night is a new date (else a rerun of the latest)}
        Object[][] points = {{"parquet-staged", true}, {"warehouse-staged", false}, {"snapshot-copied", false},
                {"journal-written", true}, {"parquet-half-switched", false}, {"parquet-switched", true},
                {"warehouse-switched", false}, {"snapshot-switched", true}, {"committed", false}};
        int day = 1;
        try (Readers readers = new Readers(out)) {
            this.readers = readers;
            readers.committed.add("2026-04-01");
            // every case replaces published files (a rerun, or the restart of a night whose
            // switch had begun): reads failing across a rename are counted apart, see Readers
            readers.replacing.set(true);
            for (int i = 0; i < points.length; i++) {
                String point = (String) points[i][0];
                if ((Boolean) points[i][1]) {
                    day++;
                }
                String date = "2026-04-0" + day;
                int lines = 3 + (i + 1) % 4;
                Path config = config(date, lines);
                try (ChildProcess child = ChildProcess.start(tmp, Map.of(PublishHooks.PAUSE_ENV, point,
                        PublishHooks.SECONDS_ENV, "120"), "run", "--config", config.toString())) {
                    assertThat(child.awaitLine(PublishHooks.MARKER + point, 120)).as(child.output()).isTrue();
                    readers.settle();
                    child.process.destroyForcibly();
                    assertThat(child.waitFor(30)).isEqualTo(137);
                }
                readers.settle();
                night(date, lines); // the restart: rolls back what the killed night switched, publishes again
                State s = state(out);
                assertThat(s.warehouseDate()).as("after a kill at " + point).isEqualTo(date);
                assertThat(s.warehouseRevenue()).as("after a kill at " + point).isEqualByComparingTo(REVENUE.get(lines));
                assertThat(s.parquetRevenue()).as("after a kill at " + point).containsEntry(date, s.warehouseRevenue());
                assertThat(names(out)).doesNotContain(".publishing");
                assertThat(names(out.resolve("snapshots"))).as("one snapshot per date")
                        .hasSize(s.parquetRevenue().size());
                readers.settle();
            }
            readers.close();
            System.out.printf("[safe-parquet] %d reads across %d kills in publish, failures: %s, straddling a rename: %s%n",
                    readers.reads.get(), points.length, readers.failures, readers.replacedWhileRead);
            assertThat(readers.failures).as("reads that failed, missed a date folder or mixed nights").isEmpty();
            // a file of mart_daily_sales is replaced at most twice per case (the killed night's
            // switch or its rollback, then the restart's): at most one straddling read each
            assertThat(readers.replacedWhileRead).hasSizeLessThanOrEqualTo(2 * points.length);
            assertThat(readers.seen).hasSize(day);
        }
    }
}
