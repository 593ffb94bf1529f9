package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: a failing data test names example rows (key values and source line), so an
 * operator can find them in the input; before, it said only how many rows failed.
 */
class DataTestExamplesTest {

    private static final String ROWS = "select * from (values ('I1', 10, 2), ('I2', -1, 3), ('I3', null, 4), "
            + "('I4', -5, 5), ('I5', -7, 6), ('I6', -9, 7)) t(invoice_id, amount, source_line)";

    private static ModelCatalog catalog(String doc) {
        return ModelCatalog.of(Map.of("marts/mart_x", ROWS), Map.of("marts/mart_x", doc), List.of(),
                Contract.standard(), List.of());
    }

    @Test
    void aFailingCheckNamesItsFirstRowsByKeyAndSourceLine() throws Exception {
        String doc = "description: test\nunique_key: [invoice_id]\ncolumns:\n"
                + "  - {name: invoice_id, description: id}\n"
                + "  - {name: amount, description: a number, tests: [not_null]}\n"
                + "  - {name: source_line, description: line}\n"
                + "checks: [\"amount >= 0\"]\n";
        try (Connection db = Db.inMemory()) {
            // worked by hand from ROWS: amount NULL on I3 (line 4); negative or NULL (the check) on
            // I2, I3, I4, I5, I6; the first three in key order are named
            assertThatThrownBy(() -> new ModelRunner(catalog(doc)).run(db, LocalDate.of(2026, 1, 1), Map.of()))
                    .hasMessage("data tests failed: ["
                            + "mart_x: not_null(amount) fails on 1 row(s), e.g. invoice_id=I3, source_line=4, amount=null, "
                            + "mart_x: check(amount >= 0) fails on 5 row(s), e.g. invoice_id=I2, source_line=3; "
                            + "invoice_id=I3, source_line=4; invoice_id=I4, source_line=5]");
        }
    }

    @Test
    void aDuplicateNamesTheRepeatedKey() throws Exception {
        String doc = "description: test\ncolumns:\n"
                + "  - {name: invoice_id, description: id}\n"
                + "  - {name: amount, description: a number}\n"
                + "  - {name: source_line, description: line, tests: [unique]}\n";
        String dup = "marts/mart_x";
        ModelCatalog catalog = ModelCatalog.of(Map.of(dup, ROWS + " union all select 'I9', 1, 3"),
                Map.of(dup, doc), List.of(), Contract.standard(), List.of());
        try (Connection db = Db.inMemory()) {
            assertThatThrownBy(() -> new ModelRunner(catalog).run(db, LocalDate.of(2026, 1, 1), Map.of()))
                    .hasMessage("data tests failed: [mart_x: unique(source_line) fails on 1 row(s), e.g. source_line=3]");
        }
    }
}
