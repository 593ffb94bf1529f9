package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GeneratorOptions;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 items 2-4: a generated night (500 customers, no deliberately bad rows) covers
 * mart_pipeline, and its call figures equal an independent count made straight from the generated
 * CSV files with plain SQL (not through the models).
 */
class GeneratedPipelineTest {
    private static final LocalDate END = LocalDate.of(2026, 6, 30);

    @TempDir
    Path tmp;

    @Test
    void martPipelineAgreesWithCountsStraightFromTheGeneratedFiles() throws Exception {
        Path dir = tmp.resolve("gen");
        new DataGenerator(new GeneratorOptions(500, 11, dir, 0.0, END)).run(new PrintStream(OutputStream.nullOutputStream()));
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(dir.resolve("nightly.yaml"));
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, END);
            new ModelRunner(ModelCatalog.packaged(contract)).run(db, END, config.parameters());
            assertThat(Db.queryLong(db, "SELECT count(*) FROM quarantine")).isZero();

            String events = "read_csv(" + Sql.literal(dir.resolve("funnel_events.csv")) + ", all_varchar = true)";
            String leads = "read_csv(" + Sql.literal(dir.resolve("leads.csv")) + ", all_varchar = true)";
            long calls = Db.queryLong(db, "SELECT count(*) FROM " + events + " WHERE event_type = 'call'");
            long known = Db.queryLong(db, "SELECT count(duration_seconds) FROM " + events + " WHERE event_type = 'call'");
            long connected = Db.queryLong(db, "SELECT count(*) FROM " + events
                    + " WHERE event_type = 'call' AND CAST(duration_seconds AS BIGINT) > 0");
            long talk = Db.queryLong(db, "SELECT sum(CAST(duration_seconds AS BIGINT)) FROM " + events
                    + " WHERE event_type = 'call'");
            long called = Db.queryLong(db, "SELECT count(DISTINCT lead_id) FROM " + events + " WHERE event_type = 'call'");
            long leadCount = Db.queryLong(db, "SELECT count(*) FROM " + leads);
            long won = Db.queryLong(db, "SELECT count(*) FROM " + leads + " WHERE status = 'won'");
            long lost = Db.queryLong(db, "SELECT count(*) FROM " + leads + " l WHERE status = 'lost' OR EXISTS "
                    + "(SELECT 1 FROM " + events + " e WHERE e.lead_id = l.lead_id AND e.event_type = 'lost')");
            assertThat(calls).as("several attempts per lead").isGreaterThan(called);
            assertThat(known).isLessThan(calls);

            String row = "FROM mart_pipeline WHERE cohort = 'all' AND stage = 'call'";
            assertThat(Db.queryLong(db, "SELECT attempts " + row)).isEqualTo(calls);
            assertThat(Db.queryLong(db, "SELECT attempted_leads " + row)).isEqualTo(called);
            assertThat(Db.queryLong(db, "SELECT attempts_with_duration " + row)).isEqualTo(known);
            assertThat(Db.queryLong(db, "SELECT connected_attempts " + row)).isEqualTo(connected);
            assertThat(Db.queryLong(db, "SELECT talk_seconds " + row)).isEqualTo(talk);
            assertThat(Db.queryLong(db, "SELECT cohort_leads " + row)).isEqualTo(leadCount);
            assertThat(Db.queryLong(db, "SELECT won_leads " + row)).isEqualTo(won);
            assertThat(Db.queryLong(db, "SELECT lost_leads " + row)).isEqualTo(lost);
            // the call attempts of every month of mart_funnel add up to the same total
            assertThat(Db.queryLong(db, "SELECT sum(call_attempts) FROM mart_funnel WHERE period_type = 'month' "
                    + "AND salesperson = '(all)'")).isEqualTo(calls);
            // every open lead is in exactly one stage
            assertThat(Db.queryLong(db, "SELECT sum(open_leads) FROM mart_pipeline WHERE cohort = 'all'"))
                    .isEqualTo(leadCount - won - lost - Db.queryLong(db, "SELECT count(*) FROM " + leads
                            + " WHERE status = 'disqualified'"));
        }
    }
}
