package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart after a crash: a night killed with SIGKILL inside each step (extract, validate,
 * transform, publish, report), then run again for the same date, resumes and publishes marts
 * identical to an uninterrupted run of the same input (per-table content checksums of the
 * warehouse file, and the Parquet files byte for byte), so no row is lost or doubled.
 *
 * <p>The killed night runs in a child JVM with the test hook
 * {@code CRM_WAREHOUSE_TEST_PAUSE_IN_STEP=<step>} (see NightlyJobConfiguration.TestPause): the
 * step does its work, prints a marker and sleeps before Spring Batch records it complete; the
 * test then kills the process ({@link Process#destroyForcibly()}, SIGKILL on Linux), so the
 * JobRepository still says STARTED and the step's effects are on disk. The five killed nights
 * start together to save time. Input: the golden daily_sales fixture.
 */
// Long (child JVMs, many nights): in the acceptance profile, which .ci/run also runs (mvn -B test -Pacceptance).
@org.junit.jupiter.api.Tag("acceptance")
class RestartAfterKillTest {
    private static final List<String> STEPS = List.of("extract", "validate", "transform", "publish", "report");
    private static final String MARKER = "crm-warehouse-test: paused in step ";

    @TempDir
    static Path tmp;

    static Map<String, String> baselineSums;
    static Map<String, byte[]> baselineParquet;
    static final Map<String, ChildProcess> killed = new LinkedHashMap<>();

    @BeforeAll
    static void startNightsThatWillBeKilled() throws Exception {
        for (String step : STEPS) {
            Path dir = fixture(step);
            killed.put(step, ChildProcess.start(dir, Map.of("CRM_WAREHOUSE_TEST_PAUSE_IN_STEP", step,
                    "CRM_WAREHOUSE_TEST_PAUSE_SECONDS", "180"), "run", "--config", dir.resolve("job.yaml").toString()));
        }
        Path baseline = fixture("baseline");
        Cli.Result r = Cli.run("run", "--config", baseline.resolve("job.yaml").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        baselineSums = NightlyEndToEndTest.checksums(baseline.resolve("out/warehouse.duckdb"));
        baselineParquet = NightlyEndToEndTest.parquetBytes(
                NightlyEndToEndTest.martsFiles(baseline.resolve("out"), "2026-03-31"));
        assertThat(baselineSums).containsKeys("mart_daily_sales", "stg_orders", "quarantine");
    }

    @AfterAll
    static void killLeftovers() {
        killed.values().forEach(ChildProcess::close);
    }

    static Path fixture(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), dir.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), dir.resolve("orders.csv"));
        Files.writeString(dir.resolve("job.yaml"), """
                name: restart_golden
                business_date: 2026-03-31
                output: out
                reject_threshold: "100%%"   # the golden fixture quarantines rows on purpose
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(dir.toAbsolutePath().resolve("repo").resolve("batch")));
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"extract", "validate", "transform", "publish", "report"})
    void killedInsideTheStepThenRunAgainPublishesTheSameMarts(String step) throws Exception {
        Path dir = tmp.resolve(step);
        String config = dir.resolve("job.yaml").toString();
        ChildProcess night = killed.get(step);
        long t0 = System.nanoTime();
        assertThat(night.awaitLine(MARKER + step, 180)).as("marker from the child:\n" + night.output()).isTrue();

        if (step.equals("transform")) {
            // A second writer while the first holds the output lock fails fast with a clear message.
            long s0 = System.nanoTime();
            try (ChildProcess second = ChildProcess.start(dir, Map.of(), "run", "--config", config)) {
                assertThat(second.waitFor(120)).as(second.output()).isEqualTo(1);
                assertThat(second.output()).contains("crm-warehouse: error: another crm-warehouse run is writing to")
                        .contains("wait for it to finish");
            }
            System.out.printf("[restart] second writer refused in %.1f s (JVM start included)%n",
                    (System.nanoTime() - s0) / 1e9);
        }

        night.process.destroyForcibly();
        assertThat(night.waitFor(30)).as("SIGKILL exit code (128 + 9)").isEqualTo(137);
        assertThat(night.output()).doesNotContain("[" + step + "] completed");

        Cli.Result again = Cli.run("run", "--config", config);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).containsPattern("execution \\d+ for 2026-03-31 was left STARTED by a process that "
                + "died; marking it failed and restarting");
        assertThat(again.out()).contains("restarting job restart_golden for business date 2026-03-31 after a FAILED attempt");
        // The restart resumes at the killed step: the steps before it are not run again.
        for (String earlier : STEPS.subList(0, STEPS.indexOf(step))) {
            assertThat(again.out()).as("step " + earlier + " not rerun").doesNotContain("[" + earlier + "] started");
        }
        assertThat(again.out()).contains("[" + step + "] started");

        Map<String, String> sums = NightlyEndToEndTest.checksums(dir.resolve("out/warehouse.duckdb"));
        assertThat(sums).as("per-table checksums (row count:md5) after a kill in " + step).isEqualTo(baselineSums);
        Map<String, byte[]> parquet = NightlyEndToEndTest.parquetBytes(
                NightlyEndToEndTest.martsFiles(dir.resolve("out"), "2026-03-31"));
        assertThat(parquet.keySet()).isEqualTo(baselineParquet.keySet());
        parquet.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(baselineParquet.get(name)));
        try (var snapshots = Files.list(dir.resolve("out/snapshots"))) {
            assertThat(snapshots.map(p -> p.getFileName().toString()).toList())
                    .as("one snapshot for the date, of the completed execution").hasSize(1);
        }

        Cli.Result status = Cli.run("status", "--config", config);
        assertThat(status.exit()).isZero();
        List<String> runs = status.out().lines().filter(l -> l.contains("restart_golden")).toList();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).contains("2026-03-31").contains("COMPLETED");
        assertThat(runs.get(1)).contains("2026-03-31").contains("FAILED").contains("failed in " + step + ": the process running it died");
        System.out.printf("[restart] kill in %-9s: checksums of %d tables and %d Parquet files match the "
                + "uninterrupted run (%.1f s)%n", step, sums.size(), parquet.size(), (System.nanoTime() - t0) / 1e9);
        System.out.println("[restart] status after a kill in " + step + ":\n  " + String.join("\n  ", runs));
    }
}
