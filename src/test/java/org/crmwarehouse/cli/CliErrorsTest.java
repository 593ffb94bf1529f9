package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Every failure of the command line is a non-zero exit and exactly one line on stderr. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    private Path config(String body) throws Exception {
        Path file = tmp.resolve("job.yaml");
        Files.writeString(file, body);
        return file;
    }

    private static String oneErrorLine(Cli.Result r) {
        assertThat(r.exit()).as("exit code").isNotZero();
        assertThat(r.errLines()).as("stderr: " + r.err()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("crm-warehouse: error: ");
        return r.errLines().get(0);
    }

    @Test
    void missingConfigFile() {
        String line = oneErrorLine(Cli.run("run", "--config", tmp.resolve("nope.yaml").toString()));
        assertThat(line).contains("nope.yaml").contains("does not exist");
    }

    @Test
    void unknownConfigKey() throws Exception {
        Path cfg = config("name: j\nsources:\n  customers: {path: c.csv}\nscheduel: nightly\n");
        assertThat(oneErrorLine(Cli.run("run", "--config", cfg.toString()))).contains("unknown key 'scheduel'");
        Path nested = config("name: j\nsources:\n  customers: {path: c.csv, delimeter: ';'}\n");
        assertThat(oneErrorLine(Cli.run("run", "--config", nested.toString())))
                .contains("unknown key 'sources.customers.delimeter'");
    }

    @Test
    void unknownEntity() throws Exception {
        Path cfg = config("name: j\nsources:\n  widgets: {path: w.csv}\n");
        assertThat(oneErrorLine(Cli.run("run", "--config", cfg.toString())))
                .contains("sources.widgets is not a contract entity");
    }

    @Test
    void mappingThatIsNotReadOnly() throws Exception {
        Path drop = config("name: j\nsources:\n  customers: {mapping: \"DROP TABLE x\"}\n");
        assertThat(oneErrorLine(Cli.run("run", "--config", drop.toString()))).contains("read-only query");
        Path chained = config("name: j\nsources:\n  customers: {mapping: \"SELECT 1; DROP TABLE x\"}\n");
        assertThat(oneErrorLine(Cli.run("run", "--config", chained.toString()))).contains("single query");
        Path commented = config("name: j\nsources:\n  customers: {mapping: \"SELECT 1 -- ; fine\\n; DELETE FROM y\"}\n");
        assertThat(oneErrorLine(Cli.run("run", "--config", commented.toString()))).contains("single query");
    }

    @Test
    void missingInputFile() throws Exception {
        Path cfg = config("""
                name: missing_input
                business_date: 2026-03-31
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: no-such-customers.csv}
                """.formatted(tmp.resolve("repo/batch")));
        Cli.Result run = Cli.run("run", "--config", cfg.toString());
        String line = oneErrorLine(run);
        assertThat(line).contains("input file not found").contains("no-such-customers.csv").contains("extract");
        // an input failure is one log line with its reason, not Spring Batch's stack trace
        assertThat(run.out()).contains("[extract] failed in ").contains("input file not found")
                .doesNotContain("Encountered an error executing step").doesNotContain("\tat org.");

        // issue 16 item 7: the failed night leaves a report too
        Path failedReport = tmp.resolve("out/reports/2026-03-31/run-report-failed.txt");
        assertThat(failedReport).isRegularFile();
        assertThat(Files.readString(failedReport)).contains("business date 2026-03-31").contains(": FAILED in step extract")
                .contains("Reason: no-such-customers.csv: input file not found").contains("resumes it at the failed step");
        assertThat(Files.readString(failedReport.resolveSibling("run-report-failed.json")))
                .containsIgnoringWhitespaces("\"status\" : \"FAILED\", \"failedStep\" : \"extract\"");

        Cli.Result status = Cli.run("status", "--config", cfg.toString());
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("missing_input").contains("FAILED").contains("failed in extract");
        // issue 16 item 7: the same as JSON, for scripts and monitoring
        Cli.Result json = Cli.run("status", "--config", cfg.toString(), "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        var runs = tools.jackson.databind.json.JsonMapper.builder().build().readTree(json.out());
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("job").asString()).isEqualTo("missing_input");
        assertThat(runs.get(0).get("business_date").asString()).isEqualTo("2026-03-31");
        assertThat(runs.get(0).get("rerun").asLong()).isZero();
        assertThat(runs.get(0).get("status").asString()).isEqualTo("FAILED");
        assertThat(runs.get(0).get("failed_step").asString()).isEqualTo("extract");
        assertThat(runs.get(0).get("seconds").isNumber()).isTrue();

        // issue 16 item 4: the same job and date from another (corrected) config file: the restart
        // reads the file given now, and says so
        Path other = Files.writeString(tmp.resolve("other.yaml"),
                Files.readString(cfg).replace("no-such-customers.csv", "still-missing.csv"));
        Cli.Result restart = Cli.run("run", "--config", other.toString());
        assertThat(restart.out()).contains("the failed attempt ran with config " + cfg + "; this restart reads "
                + other + " (the file given now)");
        assertThat(oneErrorLine(restart)).contains("still-missing.csv").doesNotContain("no-such-customers.csv");
        assertThat(Cli.run("status", "--config", other.toString()).out()).contains("still-missing.csv");
    }

    /** Issue 16 item 4: a wrong model parameter stops the run at load, before any step or record. */
    @Test
    void wrongModelParameterFailsAtLoadBeforeTheJobStarts() throws Exception {
        Path cfg = config("""
                name: bad_parameter
                business_date: 2026-03-31
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: no-such-customers.csv}
                parameters: {churn_inactivity_days: ninety}
                """.formatted(tmp.resolve("repo/batch")));
        Cli.Result run = Cli.run("run", "--config", cfg.toString());
        assertThat(oneErrorLine(run)).contains("job.yaml: parameters.churn_inactivity_days must be a whole number "
                + "(BIGINT), got 'ninety'");
        assertThat(run.out()).doesNotContain("[extract]");
        assertThat(tmp.resolve("repo")).doesNotExist(); // no job repository was even opened
    }

    /**
     * The contract rules make a failing data test hard to reach from input data (every test of the
     * staging models mirrors a contract rule), so this builds the golden night in memory, breaks
     * valid_customers by hand (a duplicate customer_id) and lets the real model runner fail inside
     * a subcommand of the real command line and its error handler.
     */
    @Test
    void failingDataTest() {
        CommandLine.Command spec = Breaker.class.getAnnotation(Command.class);
        assertThat(spec).isNotNull();
        Cli.Result r = Cli.run(cli -> cli.addSubcommand("break-a-test", new Breaker()), "break-a-test");
        assertThat(oneErrorLine(r)).contains("data tests failed").contains("stg_customers")
                .contains("unique(customer_id)");
    }

    @Command(name = "break-a-test")
    static final class Breaker implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Contract contract = Contract.standard();
            JobConfig config = new JobConfigLoader(contract).load(Path.of("src/test/resources/golden/daily_sales/job.yaml"));
            try (Connection db = Db.inMemory()) {
                new SourceExtractor(contract).extract(db, config);
                new ContractValidator(contract).validate(db, config, LocalDate.parse("2026-03-31"));
                Db.execute(db, "INSERT INTO valid_customers SELECT * FROM valid_customers WHERE customer_id = 'C1'");
                new ModelRunner(ModelCatalog.packaged(contract)).run(db, LocalDate.parse("2026-03-31"), Map.of());
            }
            return 0;
        }
    }

    // issue 16 items 3, 6, 7: dates, help and docs

    @Test
    void badDatesAreOneLineBeforeAnythingRuns() throws Exception {
        for (String bad : new String[] {"+12026-06-30", "2026-02-30", "2026-6-30", "yesterday"}) {
            Cli.Result r = Cli.run("run", "--config", tmp.resolve("nope.yaml").toString(), "--date", bad);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(oneErrorLine(r)).contains("Invalid value for option '--date': '" + bad + "'")
                    .contains("(see 'crm-warehouse run --help')");
            assertThat(r.err()).doesNotContain("Usage:").doesNotContain("Exception");
        }
        assertThat(oneErrorLine(Cli.run("backfill", "--config", "x", "--from", "2026-06-01", "--to", "+12026-06-30")))
                .contains("Invalid value for option '--to'");
        assertThat(oneErrorLine(Cli.run("status", "--bogus"))).contains("Unknown option: '--bogus'")
                .contains("(see 'crm-warehouse status --help')");
    }

    @Test
    void aDateLaterThanTodayIsRefusedUnlessAllowed() throws Exception {
        Path cfg = config("""
                name: future
                business_date: 2026-03-31
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: no-such-customers.csv}
                """.formatted(tmp.resolve("repo/batch")));
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
        Cli.Result r = Cli.run("run", "--config", cfg.toString(), "--date", tomorrow);
        assertThat(oneErrorLine(r)).contains("business date " + tomorrow + " is later than today")
                .contains("--allow-future-date");
        assertThat(r.out()).doesNotContain("[extract]");
        assertThat(tmp.resolve("repo")).doesNotExist();
        assertThat(oneErrorLine(Cli.run("backfill", "--config", cfg.toString(), "--from", "2026-03-30", "--to", tomorrow)))
                .contains("is later than today");
        // allowed, the night runs (and here fails in extract on its missing file, which proves it ran)
        Cli.Result allowed = Cli.run("run", "--config", cfg.toString(), "--date", tomorrow, "--allow-future-date");
        assertThat(oneErrorLine(allowed)).contains("input file not found");
    }

    @Test
    void everySubcommandHasHelpAndTheTopLevelHelpShowsWholeDescriptions() {
        CommandLine cli = CrmWarehouse.commandLine();
        Cli.Result top = Cli.run("--help");
        assertThat(top.exit()).isZero();
        String flatTop = top.out().replaceAll("\\s+", " ");
        for (var sub : cli.getSubcommands().entrySet()) {
            Cli.Result help = Cli.run(sub.getKey(), "--help");
            assertThat(help.exit()).as(sub.getKey() + " --help: " + help.err()).isZero();
            assertThat(help.out()).as(sub.getKey()).startsWith("Usage: crm-warehouse " + sub.getKey());
            assertThat(help.out()).contains("-h, --help");
            // the list shows a command's first description paragraph: it must be whole sentences
            // (bench's used to stop at "... and report generation time,")
            String summary = sub.getValue().getCommandSpec().usageMessage().description()[0].replaceAll("\\s+", " ").trim();
            assertThat(summary).as(sub.getKey()).endsWith(".");
            if (sub.getValue().getCommandSpec().usageMessage().hidden()) {
                // bench-floor: started by bench --floor in a child JVM, not listed
                assertThat(flatTop).as(sub.getKey() + " is hidden").doesNotContain(summary);
                continue;
            }
            assertThat(flatTop).as("top-level help lists all of " + sub.getKey() + "'s summary").contains(summary);
        }
    }

    @Test
    void docsWritesNothingWhenItCannotWriteEverything() throws Exception {
        Path dictionary = tmp.resolve("dictionary.md");
        Cli.Result r = Cli.run("docs", "--dictionary", dictionary.toString(), "--contract-readme",
                tmp.resolve("no-readme.md").toString());
        assertThat(oneErrorLine(r)).contains("no-readme.md").contains("nothing was written");
        assertThat(dictionary).doesNotExist();
    }

    /**
     * Issue 16 item 3: after the night of 03-31 is published, a backfill from an earlier date used
     * to fail in transform with a long trace and the message three times. It is refused before
     * anything runs, in one line saying what to do; a single earlier run fails in one line too.
     */
    @Test
    void aBackfillBeforeThePublishedHistoryIsRefusedAtTheStart() throws Exception {
        Path golden = Path.of("src/test/resources/golden/daily_sales");
        Files.copy(golden.resolve("customers.csv"), tmp.resolve("customers.csv"));
        Files.copy(golden.resolve("orders.csv"), tmp.resolve("orders.csv"));
        Path cfg = config("""
                name: earlier_backfill
                business_date: 2026-03-31
                output: out
                reject_threshold: "100%"   # the golden orders quarantine rows on purpose
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """);
        Path failedReport = tmp.resolve("out/reports/2026-03-31/run-report-failed.txt");
        Files.move(tmp.resolve("orders.csv"), tmp.resolve("orders.hidden"));
        assertThat(Cli.run("run", "--config", cfg.toString()).exit()).isEqualTo(1);
        assertThat(failedReport).isRegularFile();
        Files.move(tmp.resolve("orders.hidden"), tmp.resolve("orders.csv"));
        Cli.Result night = Cli.run("run", "--config", cfg.toString());
        assertThat(night.exit()).as(night.err()).isZero();
        assertThat(failedReport).as("the night completed: its failed attempt's report is gone").doesNotExist();
        assertThat(failedReport.resolveSibling("run-report.txt")).isRegularFile();

        Cli.Result backfill = Cli.run("backfill", "--config", cfg.toString(), "--from", "2026-03-29", "--to", "2026-03-31");
        assertThat(oneErrorLine(backfill)).contains("backfill from 2026-03-29 is before the published night 2026-03-31")
                .contains("value_history_on_earlier_date: rewind").contains("nothing has run");
        assertThat(backfill.out()).doesNotContain("[extract]");
        // a backfill that starts at the published night or after runs as before (03-31 is completed: skipped)
        Cli.Result same = Cli.run("backfill", "--config", cfg.toString(), "--from", "2026-03-31", "--to", "2026-03-31");
        assertThat(same.exit()).as(same.err()).isZero();
        assertThat(same.out()).contains("2026-03-31 skipped (already completed)");

        Cli.Result earlier = Cli.run("run", "--config", cfg.toString(), "--date", "2026-03-30");
        assertThat(oneErrorLine(earlier)).contains("is before the night of the published dim_customer_history");
        assertThat(earlier.out()).doesNotContain("\tat org.").doesNotContain("Encountered an error executing step");
    }

    /** Issue 16 item 4: one name, two output folders, one repository: the second is refused in one line. */
    @Test
    void twoOutputsUnderOneNameInOneRepositoryAreRefused() throws Exception {
        String body = """
                name: shared_name
                business_date: 2026-03-31
                output: %s
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: no-such-customers.csv}
                """;
        Path first = Files.writeString(tmp.resolve("first.yaml"), body.formatted("out-a", tmp.resolve("repo/batch")));
        Path second = Files.writeString(tmp.resolve("second.yaml"), body.formatted("out-b", tmp.resolve("repo/batch")));
        assertThat(oneErrorLine(Cli.run("run", "--config", first.toString()))).contains("input file not found");
        Cli.Result other = Cli.run("run", "--config", second.toString());
        assertThat(oneErrorLine(other)).contains("second.yaml: name 'shared_name' already records nights of the output "
                + "folder " + tmp.resolve("out-a")).contains("give this config a name of its own");
        assertThat(other.out()).doesNotContain("[extract]");
        // the first keeps working: its restart is not refused
        assertThat(oneErrorLine(Cli.run("run", "--config", first.toString()))).contains("input file not found");
    }
}

