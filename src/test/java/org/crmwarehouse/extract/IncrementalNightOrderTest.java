package org.crmwarehouse.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental nights run forward in date. Night 2026-03-01 lands customer C1 and night 2026-03-15
 * lands C2 (new files of a landing pattern). A night of 2026-03-10 would then read no new file and
 * build its marts from a state holding C2, created on 2026-03-12, after it: it must be refused
 * before anything is read, naming the source and both dates, and leave the state as it was. The
 * latest night run again, and a later one, still run.
 */
class IncrementalNightOrderTest {
    private static final String CUSTOMERS = "customer_id,name,created_at\n";

    @TempDir
    Path tmp;

    @Test
    void anEarlierNightIsRefusedAndLeavesTheStateAsItWas() throws Exception {
        Path landing = Files.createDirectories(tmp.resolve("landing"));
        JobConfig config = config(landing);
        Files.writeString(landing.resolve("customers-1.csv"), CUSTOMERS + "C1,Ann,2026-02-01 09:00:00\n");
        night(config, LocalDate.of(2026, 3, 1));
        Files.writeString(landing.resolve("customers-2.csv"), CUSTOMERS + "C2,Bob,2026-03-12 09:00:00\n");
        night(config, LocalDate.of(2026, 3, 15));
        String before = state(config);
        assertThat(before).contains("valid_customers: [C1, C2]");

        assertThatThrownBy(() -> night(config, LocalDate.of(2026, 3, 10)))
                .isInstanceOf(ExtractException.class)
                .hasMessageContaining("sources.customers is incremental")
                .hasMessageContaining("already holds the night of 2026-03-15; the night of 2026-03-10 is earlier")
                .hasMessageContaining("run forward in date");
        assertThat(state(config)).isEqualTo(before);

        night(config, LocalDate.of(2026, 3, 15));
        night(config, LocalDate.of(2026, 3, 16));
        assertThat(state(config)).contains("valid_customers: [C1, C2]");
    }

    @Test
    void aNightExtractedButNotYetValidatedCountsAsHeld() throws Exception {
        Path landing = Files.createDirectories(tmp.resolve("landing"));
        JobConfig config = config(landing);
        Files.writeString(landing.resolve("customers-1.csv"), CUSTOMERS + "C1,Ann,2026-02-01 09:00:00\n");
        // the extract of 2026-03-20 commits its changes; its night then stops before validate
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(Contract.standard()).extract(db, config, LocalDate.of(2026, 3, 20));
        }
        assertThatThrownBy(() -> night(config, LocalDate.of(2026, 3, 18)))
                .isInstanceOf(ExtractException.class)
                .hasMessageContaining("already holds the night of 2026-03-20; the night of 2026-03-18 is earlier");
    }

    private JobConfig config(Path landing) throws Exception {
        Path file = tmp.resolve("job.yaml");
        Files.writeString(file, "name: t\noutput: " + tmp.resolve("out") + "\nsources:\n  customers: {path: "
                + landing.resolve("customers-*.csv") + ", incremental: {files: new}}\n");
        return new JobConfigLoader(Contract.standard()).load(file);
    }

    private static void night(JobConfig config, LocalDate date) throws Exception {
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(Contract.standard()).extract(db, config, date);
            new ContractValidator(Contract.standard()).validate(db, config, date);
        }
    }

    /** The state's valid customers and files read, as text. */
    private static String state(JobConfig config) throws Exception {
        try (Connection s = Db.openReadOnly(config.stateFolder().resolve("sources.duckdb"))) {
            return "valid_customers: " + Db.queryStrings(s, "SELECT customer_id FROM valid_customers ORDER BY 1")
                    + "\nfiles: " + QueryRows.of(s, "SELECT entity, kind, path FROM _files ORDER BY ALL", "|", "")
                    + "\nchanges: " + QueryRows.of(s, "SELECT * FROM _changes ORDER BY ALL", "|", "")
                    + "\nvalidated: " + QueryRows.of(s, "SELECT entity, business_date FROM _validated ORDER BY ALL",
                            "|", "");
        }
    }
}
