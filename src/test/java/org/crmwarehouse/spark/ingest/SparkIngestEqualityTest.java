package org.crmwarehouse.spark.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.ExtractException;
import org.crmwarehouse.spark.SparkSessions;
import org.crmwarehouse.spark.SparkTables;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: sources read and validated by Spark give the tables the DuckDB extract + validate
 * give (IngestComparison: every table, as a multiset), on the sample night and on a hand-made bad
 * input whose figures are counted by hand below.
 */
class SparkIngestEqualityTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local("spark-ingest-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    // Both comparisons run many small Spark jobs: minutes on this loaded machine, hence acceptance.
    @Test
    @Tag("acceptance")
    void theSampleNightGivesTheDuckDbTables() throws Exception {
        JobConfig config = new JobConfigLoader(Contract.standard()).load(Path.of("jobs/nightly.yaml"));
        IngestComparison c = IngestComparison.run(spark, config, config.businessDate(), tmp.resolve("spark"));
        try {
            IngestComparison.assertEqual(c);
            assertThat(Db.queryLong(c.duck, "SELECT count(*) FROM quarantine")).isPositive(); // the sample has bad rows
        } finally {
            c.close();
        }
    }

    // Business date 2026-03-31. customers.csv, line by line:
    //  1 header
    //  2 C1 good
    //  3-4 C2, its name quoted over two lines: good, loaded as line 3 (a record of 2 lines)
    //  5 blank: set aside as blank_line
    //  6 C3 birth_date 1990-13-45: BAD_TYPE
    //  7 C1 again: DUPLICATE_KEY, key already on line 2
    //  8 C4 created 2026-04-02: set aside, later than the business date
    //  9 C5 one field short: MALFORMED_ROW
    // contacts.csv: 2 T1 -> C1 good; 3 T2 -> C9 UNKNOWN_REFERENCE; 4 T3 -> C4 set aside (its customer is)
    private JobConfig badInput() throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,birth_date,created_at\n"
                + "C1,Alice,1980-01-01,2025-01-01 09:00:00\n"
                + "C2,\"Bob\nSmith\",1970-05-05,2025-02-01 10:00:00\n"
                + "\n"
                + "C3,Carol,1990-13-45,2025-03-01 10:00:00\n"
                + "C1,Alice again,1980-01-01,2025-03-02 10:00:00\n"
                + "C4,Dan,1985-01-01,2026-04-02 08:00:00\n"
                + "C5,Eve,1985-01-01\n");
        Files.writeString(tmp.resolve("contacts.csv"), "contact_id,customer_id,channel,contact_time\n"
                + "T1,C1,email,2025-05-01 10:00:00\n"
                + "T2,C9,email,2025-05-01 10:00:00\n"
                + "T3,C4,email,2025-05-01 10:00:00\n");
        Files.writeString(tmp.resolve("job.yaml"), "name: bad\nbusiness_date: 2026-03-31\nreject_threshold: \"100%\"\n"
                + "sources:\n  customers: {path: customers.csv}\n  contacts: {path: contacts.csv}\n");
        return new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml"));
    }

    @Test
    @Tag("acceptance")
    void aBadInputGivesTheDuckDbTablesAndTheHandCountedFigures() throws Exception {
        JobConfig config = badInput();
        IngestComparison c = IngestComparison.run(spark, config, LocalDate.of(2026, 3, 31), tmp.resolve("spark"));
        try {
            IngestComparison.assertEqual(c);
            SparkTables t = c.spark;
            assertThat(QueryRows.of(c.duck, "SELECT entity, line, column_name, reason_code, value FROM "
                    + "read_parquet('" + t.pathOf("quarantine") + "/*.parquet') ORDER BY entity, line", "|", "∅"))
                    .containsExactly(
                            "contacts|3|customer_id|UNKNOWN_REFERENCE|C9",
                            "customers|6|birth_date|BAD_TYPE|1990-13-45",
                            "customers|7|customer_id|DUPLICATE_KEY|C1",
                            "customers|9|∅|MALFORMED_ROW|∅");
            assertThat(QueryRows.of(c.duck, "SELECT entity, line, reason FROM read_parquet('"
                    + t.pathOf("set_aside") + "/*.parquet') ORDER BY entity", "|", "∅"))
                    .containsExactly("contacts|4|later_than_business_date", "customers|8|later_than_business_date");
            assertThat(QueryRows.of(c.duck, "SELECT customer_id, _line, name FROM read_parquet('"
                    + t.pathOf("valid_customers") + "/*.parquet') ORDER BY 1", "|", "∅"))
                    .containsExactly("C1|2|Alice", "C2|3|Bob\nSmith");
            // read 6 records = 2 loaded + 3 quarantined + 1 set aside; 9 lines = 1 header + 3 loaded
            // (C1, and C2's two) + 3 quarantined + 2 set aside (the blank line, C4's line)
            assertThat(QueryRows.of(c.duck, "SELECT entity, rows_read, rows_loaded, rows_quarantined, rows_set_aside, "
                    + "physical_lines, header_lines, lines_loaded, lines_quarantined, lines_set_aside FROM read_parquet('"
                    + t.pathOf("audit_sources") + "/*.parquet') ORDER BY 1", "|", "∅")).containsExactly(
                    "contacts|3|1|1|1|4|1|1|1|1",
                    "customers|6|2|3|1|9|1|3|3|2");
            assertThat(QueryRows.of(c.duck, "SELECT detail FROM read_parquet('" + t.pathOf("quarantine")
                    + "/*.parquet') WHERE line = 7", "|", "∅")).containsExactly("key already on line 2");
        } finally {
            c.close();
        }
    }

    @Test
    void anIncrementalSourceIsRefused() throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,A,2025-01-01 09:00:00\n");
        Files.writeString(tmp.resolve("job.yaml"), "name: inc\nbusiness_date: 2026-03-31\nsources:\n"
                + "  customers: {path: customers.csv, incremental: {watermark: created_at}}\n");
        JobConfig config = new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml"));
        assertThatThrownBy(() -> new SparkSourceReader(Contract.standard()).read(new SparkTables(spark,
                tmp.resolve("spark")), config, LocalDate.of(2026, 3, 31)))
                .isInstanceOf(ExtractException.class).hasMessageContaining("incremental");
    }
}
