package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, as-of replays: {@code backfill} over one export holding three days gives each night
 * what a night run on that date would have published. The independent reference is three
 * ordinary nights into another output, each run over the export as it stood on its date: the
 * same files truncated to the rows dated up to that night (the exports are in date order, so
 * each truncated file is a prefix and every line keeps its number). Every Parquet table of every
 * night must have the same content (row count and md5 of the sorted rows). The data holds a
 * customer created on each day, orders of customers created the same day, a return, a
 * self-reference to a customer of the day before, invoices, and a row quarantined on day 2.
 */
@Tag("acceptance") // a backfill of as-of nights through the CLI (about 25 s): mvn -B test -Pacceptance
class AsOfBackfillNightTest {
    private static final List<LocalDate> NIGHTS = List.of(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 2),
            LocalDate.of(2026, 4, 3));
    /** Each file's rows with the date that decides when the row is known (its as_of column). */
    private static final Map<String, List<String[]>> EXPORT = Map.of(
            "customers", List.of(
                    new String[] {"2026-03-01", "customer_id,name,created_at,referrer_customer_id"},
                    new String[] {"2026-03-01", "C1,Ann,2026-03-01 09:00:00,"},
                    new String[] {"2026-04-01", "C2,Bob,2026-04-01 10:00:00,C1"},
                    new String[] {"2026-04-02", "C3,Cai,2026-04-02 11:00:00,C2"},
                    new String[] {"2026-04-03", "C4,Dan,2026-04-03 12:00:00,"}),
            "orders", List.of(
                    new String[] {"2026-03-01", "order_id,line_no,customer_id,order_time,order_type,quantity,unit_price"},
                    new String[] {"2026-03-15", "O1,1,C1,2026-03-15 10:00:00,sale,1,10"},
                    new String[] {"2026-04-01", "O2,1,C1,2026-04-01 09:00:00,sale,2,5"},
                    new String[] {"2026-04-01", "O3,1,C2,2026-04-01 23:59:59,sale,1,7"},
                    new String[] {"2026-04-02", "O4,1,C3,2026-04-02 12:00:00,sale,1,20"},
                    new String[] {"2026-04-02", "O7,1,C1,2026-04-02 14:00:00,sale,-1,5"},
                    new String[] {"2026-04-03", "O5,1,C2,2026-04-03 08:00:00,return,1,7"},
                    new String[] {"2026-04-03", "O6,1,C4,2026-04-03 13:00:00,sale,3,4"}),
            "payments", List.of(
                    new String[] {"2026-03-01", "invoice_id,customer_id,order_id,amount,issue_date,due_date,paid_date,"
                            + "paid_amount"},
                    new String[] {"2026-03-15", "I1,C1,O1,10,2026-03-15,2026-04-15,2026-03-20,10"},
                    new String[] {"2026-04-01", "I2,C2,O3,7,2026-04-01,2026-05-01,,"},
                    new String[] {"2026-04-02", "I3,C3,O4,20,2026-04-02,2026-05-02,,"}));

    @TempDir
    Path tmp;

    @Test
    void backfillOverAFullExportPublishesWhatEachNightWouldHave() throws Exception {
        Path full = Files.createDirectories(tmp.resolve("full"));
        write(full, null);
        Path backfillConfig = config("backfill_job", "out-backfill", full);
        Cli.Result backfill = Cli.run("backfill", "--config", backfillConfig.toString(), "--from", "2026-04-01",
                "--to", "2026-04-03");
        assertThat(backfill.exit()).as(backfill.err()).isZero();

        Path asOf = Files.createDirectories(tmp.resolve("as-of"));
        Path nightlyConfig = config("nightly_job", "out-nightly", asOf);
        for (LocalDate night : NIGHTS) {
            write(asOf, night);
            Cli.Result run = Cli.run("run", "--config", nightlyConfig.toString(), "--date", night.toString());
            assertThat(run.exit()).as(run.err()).isZero();
        }

        for (LocalDate night : NIGHTS) {
            Map<String, String> replayed = IncrementalLoadTestSupport.parquetChecksums(tmp.resolve("out-backfill"),
                    night.toString());
            Map<String, String> asItWas = IncrementalLoadTestSupport.parquetChecksums(tmp.resolve("out-nightly"),
                    night.toString());
            assertThat(replayed).as("tables of " + night).hasSizeGreaterThan(20).isEqualTo(asItWas);
        }
        // the replay's first night read every row and set the later ones aside (by hand: customers
        // C3, C4; orders O4, O7, O5, O6; invoice I3), none of them quarantined
        String report = Files.readString(tmp.resolve("out-backfill/reports/2026-04-01/run-report.txt"));
        assertThat(report).containsPattern("customers \\(customers.csv\\) +4 +2 +0 +2 +5 +2\n")
                .containsPattern("orders \\(orders.csv\\) +7 +3 +0 +4 +8 +4\n")
                .containsPattern("payments \\(payments.csv\\) +3 +2 +0 +1 +4 +1\n")
                .containsPattern("orders \\(orders.csv\\) +later_than_business_date +order_time +4\n");
        String json = Files.readString(tmp.resolve("out-backfill/reports/2026-04-01/run-report.json"));
        assertThat(json).containsIgnoringWhitespaces("\"setAside\" : { \"later_than_business_date\" : 4 }");
    }

    /** Writes each export, holding only the rows known on {@code night} (all rows when null). */
    private static void write(Path dir, LocalDate night) throws Exception {
        for (var file : EXPORT.entrySet()) {
            StringBuilder text = new StringBuilder();
            for (String[] row : file.getValue()) {
                if (night == null || !LocalDate.parse(row[0]).isAfter(night)) {
                    text.append(row[1]).append('\n');
                }
            }
            Files.writeString(dir.resolve(file.getKey() + ".csv"), text);
        }
    }

    private Path config(String name, String output, Path dir) throws Exception {
        return Files.writeString(tmp.resolve(name + ".yaml"), """
                name: %s
                output: %s
                reject_threshold: "50%%"   # day 2 quarantines O7 (a negative quantity) on purpose
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: %s}
                  orders: {path: %s}
                  payments: {path: %s}
                """.formatted(name, output, tmp.resolve("repo-" + name + "/batch"), dir.resolve("customers.csv"),
                dir.resolve("orders.csv"), dir.resolve("payments.csv")));
    }
}
