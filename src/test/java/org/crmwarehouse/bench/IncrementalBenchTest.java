package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.crmwarehouse.cli.CrmWarehouse;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench --incremental-nights 3} at 300 customers, child JVMs and all (~1.5 min): the last
 * night publishes what the independent full run over the final state publishes; every night is
 * reported; the late changes really went through the incremental path (checked in the last
 * night's warehouse against the split's own change tables); a second invocation resumes without
 * running anything again; and a full run over a tampered final state makes the comparison fail,
 * naming the table the tampering changes.
 */
// Long (child JVMs, many nights): in the acceptance profile, which .ci/run also runs (mvn -B test -Pacceptance).
@org.junit.jupiter.api.Tag("acceptance")
class IncrementalBenchTest {
    @TempDir
    static Path tmp;

    static Path work;
    static Run first;
    static Run second;
    static Run third;
    static List<FileTime> markersAfterFirst;
    static List<FileTime> markersAfterSecond;

    record Run(int exit, String printed, JsonNode report) {
    }

    @BeforeAll
    static void benchThreeNights() throws Exception {
        work = tmp.resolve("work");
        first = bench(work);
        markersAfterFirst = markers(work);
        second = bench(work);
        markersAfterSecond = markers(work);
        // an interrupted night 3: it had started (its marker) and never finished (no night-03.json)
        Files.delete(work.resolve("runs").resolve("night-03.json"));
        Files.writeString(work.resolve("runs").resolve("night-03.started"), "interrupted\n");
        third = bench(work);
    }

    static Run bench(Path folder) throws IOException {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new CrmWarehouse()).execute("bench", "--incremental-nights", "3", "--scale", "300",
                    "--seed", "7", "--work", folder.toString(), "--heap", "512m");
        } finally {
            System.setOut(old);
        }
        Path file = folder.resolve("incremental-report.json");
        return new Run(exit, out.toString(StandardCharsets.UTF_8),
                Files.exists(file) ? JsonMapper.builder().build().readTree(Files.readString(file)) : null);
    }

    static List<FileTime> markers(Path folder) throws IOException {
        List<FileTime> times = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder.resolve("runs"))) {
            for (Path f : files.sorted().toList()) {
                times.add(Files.getLastModifiedTime(f));
            }
        }
        return times;
    }

    @Test
    void theLastNightPublishesWhatTheFullRunPublishes() {
        assertThat(first.exit()).as(first.printed()).isZero();
        JsonNode cmp = first.report().path("comparison");
        assertThat(cmp.path("passed").asBoolean()).isTrue();
        assertThat(cmp.path("differing").size()).isZero();
        assertThat(cmp.path("identical").size()).isGreaterThan(20);
        assertThat(cmp.path("quarantineSame").asBoolean()).isTrue();
        assertThat(first.printed()).contains("last night vs full run: SAME");
    }

    @Test
    void everyNightIsReportedWithItsTimesAndDelta() {
        JsonNode r = first.report();
        assertThat(r.path("nightsPlanned").asInt()).isEqualTo(3);
        assertThat(r.path("nightsRunNow").asInt()).isEqualTo(3);
        assertThat(r.path("fullRunRunNow").asBoolean()).isTrue();
        assertThat(r.path("nights").size()).isEqualTo(3);
        List<String> dates = new ArrayList<>();
        for (JsonNode n : r.path("nights")) {
            dates.add(n.path("date").asString());
            assertThat(n.path("run").path("wallSeconds").asDouble()).isPositive();
            assertThat(n.path("run").path("steps").has("transform")).isTrue();
            assertThat(n.path("deltaRows").asLong()).isPositive();
            assertThat(n.path("fractionOfFull").asDouble()).isCloseTo(n.path("run").path("wallSeconds").asDouble()
                    / r.path("fullRun").path("wallSeconds").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
        }
        // night 1: everything up to the last date minus 2 days, then one day each
        assertThat(dates).containsExactly("2026-06-28", "2026-06-29", "2026-06-30");
        assertThat(r.path("summary").path("dailyNights").asInt()).isEqualTo(2);
        assertThat(first.printed()).contains("night 1/3 2026-06-28", "night 3/3 2026-06-30", "median");
        // the full run again after the nights; by hand: its drift is after / before, and the median of
        // the two daily nights is their mean, here over the mean of the two full runs
        assertThat(r.path("fullRunAfterRunNow").asBoolean()).isTrue();
        double before = r.path("fullRun").path("wallSeconds").asDouble();
        double after = r.path("fullRunAfter").path("wallSeconds").asDouble();
        assertThat(after).isPositive();
        assertThat(r.path("summary").path("fullRunDrift").asDouble())
                .isCloseTo(after / before, org.assertj.core.api.Assertions.within(1e-9));
        double median = (r.path("nights").get(1).path("run").path("wallSeconds").asDouble()
                + r.path("nights").get(2).path("run").path("wallSeconds").asDouble()) / 2;
        assertThat(r.path("summary").path("medianDailyFractionOfBothFullRuns").asDouble())
                .isCloseTo(median / ((before + after) / 2), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(first.printed()).contains("full run again after the nights", "of the mean of the two full runs");
        // the initial load carries nearly all rows; a daily night a few
        assertThat(r.path("nights").get(0).path("deltaRows").asLong())
                .isGreaterThan(10 * r.path("nights").get(1).path("deltaRows").asLong());
    }

    @Test
    void theLateChangesWentThroughTheIncrementalPath() throws Exception {
        JsonNode changes = first.report().path("changes");
        assertThat(changes.path("customersUpdatedLate").asLong()).isPositive();
        assertThat(changes.path("ordersDeleted").asLong()).isPositive();
        assertThat(changes.path("contactsFlaggedDeleted").asLong()).isPositive();
        try (Connection w = Db.inMemory()) {
            Db.execute(w, "ATTACH " + Sql.literal(work.resolve("split.duckdb")) + " AS s (READ_ONLY)");
            Db.execute(w, "ATTACH " + Sql.literal(work.resolve("inc-out").resolve("warehouse.duckdb")) + " AS wh (READ_ONLY)");
            assertThat(Db.queryLong(w, "SELECT count(*) FROM wh.stg_customers WHERE customer_id IN "
                    + "(SELECT customer_id FROM s.changed_customers) AND city = " + Sql.literal(IncrementalBench.MOVED_CITY)))
                    .isEqualTo(changes.path("customersUpdatedLate").asLong());
            assertThat(Db.queryLong(w, "SELECT count(*) FROM wh.stg_orders WHERE order_id IN "
                    + "(SELECT order_id FROM s.deleted_orders)")).isZero();
            assertThat(Db.queryLong(w, "SELECT count(*) FROM wh.stg_contacts WHERE contact_id IN "
                    + "(SELECT contact_id FROM s.deleted_contacts)")).isZero();
            // invoices landed unpaid are paid in the end: as many paid invoices as in the history, less deleted ones
            assertThat(Db.queryLong(w, "SELECT count(*) FROM wh.stg_payments WHERE paid_date IS NOT NULL"))
                    .isEqualTo(Db.queryLong(w, "SELECT count(*) FROM s.h_payments WHERE paid_date IS NOT NULL AND "
                            + "(order_id IS NULL OR order_id NOT IN (SELECT order_id FROM s.deleted_orders))"));
        }
    }

    @Test
    void aNightThatWasInterruptedIsRunAgainAndLeftOutOfTheStatistics() {
        assertThat(third.exit()).as(third.printed()).isZero();
        assertThat(third.report().path("nightsRunNow").asInt()).isEqualTo(1);
        JsonNode night3 = third.report().path("nights").get(2);
        assertThat(night3.path("resumed").asBoolean()).isTrue();
        assertThat(third.report().path("nights").get(1).path("resumed").asBoolean()).isFalse();
        // nights 2..3 are the daily nights; only night 2 is whole
        assertThat(third.report().path("summary").path("dailyNights").asInt()).isEqualTo(1);
        assertThat(third.printed()).contains("night 3/3 2026-06-30", "resumed after an interruption");
        assertThat(third.report().path("comparison").path("passed").asBoolean()).isTrue();
        assertThat(Files.exists(work.resolve("runs").resolve("night-03.started"))).isFalse();
    }

    @Test
    void aSecondInvocationResumesWithoutRunningAgain() throws IOException {
        assertThat(second.exit()).as(second.printed()).isZero();
        assertThat(second.report().path("nightsRunNow").asInt()).isZero();
        assertThat(second.report().path("fullRunRunNow").asBoolean()).isFalse();
        assertThat(second.report().path("fullRunAfterRunNow").asBoolean()).isFalse();
        assertThat(second.report().path("nights").size()).isEqualTo(3);
        assertThat(second.printed()).contains("full run: done earlier", "night 3/3 2026-06-30", "(done earlier)",
                "full run after the nights: done earlier");
        assertThat(markersAfterSecond).isEqualTo(markersAfterFirst);
    }

    @Test
    void aTamperedFinalStateFailsTheComparisonNamingTheTable() throws Exception {
        Path copy = tmp.resolve("tampered");
        copyTree(work, copy);
        // the first full run runs again, the nights and the full run after them (full-after.json) do not
        Files.delete(copy.resolve("runs").resolve("full.json"));
        Path orders = copy.resolve("full-input").resolve("orders.csv");
        try (Connection db = Db.inMemory()) {
            // one sale line of the last day sells one unit more: that day's revenue in mart_daily_sales changes
            Db.execute(db, "CREATE TABLE o AS SELECT * FROM read_csv(" + Sql.literal(orders) + ", all_varchar=true)");
            Db.execute(db, "UPDATE o SET quantity = CAST(CAST(quantity AS DECIMAL(18,3)) + 1 AS VARCHAR) WHERE rowid = "
                    + "(SELECT min(rowid) FROM o WHERE order_type = 'sale' AND CAST(order_time AS DATE) = DATE '2026-06-30')");
            Db.execute(db, "COPY o TO " + Sql.literal(orders) + " (HEADER, DELIMITER ',')");
        }
        Run tampered = bench(copy);
        assertThat(tampered.exit()).as(tampered.printed()).isEqualTo(1);
        assertThat(tampered.report().path("nightsRunNow").asInt()).isZero();
        assertThat(tampered.report().path("comparison").path("passed").asBoolean()).isFalse();
        assertThat(tampered.report().path("comparison").path("differing").toString()).contains("mart_daily_sales.parquet");
        assertThat(tampered.printed()).contains("DIFFERS: mart_daily_sales.parquet");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
