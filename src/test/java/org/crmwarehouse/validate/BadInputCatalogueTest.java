package org.crmwarehouse.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import org.crmwarehouse.config.ConfigException;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.ExtractException;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue: one test per kind of bad input, each ending in quarantine rows with an
 * exact reason, line and column, or in one clear error naming the file, never in a crash, a hang
 * or a silent loss; and wherever rows are read, read = loaded + quarantined.
 *
 * <p>Covered elsewhere and not repeated: interleaved malformed rows and their line numbers
 * (extract/LineNumbersTest), quoted delimiters and newlines in CSV/JSONL/Parquet, a path with a
 * quote, empty/header-only loading, a missing header column (extract/SourceFormatsTest), a missing
 * input file and a non-read-only mapping through the command line (cli/CliErrorsTest).
 *
 * <p>Every file has customers C1 (so orders can reference it); lines are counted from the header,
 * which is line 1. Business date 2026-03-31.
 */
class BadInputCatalogueTest {
    private static final LocalDate DATE = LocalDate.of(2026, 3, 31);
    private static final String HEADER = "order_id,line_no,customer_id,order_time,order_type,quantity,unit_price,"
            + "product_name\n";
    /** A good order line after the order id. */
    private static final String GOOD = ",1,C1,2026-03-01 10:00:00,sale,1,9.5,p\n";

    @TempDir
    Path tmp;

    private Connection db;

    /** Extract + validate customers (C1) and orders.csv (HEADER + body); the connection stays open for asserts. */
    private Connection night(String ordersBody) throws Exception {
        return night((HEADER + ordersBody).getBytes(StandardCharsets.UTF_8), "{path: orders.csv}");
    }

    private Connection night(byte[] orders, String ordersSpec) throws Exception {
        Files.write(tmp.resolve("orders.csv"), orders);
        return nightWith("  orders: " + ordersSpec + "\n");
    }

    private Connection nightWith(String ordersSource) throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Alice,2025-01-01 09:00:00\n");
        Files.writeString(tmp.resolve("job.yaml"), "name: t\nsources:\n  customers: {path: customers.csv}\n"
                + ordersSource);
        JobConfig config = new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml"));
        db = Db.inMemory();
        new SourceExtractor(Contract.standard()).extract(db, config);
        // validate() itself throws when read != loaded + quarantined for any source
        new ContractValidator(Contract.standard()).validate(db, config, DATE);
        return db;
    }

    /** Quarantined order rows as "line|column|reason|value". */
    private List<String> quarantine() throws Exception {
        return rows("SELECT line, column_name, reason_code, value FROM quarantine WHERE entity = 'orders' "
                + "ORDER BY line, column_name");
    }

    /** "read|loaded|quarantined" of the orders source. */
    private String audit() throws Exception {
        return rows("SELECT rows_read, rows_loaded, rows_quarantined FROM audit_sources WHERE entity = 'orders'").get(0);
    }

    private List<String> rows(String query) throws Exception {
        return QueryRows.of(db, query, "|", "∅");
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void wrongColumnCount() throws Exception {
        night("O1" + GOOD + "O2,1,C1\n" + "O3,1,C1,2026-03-01 10:00:00,sale,1,9.5,p,extra\n");
        assertThat(quarantine()).containsExactly("3|∅|MALFORMED_ROW|∅", "4|∅|MALFORMED_ROW|∅");
        assertThat(rows("SELECT line, detail, raw_text FROM quarantine ORDER BY line")).containsExactly(
                "3|MISSING COLUMNS: Expected Number of Columns: 8 Found: 3|O2,1,C1",
                "4|TOO MANY COLUMNS: Expected Number of Columns: 8 Found: 9|O3,1,C1,2026-03-01 10:00:00,sale,1,9.5,p,extra");
        assertThat(audit()).isEqualTo("3|1|2");
    }

    @Test
    void unparseableDateOrNumber() throws Exception {
        night("O1,1,C1,2026-02-30 10:00:00,sale,1,9.5,p\n"   // 30 February
                + "O2,1,C1,yesterday,sale,1,9.5,p\n"
                + "O3,1,C1,2026-03-01 10:00:00,sale,\"1,5\",9.5,p\n"  // decimal comma
                + "O4,x,C1,2026-03-01 10:00:00,sale,1,9.5 EUR,p\n");
        assertThat(quarantine()).containsExactly(
                "2|order_time|BAD_TYPE|2026-02-30 10:00:00",
                "3|order_time|BAD_TYPE|yesterday",
                "4|quantity|BAD_TYPE|1,5",
                "5|line_no|BAD_TYPE|x",
                "5|unit_price|BAD_TYPE|9.5 EUR");
        assertThat(rows("SELECT DISTINCT detail FROM quarantine ORDER BY 1"))
                .containsExactly("not a valid bigint", "not a valid decimal", "not a valid timestamp");
        assertThat(audit()).isEqualTo("4|0|4");
    }

    @Test
    void negativeOrAbsurdAmounts() throws Exception {
        night("O1,1,C1,2026-03-01 10:00:00,sale,-1,9.5,p\n"
                + "O2,1,C1,2026-03-01 10:00:00,sale,1,100000000.01,p\n"      // max unit_price is 1e8
                + "O3,1,C1,2026-03-01 10:00:00,sale,1,1e30,p\n"              // beyond DECIMAL(18,4): not a decimal
                + "O4,1,C1,2026-03-01 10:00:00,sale,1000000,100000000,p\n");  // both exactly at the max: loaded
        assertThat(quarantine()).containsExactly(
                "2|quantity|OUT_OF_RANGE|-1",
                "3|unit_price|OUT_OF_RANGE|100000000.01",
                "4|unit_price|BAD_TYPE|1e30");
        assertThat(rows("SELECT detail FROM quarantine ORDER BY line")).containsExactly(
                "outside [0, 1000000]", "outside [0, 100000000]", "not a valid decimal");
        assertThat(audit()).isEqualTo("4|1|3");
    }

    @Test
    void unknownForeignKey() throws Exception {
        night("O1" + GOOD + "O2,1,C9,2026-03-01 10:00:00,sale,1,9.5,p\n");
        assertThat(quarantine()).containsExactly("3|customer_id|UNKNOWN_REFERENCE|C9");
        assertThat(rows("SELECT detail FROM quarantine")).containsExactly("no customers.customer_id with this value");
        assertThat(audit()).isEqualTo("2|1|1");
    }

    @Test
    void duplicatePrimaryKey() throws Exception {
        night("O1" + GOOD + "O1,2,C1,2026-03-01 10:00:00,sale,1,9.5,p\n" + "O1" + GOOD);
        assertThat(quarantine()).containsExactly("4|order_id, line_no|DUPLICATE_KEY|O1, 1");
        assertThat(rows("SELECT detail FROM quarantine")).containsExactly("key already on line 2");
        assertThat(rows("SELECT _line FROM valid_orders ORDER BY 1")).containsExactly("2", "3");  // first one wins
        assertThat(audit()).isEqualTo("3|2|1");
    }

    @Test
    void missingRequiredFields() throws Exception {
        night("O1,1,,2026-03-01 10:00:00,sale,1,9.5,p\n"
                + "O2,1,   ,2026-03-01 10:00:00,sale,1,9.5,p\n"   // blank after trimming
                + ",1,C1,,sale,1,9.5,p\n");
        assertThat(quarantine()).containsExactly(
                "2|customer_id|MISSING_REQUIRED|∅",
                "3|customer_id|MISSING_REQUIRED|∅",
                "4|order_id|MISSING_REQUIRED|∅",
                "4|order_time|MISSING_REQUIRED|∅");
        assertThat(audit()).isEqualTo("3|0|3");
    }

    @Test
    void invalidEnumValues() throws Exception {
        night("O1,1,C1,2026-03-01 10:00:00,Sale,1,9.5,p\n"   // allowed values match exactly
                + "O2,1,C1,2026-03-01 10:00:00,gift,1,9.5,p\n");
        assertThat(quarantine()).containsExactly("2|order_type|NOT_ALLOWED|Sale", "3|order_type|NOT_ALLOWED|gift");
        assertThat(rows("SELECT DISTINCT detail FROM quarantine")).containsExactly("allowed: [sale, return]");
        assertThat(audit()).isEqualTo("2|0|2");
    }

    @Test
    void datesInTheFuture() throws Exception {
        // business date 2026-03-31 with one day of slack: 1 April loads, 2 April does not
        night("O1,1,C1,2026-04-01 23:59:59,sale,1,9.5,p\n" + "O2,1,C1,2026-04-02 00:00:00,sale,1,9.5,p\n");
        assertThat(quarantine()).containsExactly("3|order_time|FUTURE_DATE|2026-04-02 00:00:00");
        assertThat(rows("SELECT detail FROM quarantine")).containsExactly("after business date 2026-03-31");
        assertThat(audit()).isEqualTo("2|1|1");
    }

    /** DuckDB's reader rejects the line (store_rejects): quarantined as MALFORMED_ROW, not an error. */
    @Test
    void nonUtf8Bytes() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes((HEADER + "O1" + GOOD).getBytes(StandardCharsets.UTF_8));
        file.writeBytes("O2,1,C1,2026-03-01 10:00:00,sale,1,9.5,Caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        file.writeBytes(("O3" + GOOD).getBytes(StandardCharsets.UTF_8));
        night(file.toByteArray(), "{path: orders.csv}");
        assertThat(quarantine()).containsExactly("3|∅|MALFORMED_ROW|∅");
        assertThat(rows("SELECT detail FROM quarantine")).singleElement().asString()
                .startsWith("INVALID ENCODING: Invalid unicode (byte sequence mismatch) detected.");
        assertThat(rows("SELECT _line, order_id FROM valid_orders ORDER BY 1")).containsExactly("2|O1", "4|O3");
        assertThat(audit()).isEqualTo("3|2|1");
    }

    /**
     * Quoted newlines and quotes load verbatim. Lines are counted in records: a row after a
     * record spanning two physical lines is numbered one less than its physical line (here
     * record 3 starts on physical line 4). An unterminated quote swallows the rest of the file
     * into one rejected record, whose raw text keeps it all.
     */
    @Test
    void embeddedNewlinesAndQuotes() throws Exception {
        night("O1,1,C1,2026-03-01 10:00:00,sale,1,9.5,\"Two\nlines, \"\"quoted\"\"\"\n"
                + "O2,1,C1,2026-03-01 10:00:00,sale,x,9.5,p\n");
        assertThat(rows("SELECT product_name FROM valid_orders")).containsExactly("Two\nlines, \"quoted\"");
        assertThat(quarantine()).containsExactly("3|quantity|BAD_TYPE|x");
        assertThat(audit()).isEqualTo("2|1|1");
        db.close();

        night("O1" + GOOD + "O2,1,C1,2026-03-01 10:00:00,sale,1,9.5,\"no closing quote\n" + "O3" + GOOD);
        assertThat(quarantine()).containsExactly("3|∅|MALFORMED_ROW|∅");
        assertThat(rows("SELECT detail, raw_text FROM quarantine")).containsExactly(
                "UNQUOTED VALUE: Value with unterminated quote found.|"
                        + "O2,1,C1,2026-03-01 10:00:00,sale,1,9.5,\"no closing quote\nO3" + GOOD);
        assertThat(audit()).isEqualTo("2|1|1");
    }

    @Test
    void emptyFile() throws Exception {
        night(new byte[0], "{path: orders.csv}");
        assertThat(quarantine()).isEmpty();
        assertThat(audit()).isEqualTo("0|0|0");
    }

    @Test
    void headerOnlyFile() throws Exception {
        night(HEADER.getBytes(StandardCharsets.UTF_8), "{path: orders.csv}");
        assertThat(quarantine()).isEmpty();
        assertThat(audit()).isEqualTo("0|0|0");
    }

    @Test
    void missingFile() throws Exception {
        assertThatThrownBy(() -> nightWith("  orders: {path: no-such-orders.csv}\n"))
                .isInstanceOf(ExtractException.class)
                .hasMessage("no-such-orders.csv: input file not found: " + tmp.resolve("no-such-orders.csv"));
    }

    /** A 10 MB field is under the 16 MiB line limit and loads whole. */
    @Test
    void tenMegabyteField() throws Exception {
        night("O1,1,C1,2026-03-01 10:00:00,sale,1,9.5," + "x".repeat(10_000_000) + "\n" + "O2" + GOOD);
        assertThat(rows("SELECT _line, order_id, length(product_name) FROM valid_orders ORDER BY 1"))
                .containsExactly("2|O1|10000000", "3|O2|1");
        assertThat(audit()).isEqualTo("2|2|0");
    }

    /**
     * A line over 16 MiB is quarantined with its reason (its raw text cut to DuckDB's 10,000
     * characters), as the first data line (where DuckDB's sniffer gives up on the file, so it is
     * read again with the header's columns) and further down.
     */
    @Test
    void fieldBeyondTheLineLimit() throws Exception {
        String huge = "O9,1,C1,2026-03-01 10:00:00,sale,1,9.5," + "x".repeat(17_000_000) + "\n";
        night(huge + "O2" + GOOD);
        assertThat(quarantine()).containsExactly("2|∅|MALFORMED_ROW|∅");
        assertThat(rows("SELECT detail, length(raw_text) FROM quarantine")).containsExactly(
                "LINE SIZE OVER MAXIMUM: Maximum line size of 16777216 bytes exceeded. Actual Size:17000039 bytes.|10000");
        assertThat(rows("SELECT _line, order_id FROM valid_orders")).containsExactly("3|O2");
        assertThat(audit()).isEqualTo("2|1|1");
    }

    @Test
    void fieldBeyondTheLineLimitLaterInTheFile() throws Exception {
        String huge = "O9,1,C1,2026-03-01 10:00:00,sale,1,9.5," + "x".repeat(17_000_000) + "\n";
        night("O1" + GOOD + huge + "O2" + GOOD);
        assertThat(quarantine()).containsExactly("3|∅|MALFORMED_ROW|∅");
        assertThat(rows("SELECT _line, order_id FROM valid_orders ORDER BY 1")).containsExactly("2|O1", "4|O2");
        assertThat(audit()).isEqualTo("3|2|1");
    }

    /**
     * Paths, values and header names crafted as SQL: paths and values are bound as quoted literals
     * and header names as quoted identifiers, so they are read as data and nothing else runs.
     */
    @Test
    void sqlInjectionAttempts() throws Exception {
        String name = "o'); DROP TABLE quarantine; --.csv";
        Files.writeString(tmp.resolve(name), " Order_ID ,line_no,customer_id,order_time,order_type,quantity,"
                + "unit_price,product_name,\"x\"\"); DROP TABLE t; --\",'it''s'\n"
                + "O1,1,C1,2026-03-01 10:00:00,sale,1,9.5,'); DROP TABLE raw_orders; --,a,b\n");
        nightWith("  orders: {path: \"" + name + "\", date_format: \"%Y'%m\"}\n");
        assertThat(rows("SELECT _source, _line, order_id, product_name FROM valid_orders"))
                .containsExactly(name + "|2|O1|'); DROP TABLE raw_orders; --");
        assertThat(audit()).isEqualTo("1|1|0");
        db.close();

        Files.writeString(tmp.resolve("orders.jsonl"), "{\"order_id\": \"O1\", \"line_no\": 1, \"customer_id\": \"C1\", "
                + "\"order_time\": \"2026-03-01 10:00:00\", \"order_type\": \"sale\", \"quantity\": 1, \"unit_price\": 9.5, "
                + "\"x\\\"'); DROP TABLE t; --\": 1, \"product_name\": \"\\\"; DELETE FROM valid_customers; --\"}\n");
        nightWith("  orders: {path: orders.jsonl}\n");
        assertThat(rows("SELECT order_id, product_name FROM valid_orders"))
                .containsExactly("O1|\"; DELETE FROM valid_customers; --");
        assertThat(rows("SELECT count(*) FROM valid_customers")).containsExactly("1");
        assertThat(audit()).isEqualTo("1|1|0");
    }

    /** The loader refuses anything but one query; a write hidden in a WITH fails when run and changes nothing. */
    @Test
    void mappingThatIsNotReadOnly() throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Alice,2025-01-01 09:00:00\n");
        for (String mapping : List.of("DROP TABLE x", "select 1; drop table x", "pragma version",
                "attach 'other.db'", "select 1 -- ;\\n; delete from x")) {  // \\n: a YAML escape
            Files.writeString(tmp.resolve("job.yaml"), "name: t\nsources:\n  customers: {mapping: \"" + mapping + "\"}\n");
            assertThatThrownBy(() -> new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml")))
                    .as(mapping).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("sources.customers.mapping must be");
        }
        db = Db.inMemory();
        Db.execute(db, "CREATE TABLE sentinel AS SELECT 1 AS x");
        for (String mapping : List.of("with c as (select 1) delete from sentinel", "(delete from sentinel)",
                "from sentinel; drop table sentinel;")) {
            Files.writeString(tmp.resolve("job.yaml"), "name: t\nsources:\n  customers: {mapping: \"" + mapping + "\"}\n");
            try {
                JobConfig config = new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml"));
                assertThatThrownBy(() -> new SourceExtractor(Contract.standard()).extract(db, config)).as(mapping)
                        .isInstanceOf(ExtractException.class)
                        .hasMessageStartingWith("sources.customers.mapping does not run: ");
            } catch (ConfigException refused) {
                assertThat(refused).as(mapping).hasMessageContaining("sources.customers.mapping must be");
            }
            assertThat(rows("SELECT count(*) FROM sentinel")).as(mapping).containsExactly("1");
        }
    }

    // issue 13, config

    /**
     * A misspelt optional header used to load as an extra column, leaving the contract column NULL
     * on every row (every margin NULL). A near miss of a column the file lacks is an error naming
     * the file, the header and the column meant; case and surrounding blanks still match.
     */
    @Test
    void misspeltHeaderIsAnErrorWithASuggestion() throws Exception {
        String good = "O1,1,C1,2026-03-01 10:00:00,sale,1,9.5,p,";
        for (String[] miss : new String[][] {{"unit_cots", "unit_cost"}, {"dicsount", "discount"},
                {"Unit Cost", "unit_cost"}, {"unit-cost", "unit_cost"}, {"DISCOUNTS", "discount"}}) {
            Path orders = tmp.resolve("orders.csv");
            assertThatThrownBy(() -> night((HEADER.strip() + "," + miss[0] + "\n" + good + "0.5\n")
                    .getBytes(StandardCharsets.UTF_8), "{path: orders.csv}")).as(miss[0])
                    .isInstanceOf(ExtractException.class)
                    .hasMessage(orders.toAbsolutePath().normalize() + ": header '" + miss[0] + "' is not a column of "
                            + "entity orders; did you mean " + miss[1] + "?");
        }
        // the same columns spelt right, in another case and with blanks, load
        night((HEADER.strip() + ", UNIT_COST ,Discount\n" + good + "4.25,0.1\n").getBytes(StandardCharsets.UTF_8),
                "{path: orders.csv}");
        assertThat(rows("SELECT unit_cost, discount FROM valid_orders")).containsExactly("4.2500|0.1000");
        assertThat(rows("SELECT count(*) FROM extract_unknown_columns")).containsExactly("0");
    }

    /**
     * Other columns beyond the contract are not loaded and are listed per source (the run report
     * shows this table: report/RunReportWriterTest, cli/RepositorySafetyTest). A near miss of a
     * column the file does have is such a column, and so is anything in a raw: file, which keeps
     * all its columns for mappings.
     */
    @Test
    void unknownColumnsAreListedPerSource() throws Exception {
        night((HEADER.strip() + ",colour,unit_cost,unit_costs\n" + "O1,1,C1,2026-03-01 10:00:00,sale,1,9.5,p,red,4,5\n")
                .getBytes(StandardCharsets.UTF_8), "{path: orders.csv}");
        assertThat(rows("SELECT entity, source, column_name FROM extract_unknown_columns ORDER BY 3"))
                .containsExactly("orders|orders.csv|colour", "orders|orders.csv|unit_costs");
        assertThat(rows("SELECT unit_cost FROM valid_orders")).containsExactly("4.0000");
        assertThat(audit()).isEqualTo("1|1|0");
        db.close();

        Files.writeString(tmp.resolve("legacy.csv"), "nummer,unit_cots\nO1,3\n");
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Alice,2025-01-01 09:00:00\n");
        Files.writeString(tmp.resolve("job.yaml"), "name: t\nraw: {legacy: legacy.csv}\nsources:\n"
                + "  customers: {path: customers.csv}\n");
        JobConfig config = new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml"));
        db = Db.inMemory();
        new SourceExtractor(Contract.standard()).extract(db, config);
        assertThat(rows("SELECT nummer, unit_cots FROM rawfile_legacy")).containsExactly("O1|3");
        assertThat(rows("SELECT count(*) FROM extract_unknown_columns")).containsExactly("0");
    }
}
