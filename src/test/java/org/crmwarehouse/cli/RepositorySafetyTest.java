package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (config): a job repository that lost a completed night, and a corrupt H2 repository,
 * work database or incremental state, each stop the command in one line that names the file and
 * says what to do; doing it then works. Input: the golden daily_sales fixture, its orders with a
 * column beyond the contract ({@code colour}), which the run report lists.
 */
@Tag("acceptance") // child-JVM nights (40-55 s): mvn -B test -Pacceptance (.ci/run runs it), to keep mvn -B test under 10 min
class RepositorySafetyTest {
    @TempDir
    Path tmp;

    private Path fixture(String name, String extra) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), dir.resolve("customers.csv"));
        List<String> orders = Files.readAllLines(golden.resolve("orders.csv"));
        Files.writeString(dir.resolve("orders.csv"), orders.get(0) + ",colour\n" + orders.stream().skip(1)
                .map(l -> l + ",red").collect(Collectors.joining("\n")) + "\n");
        Files.writeString(dir.resolve("job.yaml"), """
                name: repo_safety
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: customers.csv}
                """.formatted(dir.toAbsolutePath().resolve("repo").resolve("batch")) + extra);
        return dir;
    }

    private static Cli.Result run(Path dir, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--config", dir.resolve("job.yaml").toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void ok(Cli.Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
    }

    private static String oneErrorLine(Cli.Result r) {
        assertThat(r.exit()).as("exit code").isNotZero();
        assertThat(r.errLines()).as("stderr: " + r.err()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("crm-warehouse: error: ");
        return r.errLines().get(0);
    }

    /** An H2 file restored from an older copy, or a new empty one, opens fine and has simply lost the night. */
    @Test
    void aRepositoryThatLostACompletedNightIsRefused() throws Exception {
        Path dir = fixture("lost", "  orders: {path: orders.csv}\nreject_threshold: \"100%\"\n");
        Path h2 = dir.resolve("repo/batch.mv.db");
        ok(run(dir, "--date", "2026-03-30"));
        Path older = Files.copy(h2, tmp.resolve("batch-after-first-night.mv.db"));
        ok(run(dir, "--date", "2026-03-31"));
        Path ledger = dir.resolve("out/state/last-completed-night.properties");
        assertThat(Files.readAllLines(ledger)).contains("business_date=2026-03-31", "execution=2", "rerun=0",
                "job=repo_safety");
        // the run report lists the column beyond the contract
        assertThat(Files.readString(dir.resolve("out/reports/2026-03-31/run-report.txt")))
                .contains("Columns outside the contract, not loaded (a misspelt contract column would be one):\n"
                        + "  orders (orders.csv): colour\n");
        assertThat(Files.readString(dir.resolve("out/reports/2026-03-31/run-report.json")))
                .containsIgnoringWhitespaces("\"unknownColumns\" : [ { \"entity\" : \"orders\", \"source\" : "
                        + "\"orders.csv\", \"columns\" : [ \"colour\" ] } ]");

        String refusal = "crm-warehouse: error: the job repository jdbc:h2:file:" + dir.toAbsolutePath()
                .resolve("repo/batch") + ";AUTO_SERVER=TRUE has lost night 2026-03-31 of job repo_safety (execution 2), "
                + "which completed and was published (" + ledger.toAbsolutePath() + "): the repository was truncated, "
                + "replaced or restored from an older copy; restore its latest copy, or run with --full to start over "
                + "from the sources (nights it lost then run again as new)";
        Files.copy(older, h2, StandardCopyOption.REPLACE_EXISTING);
        assertThat(oneErrorLine(run(dir, "--date", "2026-04-01"))).isEqualTo(refusal);
        Files.delete(h2);
        assertThat(oneErrorLine(run(dir, "--date", "2026-04-01"))).isEqualTo(refusal);
        assertThat(dir.resolve("out/reports/2026-04-01")).doesNotExist();
        assertThat(dir.resolve("out/work/2026-04-01")).doesNotExist();
        // what the line says to do works
        ok(run(dir, "--date", "2026-04-01", "--full"));
        ok(run(dir, "--date", "2026-04-02"));
    }

    /**
     * The repository cut short at every 4 KiB boundary: H2 either refuses the file (corrupt) or
     * opens an older version without the night; never does a night run on it.
     */
    @Test
    void aTruncatedRepositoryIsRefusedAtEverySize() throws Exception {
        Path dir = fixture("truncated", "  orders: {path: orders.csv}\nreject_threshold: \"100%\"\n");
        Path h2 = dir.resolve("repo/batch.mv.db");
        ok(run(dir, "--date", "2026-03-31"));
        Path good = Files.copy(h2, tmp.resolve("batch-good.mv.db"));
        long size = Files.size(good);
        int corrupt = 0;
        int lost = 0;
        for (long cut = 0; cut < size; cut += 4096) {
            Files.copy(good, h2, StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile f = new RandomAccessFile(h2.toFile(), "rw")) {
                f.setLength(cut);
            }
            Cli.Result r = run(dir, "--date", "2026-04-01");
            if (r.exit() == 0) {
                // the cut fell in free space at the end: the repository kept the night (execution 1), so
                // this run is execution 2; undo it for the next cut
                assertThat(Files.readAllLines(dir.resolve("out/state/last-completed-night.properties")))
                        .as("cut at " + cut).contains("execution=2", "business_date=2026-04-01");
                Files.writeString(dir.resolve("out/state/last-completed-night.properties"),
                        "job=repo_safety\nbusiness_date=2026-03-31\nrerun=0\nexecution=1\n");
                try (var walk = Files.walk(dir.resolve("out/reports/2026-04-01"))) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                continue;
            }
            String line = oneErrorLine(r);
            if (line.contains("is corrupt and cannot be opened")) {
                corrupt++;
                assertThat(line).as("cut at " + cut).startsWith("crm-warehouse: error: the job repository "
                        + h2.toAbsolutePath() + " is corrupt and cannot be opened (H2: ").endsWith("): restore it from "
                        + "a backup; without one, move it aside and run with --full (a new repository starts empty, so "
                        + "every night runs again as new)");
            } else {
                lost++;
                assertThat(line).as("cut at " + cut).contains("has lost night 2026-03-31 of job repo_safety (execution 1)");
            }
            assertThat(dir.resolve("out/reports/2026-04-01")).as("cut at " + cut).doesNotExist();
        }
        // both kinds occur (measured: some cuts lose a valid chunk, others fall back to an older version)
        assertThat(corrupt).isPositive();
        assertThat(lost).isPositive();
    }

    /** A failed night keeps its work database for the restart; damaged, it gives the hint, which works. */
    @Test
    void aCorruptWorkDatabaseSaysWhatToDelete() throws Exception {
        // the golden orders quarantine rows on purpose: above the default threshold, validate fails
        Path dir = fixture("work", "  orders: {path: orders.csv}\n");
        assertThat(oneErrorLine(run(dir, "--date", "2026-03-31"))).contains("step validate failed");
        Path work = dir.resolve("out/work/2026-03-31/build.duckdb").toAbsolutePath();
        assertThat(work).exists();
        Files.writeString(dir.resolve("job.yaml"), Files.readString(dir.resolve("job.yaml"))
                + "reject_threshold: \"100%\"\n");
        String hint = ": delete the folder " + work.getParent() + " and run the night again (it starts again from "
                + "extract)";

        try (RandomAccessFile f = new RandomAccessFile(work.toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[4096]); // the header overwritten
        }
        assertThat(oneErrorLine(run(dir, "--date", "2026-03-31"))).isEqualTo("crm-warehouse: error: job repo_safety "
                + "for 2026-03-31 ended FAILED: step validate failed: the work database " + work + " is corrupt (The "
                + "file \"" + work + "\" exists, but it is not a valid DuckDB database file!)" + hint);

        try (RandomAccessFile f = new RandomAccessFile(work.toFile(), "rw")) {
            f.setLength(f.length() / 2); // cut short
        }
        assertThat(oneErrorLine(run(dir, "--date", "2026-03-31"))).startsWith("crm-warehouse: error: job repo_safety "
                + "for 2026-03-31 ended FAILED: step validate failed: the work database " + work + " is corrupt (")
                .endsWith(hint);

        try (var walk = Files.walk(work.getParent())) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        ok(run(dir, "--date", "2026-03-31"));
        assertThat(dir.resolve("out/reports/2026-03-31/run-report.json")).exists();
        Cli.Result status = Cli.run("status", "--config", dir.resolve("job.yaml").toString());
        assertThat(status.out()).containsPattern("repo_safety +2026-03-31 +1 +COMPLETED")
                .containsPattern("repo_safety +2026-03-31 +0 +ABANDONED");
    }

    /** The incremental state is damaged after a completed night: the next night says to run --full, which works. */
    @Test
    void aCorruptIncrementalStateSaysRunFull() throws Exception {
        Path dir = fixture("state", "  orders: {path: \"orders-*.csv\", incremental: {files: new}}\n"
                + "reject_threshold: \"100%\"\n");
        Files.move(dir.resolve("orders.csv"), dir.resolve("orders-1.csv"));
        ok(run(dir, "--date", "2026-03-31"));
        Path state = dir.resolve("out/state/sources.duckdb").toAbsolutePath();
        assertThat(state).exists();
        try (RandomAccessFile f = new RandomAccessFile(state.toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[4096]);
        }
        assertThat(oneErrorLine(run(dir, "--date", "2026-04-01"))).isEqualTo("crm-warehouse: error: job repo_safety "
                + "for 2026-04-01 ended FAILED: step extract failed: the incremental state " + state + " is corrupt (The "
                + "file \"" + state + "\" exists, but it is not a valid DuckDB database file!): run again with --full to "
                + "rebuild it from the sources");
        ok(run(dir, "--date", "2026-04-01", "--full"));
    }
}
