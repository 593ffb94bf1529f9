package org.crmwarehouse.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same customers as CSV, JSON Lines and Parquet, and the CSV reader's options and edge cases. */
class SourceFormatsTest {
    @TempDir
    Path tmp;

    private static final String CSV = """
            customer_id,name,birth_date,created_at
            C1,Alice,1980-05-17,2025-01-01 09:00:00
            C2,"Bob, ""the"" builder",,2025-02-01 10:00:00
            C3,"Two
            lines",1990-12-31,2025-03-01 11:00:00
            """;

    /** What every format must load: written by hand from the rows above. */
    private static final List<String> EXPECTED = List.of(
            "C1|Alice|1980-05-17|2025-01-01 09:00:00",
            "C2|Bob, \"the\" builder|∅|2025-02-01 10:00:00",
            "C3|Two\nlines|1990-12-31|2025-03-01 11:00:00");

    private static final String LOADED = "SELECT customer_id, name, CAST(birth_date AS VARCHAR), CAST(created_at AS VARCHAR) FROM valid_customers ORDER BY customer_id";

    private List<String> load(String sourceYaml) throws Exception {
        try (Connection db = Db.inMemory()) {
            Night.extractAndValidate(db, Night.config(tmp, "  customers: " + sourceYaml + "\n"));
            return Night.rows(db, LOADED);
        }
    }

    @Test
    void csvWithQuotesAndEmbeddedNewline() throws Exception {
        Files.writeString(tmp.resolve("c.csv"), CSV);
        assertThat(load("{path: c.csv}")).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void jsonLinesLoadTheSameRowsAndQuarantineAMalformedLineWithItsNumber() throws Exception {
        Files.writeString(tmp.resolve("c.jsonl"), String.join("\n",
                "{\"customer_id\": \"C1\", \"name\": \"Alice\", \"birth_date\": \"1980-05-17\", \"created_at\": \"2025-01-01 09:00:00\"}",
                "{\"customer_id\": \"C2\", \"name\": \"Bob, \\\"the\\\" builder\", \"created_at\": \"2025-02-01 10:00:00\"}",
                "{\"customer_id\": \"C9\", \"name\": oops",
                "{\"customer_id\": \"C3\", \"name\": \"Two\\nlines\", \"birth_date\": \"1990-12-31\", \"created_at\": \"2025-03-01 11:00:00\"}",
                ""));
        try (Connection db = Db.inMemory()) {
            Night.extractAndValidate(db, Night.config(tmp, "  customers: {path: c.jsonl}\n"));
            assertThat(Night.rows(db, LOADED)).containsExactlyElementsOf(EXPECTED);
            assertThat(Night.rows(db, "SELECT entity, line, reason_code FROM quarantine"))
                    .containsExactly("customers|3|MALFORMED_ROW");
        }
    }

    @Test
    void parquetLoadsTheSameRows() throws Exception {
        Path file = tmp.resolve("c.parquet");
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "COPY (SELECT * FROM (VALUES "
                    + "('C1', 'Alice', DATE '1980-05-17', TIMESTAMP '2025-01-01 09:00:00'), "
                    + "('C2', 'Bob, \"the\" builder', NULL, TIMESTAMP '2025-02-01 10:00:00'), "
                    + "('C3', 'Two' || chr(10) || 'lines', DATE '1990-12-31', TIMESTAMP '2025-03-01 11:00:00')) "
                    + "t(customer_id, name, birth_date, created_at)) TO " + Sql.literal(file) + " (FORMAT parquet)");
        }
        assertThat(load("{path: c.parquet}")).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void semicolonDelimiterAndDayFirstDates() throws Exception {
        Files.writeString(tmp.resolve("c.csv"), "customer_id;name;birth_date;created_at\n"
                + "C1;Alice;17/05/1980;2025-01-01 09:00:00\nC2;Bob;31/12/1990;2025-02-01 10:00:00\n");
        assertThat(load("{path: c.csv, delimiter: ';', date_format: \"%d/%m/%Y\"}")).containsExactly(
                "C1|Alice|1980-05-17|2025-01-01 09:00:00", "C2|Bob|1990-12-31|2025-02-01 10:00:00");
    }

    @Test
    void fileWithoutHeaderTakesTheConfiguredColumns() throws Exception {
        Files.writeString(tmp.resolve("c.csv"), "C1,Alice,2025-01-01 09:00:00\nC2,Bob,2025-02-01 10:00:00\n");
        try (Connection db = Db.inMemory()) {
            Night.extractAndValidate(db, Night.config(tmp,
                    "  customers: {path: c.csv, header: false, columns: [customer_id, name, created_at]}\n"));
            assertThat(Night.rows(db, "SELECT _line, customer_id, name FROM valid_customers ORDER BY 1"))
                    .containsExactly("1|C1|Alice", "2|C2|Bob");
        }
    }

    @Test
    void emptyAndHeaderOnlyFilesLoadNothing() throws Exception {
        Files.writeString(tmp.resolve("empty.csv"), "");
        assertThat(load("{path: empty.csv}")).isEmpty();
        Files.writeString(tmp.resolve("header.csv"), "customer_id,name,created_at\n");
        assertThat(load("{path: header.csv}")).isEmpty();
    }

    @Test
    void missingRequiredHeaderColumnNamesFileAndColumn() throws Exception {
        Files.writeString(tmp.resolve("c.csv"), "customer_id,created_at\nC1,2025-01-01 09:00:00\n");
        try (Connection db = Db.inMemory()) {
            assertThatThrownBy(() -> Night.extractAndValidate(db, Night.config(tmp, "  customers: {path: c.csv}\n")))
                    .isInstanceOf(ExtractException.class)
                    .hasMessageContaining("c.csv").hasMessageContaining("[name]").hasMessageContaining("customers");
        }
    }

    @Test
    void aPathWithAQuoteStillReads() throws Exception {
        Files.writeString(tmp.resolve("it's.csv"), CSV, StandardCharsets.UTF_8);
        assertThat(load("{path: \"it's.csv\"}")).containsExactlyElementsOf(EXPECTED);
    }
}
