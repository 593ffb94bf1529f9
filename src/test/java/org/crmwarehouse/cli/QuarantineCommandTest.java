package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quarantine policy and the {@code quarantine} command through the real command line. Two
 * nights of 40 order lines each (customers C1): 2026-03-31 with two bad lines (5.0%: not above the
 * 5% default, published), 2026-04-01 with three (7.5%: above, fails in validate and publishes
 * nothing). Order Oi is on line i + 1.
 */
class QuarantineCommandTest {
    @TempDir
    static Path tmp;

    static Path config;
    static Cli.Result night31;
    static Cli.Result night01;

    /** 40 lines O1..O40 (lines 2..41), the order types of the given 1-based order numbers set to "gift". */
    private static void writeOrders(int... gifts) throws Exception {
        List<String> lines = new ArrayList<>(List.of("order_id,line_no,customer_id,order_time,order_type,quantity,unit_price"));
        for (int i = 1; i <= 40; i++) {
            int n = i;
            String type = java.util.Arrays.stream(gifts).anyMatch(g -> g == n) ? "gift" : "sale";
            lines.add("O" + i + ",1,C1,2026-03-01 10:00:00," + type + ",1,9.5");
        }
        Files.writeString(tmp.resolve("orders.csv"), String.join("\n", lines) + "\n");
    }

    @BeforeAll
    static void runThreeNights() throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Alice,2025-01-01 09:00:00\n");
        config = tmp.resolve("job.yaml");
        Files.writeString(config, """
                name: quarantine_policy
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                  customers: {path: customers.csv}
                  orders: {path: orders.csv}
                """.formatted(tmp.resolve("repo/batch")));
        writeOrders(3, 5);
        night31 = Cli.run("run", "--config", config.toString(), "--date", "2026-03-31");
        writeOrders(10, 2, 30);
        night01 = Cli.run("run", "--config", config.toString(), "--date", "2026-04-01");
    }

    @Test
    void atOrUnderTheThresholdTheNightPublishes() {
        assertThat(night31.exit()).as("2 of 40 = 5.0% is not above 5%").isZero();
        assertThat(night31.out()).contains("orders           NOT_ALLOWED        order_type                        2");
    }

    @Test
    void aboveTheThresholdTheNightFailsInValidateNamingSourceReasonsAndLines() {
        assertThat(night01.exit()).isNotZero();
        assertThat(night01.errLines()).hasSize(1);
        assertThat(night01.errLines().get(0)).contains("step validate failed: quarantine above the reject threshold, "
                + "nothing published: orders (orders.csv): 3 of 40 rows quarantined (7.5%) > reject_threshold 5% "
                + "(job-wide); top reasons: NOT_ALLOWED order_type x3; e.g. line 3: \"O2,1,C1,2026-03-01 10:00:00,gift,");
        assertThat(night01.errLines().get(0)).contains(", line 11: \"O10,1,C1,").contains(", line 31: \"O30,1,C1,");
        assertThat(tmp.resolve("out/marts/quarantine/business_date=2026-04-01")).doesNotExist();
        assertThat(tmp.resolve("out/marts/quarantine/business_date=2026-03-31/quarantine.parquet")).exists();
    }

    @Test
    void aCompletedNightLeavesNoWorkFolderAndAFailedOneKeepsItsForTheRestart() {
        assertThat(tmp.resolve("out/work/2026-03-31")).doesNotExist();
        assertThat(tmp.resolve("out/work/2026-04-01/build.duckdb")).exists();
    }

    @Test
    void withoutADateTheCommandShowsTheWarehouseThatIsTheLatestNight() {
        Cli.Result r = Cli.run("quarantine", "--config", config.toString());
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("business_date | entity | source     | line | column_name | reason_code | value | detail");
        assertThat(lines.get(2)).startsWith("2026-03-31    | orders | orders.csv | 4    | order_type  | NOT_ALLOWED | gift  | allowed: [sale, return]");
        assertThat(lines.get(3)).startsWith("2026-03-31    | orders | orders.csv | 6    | order_type  | NOT_ALLOWED | gift  |");
        assertThat(lines.get(4)).isEqualTo("(2 rows)");
    }

    @Test
    void aDateIsReadFromItsParquetFileAndCsvKeepsFullValues() {
        Cli.Result r = Cli.run("quarantine", "--config", config.toString(), "--date", "2026-03-31", "--format", "csv");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).hasSize(3);
        assertThat(r.out().lines().toList().get(0))
                .isEqualTo("business_date,entity,source,line,column_name,reason_code,value,detail,raw_text");
        assertThat(r.out().lines().toList().get(1)).startsWith(
                "2026-03-31,orders,orders.csv,4,order_type,NOT_ALLOWED,gift,\"allowed: [sale, return]\",\"O3,1,C1,");
    }

    @Test
    void limitCutsAndSaysSo() {
        Cli.Result r = Cli.run("quarantine", "--config", config.toString(), "--date", "2026-03-31", "--limit", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).endsWith("(1 row)", "(first 1 of 2 quarantined rows: --limit 0 shows all)");
    }

    @Test
    void aDateNeverPublishedIsAClearError() {
        Cli.Result r = Cli.run("quarantine", "--config", config.toString(), "--date", "2026-04-01");
        assertThat(r.exit()).isNotZero();
        assertThat(r.errLines()).containsExactly("crm-warehouse: error: nothing published for 2026-04-01: no "
                + tmp.resolve("out/marts/quarantine/business_date=2026-04-01/quarantine.parquet"));
    }
}
