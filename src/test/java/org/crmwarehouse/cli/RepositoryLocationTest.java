package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 2: the default job repository belongs to the job, in its output folder
 * ({@code <output>/job-repository/batch.mv.db}), whatever the working directory; it was
 * {@code ./var/job-repository} of the working directory (or {@code $CRM_WAREHOUSE_HOME}), so
 * {@code status} from another directory said no runs were recorded and a restart from there did
 * not find the failed night. An upgrade keeps the record of nights kept at the old default place.
 * The commands run in child JVMs started in different directories, with CRM_WAREHOUSE_HOME
 * blank as on a fresh machine (or set, for the upgrade). Input: the golden daily_sales fixture.
 * The expected rows are those of the runs the test makes: one FAILED attempt (orders.csv hidden),
 * then its restart COMPLETED.
 */
@Tag("acceptance") // child-JVM nights (40-55 s): mvn -B test -Pacceptance (.ci/run runs it), to keep mvn -B test under 10 min
class RepositoryLocationTest {
    @TempDir
    Path tmp;

    private Path job(String name, String extra) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), dir.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), dir.resolve("orders.csv"));
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, """
                name: %s
                business_date: 2026-03-31
                output: out
                reject_threshold: "100%%"   # the golden fixture quarantines rows on purpose
                %s
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(name, extra));
        return file;
    }

    private static String run(Path cwd, Map<String, String> env, int exit, String... args) throws Exception {
        try (ChildProcess child = ChildProcess.start(cwd, env, args)) {
            assertThat(child.waitFor(300)).as(String.join(" ", args) + " from " + cwd + ":\n" + child.output())
                    .isEqualTo(exit);
            return child.output();
        }
    }

    private static List<String> rows(String status, String job) {
        return status.lines().filter(l -> l.contains(job)).toList();
    }

    @Test
    void statusAndARestartFromAnotherDirectoryFindTheSameRuns() throws Exception {
        Path config = job("cwd_free", "");
        Path first = Files.createDirectories(tmp.resolve("first-cwd"));
        Path other = Files.createDirectories(tmp.resolve("other-cwd"));
        Map<String, String> freshMachine = Map.of("CRM_WAREHOUSE_HOME", ""); // blank: as if unset

        Path orders = config.resolveSibling("orders.csv");
        Files.move(orders, config.resolveSibling("orders.hidden"));
        run(first, freshMachine, 1, "run", "--config", config.toString());
        Files.move(config.resolveSibling("orders.hidden"), orders);

        List<String> failed = rows(run(other, freshMachine, 0, "status", "--config", config.toString()), "cwd_free");
        assertThat(failed).as("status from another directory").hasSize(1);
        assertThat(failed.get(0)).contains("2026-03-31").contains("FAILED").contains("failed in extract");

        String restart = run(other, freshMachine, 0, "run", "--config", config.toString());
        assertThat(restart).contains("restarting job cwd_free for business date 2026-03-31 after a FAILED attempt");

        List<String> both = rows(run(first, freshMachine, 0, "status", "--config", config.toString()), "cwd_free");
        assertThat(both).hasSize(2);
        assertThat(both.get(0)).contains("COMPLETED");
        assertThat(both.get(1)).contains("FAILED");

        assertThat(config.resolveSibling("out/job-repository/batch.mv.db")).isRegularFile();
        assertThat(first.resolve("var")).as("nothing written in the working directory").doesNotExist();
        assertThat(other.resolve("var")).doesNotExist();
    }

    @Test
    void anUpgradeAdoptsTheRepositoryAtTheOldDefaultPlace() throws Exception {
        // The old default: $CRM_WAREHOUSE_HOME/job-repository (ChildProcess sets the variable to <cwd>/home).
        Path cwd = Files.createDirectories(tmp.resolve("operator"));
        Path oldDefault = cwd.resolve("home/job-repository");
        Path config = job("upgraded", "repository: {url: \"jdbc:h2:file:" + oldDefault.resolve("batch")
                + ";AUTO_SERVER=TRUE\", user: sa}");
        run(cwd, Map.of(), 0, "run", "--config", config.toString());
        // the upgrade: the config never named a repository, the old version put it there by default
        Files.writeString(config, Files.readString(config).replaceAll("(?m)^repository: .*$", ""));

        String rerun = run(cwd, Map.of(), 0, "run", "--config", config.toString());
        Path adopted = config.resolveSibling("out/job-repository/batch.mv.db");
        assertThat(rerun).contains("[repository] copied the job repository from its previous default place "
                + oldDefault.resolve("batch.mv.db") + " to " + adopted);
        // the completed night is known: the date runs again as rerun 1, and the ledger check passes
        assertThat(rerun).contains("job upgraded for business date 2026-03-31 (rerun 1: the date already completed)");
        assertThat(adopted).isRegularFile();
        assertThat(oldDefault.resolve("batch.mv.db")).as("left for other jobs").isRegularFile();

        List<String> runs = rows(run(tmp, Map.of("CRM_WAREHOUSE_HOME", ""), 0, "status", "--config",
                config.toString()), "upgraded");
        assertThat(runs).hasSize(2).allMatch(l -> l.contains("COMPLETED"));
    }

    /**
     * Issue 16 item 6: an output folder whose path holds ';' failed with "Invalid URL entry: drop
     * table x" (DuckDB's URL) and, with the repository beside the output, would fail in H2's URL
     * the same way. Expected: the night publishes into that very folder and status finds its run.
     */
    @Test
    void anOutputFolderHoldingSemicolonsWorks() throws Exception {
        Path config = job("semicolons", "");
        Files.writeString(config, Files.readString(config).replace("output: out", "output: \"out;drop table x;AUTO_SERVER=FALSE\""));
        Cli.Result night = Cli.run("run", "--config", config.toString());
        assertThat(night.exit()).as(night.err()).isZero();
        Path out = config.resolveSibling("out;drop table x;AUTO_SERVER=FALSE");
        assertThat(out.resolve("warehouse.duckdb")).isRegularFile();
        assertThat(out.resolve("job-repository/batch.mv.db")).isRegularFile();
        Cli.Result status = Cli.run("status", "--config", config.toString());
        assertThat(rows(status.out(), "semicolons")).hasSize(1).first().asString().contains("COMPLETED");
    }
}

