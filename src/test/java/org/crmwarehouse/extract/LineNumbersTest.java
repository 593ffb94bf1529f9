package org.crmwarehouse.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed rows (too few / too many fields) interleaved with good ones: the quarantine names
 * their true lines and the loaded rows keep theirs as stg_orders.source_line. The true lines are
 * counted here while the file is written (header = line 1).
 */
class LineNumbersTest {
    @TempDir
    Path tmp;

    @Test
    void quarantineAndSourceLinesAreTheFileLines() throws Exception {
        Set<Integer> badRows = Set.of(2, 3, 7, 12, 13, 14, 20);  // by row index, 0-based
        List<String> lines = new ArrayList<>(List.of(
                "order_id,line_no,customer_id,order_time,order_type,quantity,unit_price"));
        List<Long> expectedBad = new ArrayList<>();
        Map<String, Long> expectedGood = new TreeMap<>();
        for (int i = 0; i < 24; i++) {
            long lineNumber = lines.size() + 1;
            String id = "O" + i;
            if (badRows.contains(i)) {
                lines.add(i % 2 == 0 ? id + ",1,C1,2026-03-01 10:00:00" : id + ",1,C1,2026-03-01 10:00:00,sale,1,9.5,extra,more");
                expectedBad.add(lineNumber);
            } else {
                lines.add(id + ",1,C1,2026-03-01 10:00:00,sale,1,9.5");
                expectedGood.put(id, lineNumber);
            }
        }
        Files.writeString(tmp.resolve("orders.csv"), String.join("\n", lines) + "\n");
        try (Connection db = Db.inMemory()) {
            Night.extractAndValidate(db, Night.config(tmp, "  orders: {path: orders.csv}\n"));
            new ModelRunner(ModelCatalog.packaged(Contract.standard())).run(db, Night.DATE, Map.of());
            assertThat(Night.rows(db, "SELECT line FROM quarantine WHERE reason_code = 'MALFORMED_ROW' ORDER BY line"))
                    .containsExactlyElementsOf(expectedBad.stream().map(String::valueOf).toList());
            assertThat(Db.queryLong(db, "SELECT count(*) FROM quarantine")).isEqualTo(badRows.size());
            Map<String, Long> actual = new TreeMap<>();
            for (String row : Night.rows(db, "SELECT order_id, source_line FROM stg_orders")) {
                String[] f = row.split("\\|");
                actual.put(f[0], Long.parseLong(f[1]));
            }
            assertThat(actual).isEqualTo(expectedGood);
        }
    }

    /**
     * The same with blank lines and quoted line breaks between the rows (issue 13): each row's
     * line is the physical line it starts on, counted here as the file is written (a blank line
     * is one line, a record with k line breaks spans k + 1).
     */
    @Test
    void blankLinesAndQuotedLineBreaksKeepPhysicalLines() throws Exception {
        Set<Integer> badRows = Set.of(1, 4, 9, 15);
        StringBuilder file = new StringBuilder("order_id,line_no,customer_id,order_time,order_type,quantity,unit_price,"
                + "product_name\n");
        long line = 2;
        List<Long> expectedBad = new ArrayList<>();
        Map<String, Long> expectedGood = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            if (i % 3 == 0) {
                file.append("\n".repeat(i % 2 + 1)); // one or two blank lines
                line += i % 2 + 1;
            }
            String id = "O" + i;
            int breaks = i % 4 == 1 ? 2 : i % 5 == 2 ? 1 : 0;
            String name = "\"" + "part\n".repeat(breaks) + "end\"";
            if (badRows.contains(i)) {
                file.append(id).append(",1,C1,2026-03-01 10:00:00,sale,1,").append(name).append('\n'); // a field short
                expectedBad.add(line);
            } else {
                file.append(id).append(",1,C1,2026-03-01 10:00:00,sale,1,9.5,").append(name).append('\n');
                expectedGood.put(id, line);
            }
            line += breaks + 1;
        }
        Files.writeString(tmp.resolve("orders.csv"), file.toString());
        try (Connection db = Db.inMemory()) {
            Night.extractAndValidate(db, Night.config(tmp, "  orders: {path: orders.csv}\n"));
            new ModelRunner(ModelCatalog.packaged(Contract.standard())).run(db, Night.DATE, Map.of());
            assertThat(Night.rows(db, "SELECT line FROM quarantine WHERE reason_code = 'MALFORMED_ROW' ORDER BY line"))
                    .containsExactlyElementsOf(expectedBad.stream().map(String::valueOf).toList());
            Map<String, Long> actual = new TreeMap<>();
            for (String row : Night.rows(db, "SELECT order_id, source_line FROM stg_orders")) {
                String[] f = row.split("\\|");
                actual.put(f[0], Long.parseLong(f[1]));
            }
            assertThat(actual).isEqualTo(expectedGood);
        }
    }
}
