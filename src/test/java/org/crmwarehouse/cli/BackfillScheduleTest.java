package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.crmwarehouse.orchestrate.OutputLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backfill} runs each date in order, skips completed dates and stops at the first failure
 * (exit 1); {@code schedule} fires on a fast cron (every second) for the previous day, skips a
 * completed date, refuses to overlap a run holding the output lock, and stops on SIGTERM.
 * Input: the golden daily_sales fixture.
 */
// Several whole nights (20-35 s): in the acceptance profile, which CI runs, so that the default
// test command stays under 10 minutes with the Spark night's equality test in it.
@Tag("acceptance")
class BackfillScheduleTest {
    @TempDir
    Path tmp;

    private Path config(String name, String extra) throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), tmp.resolve("orders.csv"));
        Path file = tmp.resolve("job.yaml");
        Files.writeString(file, """
                name: %s
                output: out
                reject_threshold: "100%%"   # the golden fixture quarantines rows on purpose
                %s
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(name, extra, tmp.resolve("repo/batch")));
        return file;
    }

    @Test
    void backfillRunsInOrderSkipsCompletedAndStopsAtTheFirstFailure() throws Exception {
        String config = config("backfill_golden", "").toString();
        Path orders = tmp.resolve("orders.csv");
        Path hidden = tmp.resolve("orders.csv.hidden");
        Files.move(orders, hidden);
        Cli.Result failed = Cli.run("backfill", "--config", config, "--from", "2026-04-01", "--to", "2026-04-02");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).contains("backfill: 2026-04-01 FAILED: ")
                .contains("backfill 2026-04-01..2026-04-02: run 0 [], skipped 0 [], failed 2026-04-01 (stopped there)")
                .doesNotContain("2026-04-02 run").doesNotContain("2026-04-02 FAILED");
        assertThat(failed.err()).contains("crm-warehouse: error: backfill stopped at 2026-04-01");

        Files.move(hidden, orders);
        Cli.Result resumed = Cli.run("backfill", "--config", config, "--from", "2026-04-01", "--to", "2026-04-03");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("restarting job backfill_golden for business date 2026-04-01 after a FAILED")
                .contains("backfill 2026-04-01..2026-04-03: run 3 [2026-04-01, 2026-04-02, 2026-04-03], skipped 0 [], "
                        + "failed none");
        assertThat(resumed.out().indexOf("backfill: 2026-04-01 run")).isLessThan(resumed.out().indexOf("backfill: 2026-04-02 run"));
        assertThat(resumed.out().indexOf("backfill: 2026-04-02 run")).isLessThan(resumed.out().indexOf("backfill: 2026-04-03 run"));

        Cli.Result again = Cli.run("backfill", "--config", config, "--from", "2026-04-02", "--to", "2026-04-03");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("backfill: 2026-04-02 skipped (already completed)")
                .contains("run 0 [], skipped 2 [2026-04-02, 2026-04-03], failed none");

        Cli.Result status = Cli.run("status", "--config", config);
        assertThat(status.out().lines().filter(l -> l.contains("backfill_golden"))).hasSize(4); // 1 failed + 3 completed
        Cli.Result wrong = Cli.run("backfill", "--config", config, "--from", "2026-04-03", "--to", "2026-04-01");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.err()).contains("--to 2026-04-01 is before --from 2026-04-03");
    }

    @Test
    void scheduleFiresForThePreviousDayAndSkipsACompletedDate() throws Exception {
        String config = config("schedule_golden", "schedule: \"* * * * * *\"").toString();
        Cli.Result r = Cli.run("schedule", "--config", config, "--max-fires", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        String yesterday = LocalDate.now().minusDays(1).toString();
        assertThat(r.out()).contains("[schedule] job schedule_golden on \"* * * * * *\"")
                .contains("[schedule] next night at ")
                .contains("for business date " + yesterday)
                .contains("[schedule] business date " + yesterday + " completed")
                .contains("[schedule] business date " + yesterday + " already completed; skipped")
                .contains("[schedule] stopped after 2 fire(s), 0 failed");
    }

    @Test
    void scheduleDoesNotOverlapARunHoldingTheLock() throws Exception {
        Path file = config("schedule_locked", "schedule: \"* * * * * *\"");
        try (OutputLock held = OutputLock.acquire(tmp.resolve("out"))) {
            Cli.Result r = Cli.run("schedule", "--config", file.toString(), "--max-fires", "1");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("not run: another crm-warehouse run is writing to")
                    .contains("[schedule] stopped after 1 fire(s), 1 failed");
        }
    }

    @Test
    void scheduleWithoutACronAndABadCronAreRefused() throws Exception {
        Cli.Result none = Cli.run("schedule", "--config", config("no_cron", "").toString());
        assertThat(none.exit()).isNotZero();
        assertThat(none.err()).contains("no 'schedule' key");
        Files.writeString(tmp.resolve("job.yaml"), Files.readString(tmp.resolve("job.yaml"))
                .replace("name: no_cron", "name: no_cron\nschedule: \"30 2 * * *\""));
        Cli.Result bad = Cli.run("schedule", "--config", tmp.resolve("job.yaml").toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("is not a cron expression with 6 fields");
    }

    @Test
    void scheduleStopsOnSigterm() throws Exception {
        Path file = config("schedule_sigterm", "schedule: \"0 0 3 1 1 *\"");
        try (ChildProcess scheduler = ChildProcess.start(tmp, Map.of(), "schedule", "--config", file.toString())) {
            assertThat(scheduler.awaitLine("[schedule] next night at", 180)).as(scheduler.output()).isTrue();
            long t0 = System.nanoTime();
            scheduler.sigterm();
            int exit = scheduler.waitFor(60);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // a clean stop while idle is a success (issue 16 item 1: it was 143, 128 + SIGTERM)
            assertThat(exit).as(scheduler.output()).isZero();
            assertThat(seconds).as("stops quickly when idle").isLessThan(15);
            assertThat(scheduler.output()).contains("[stop] SIGTERM")
                    .contains("[schedule] stopped after 0 fire(s), 0 failed").doesNotContain("\tat ");
            System.out.printf("[schedule] stopped %.1f s after SIGTERM%n", seconds);
        }
    }
}
