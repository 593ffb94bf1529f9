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

        Cli.Result status = Cli.run("status", "--config", cfg.toString());
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("missing_input").contains("FAILED").contains("failed in extract");

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
}
