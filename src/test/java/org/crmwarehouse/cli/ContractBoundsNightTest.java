package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 1: every value the contract accepts flows through every model. One whole night
 * through the command line on the eight entities with rows at every numeric bound of the contract
 * (min and max of each DECIMAL/BIGINT column that has bounds), 12,000 lines of quantity 1e6 x
 * unit_price 1e8 for one customer on one day (each line 1e14, their sum 1.2e18, past BIGINT-sized
 * DECIMAL(18)), a price of 0.0001 against a cost of 1e8 (an extreme but legal margin rate), and the
 * 3,000,000.00 flat of the issue. Before the fix the night failed in stg_orders with "Overflow in
 * multiplication of DECIMAL(18)". Every figure asserted is computed by hand in the comment above it.
 */
class ContractBoundsNightTest {
    private static final String DATE = "2026-03-31";
    /** Lines of quantity 1e6 at unit_price 1e8 for C1 on 2026-03-30: 12,000 x 1e14 = 1.2e18. */
    private static final int MAX_LINES = 12_000;

    @TempDir
    static Path tmp;

    static Path output;
    static Cli.Result night;

    @BeforeAll
    static void runNight() throws IOException {
        write("customers.csv", """
                customer_id,name,credit_limit,created_at
                C1,Max Buyer,1000000000,2025-01-01 00:00:00
                C2,Min Buyer,0,2025-01-01 00:00:00
                C3,Property Developer,,2025-01-01 00:00:00
                """);
        StringBuilder orders = new StringBuilder(
                "order_id,line_no,customer_id,order_time,order_type,product_id,category,quantity,unit_price,unit_cost,discount,channel,salesperson\n");
        for (int i = 1; i <= MAX_LINES; i++) {
            // even lines at the maximum cost 1e8, odd lines at the minimum 0; discount at its minimum 0
            orders.append("M").append(i).append(",1,C1,2026-03-30 10:00:00,sale,P1,bulk,1000000,100000000,")
                    .append(i % 2 == 0 ? "100000000" : "0").append(",0,bulk,S1\n");
        }
        orders.append("""
                D1,1,C1,2026-03-30 11:00:00,sale,P1,bulk,1000000,100000000,100000000,1,bulk,S1
                R1,1,C1,2026-03-30 12:00:00,return,P1,bulk,1000000,100000000,100000000,0,bulk,S1
                Z1,0,C1,2026-03-30 13:00:00,sale,P1,bulk,0,0,0,0,bulk,S1
                Z1,9223372036854775807,C1,2026-03-30 13:00:00,sale,P1,bulk,0,0,0,0,bulk,S1
                S1,1,C2,2026-03-20 10:00:00,sale,P2,sample,1,0.0001,100000000,,shop,S3
                F1,1,C3,2026-03-15 10:00:00,sale,P-FLAT,property,1,3000000.00,2400000.00,,developer,S2
                """);
        write("orders.csv", orders.toString());
        write("payments.csv", """
                invoice_id,customer_id,order_id,amount,issue_date,due_date,paid_date,paid_amount,method
                I1,C1,M1,10000000000,2026-01-01,2026-01-31,,0,bank_transfer
                I2,C2,S1,0,2026-01-01,2026-01-31,2026-01-15,10000000000,cash
                I3,C3,F1,10000000000,2026-03-15,2026-04-14,,,
                """);
        write("campaigns.csv", """
                campaign_id,name,channel,start_date,end_date,spend
                K1,Max spend,advertising,2026-01-01,2026-01-31,10000000000
                K2,No spend,telephone,2026-02-01,2026-02-28,0
                """);
        write("leads.csv", """
                lead_id,created_at,source_channel,campaign_id,status,customer_id
                L1,2026-01-05 10:00:00,advertising,K1,won,C1
                L2,2026-02-05 10:00:00,telephone,K2,lost,
                """);
        write("funnel_events.csv", """
                event_id,lead_id,campaign_id,event_type,event_time,amount
                E1,L1,K1,call,2026-01-06 10:00:00,
                E2,L1,K1,quote,2026-01-07 10:00:00,0
                E3,L1,K1,deal,2026-01-10 10:00:00,10000000000
                E4,L2,K2,lost,2026-02-06 10:00:00,
                """);
        write("contacts.csv", """
                contact_id,customer_id,channel,contact_time
                T1,C1,phone,2026-03-01 10:00:00
                """);
        write("expenses.csv", """
                expense_id,expense_date,category,amount,salesperson,customer_id
                X1,2026-03-01,travel,10000000000,S1,C1
                X2,2026-03-02,gifts,0,S2,
                """);
        Path config = tmp.resolve("job.yaml");
        StringBuilder sources = new StringBuilder();
        for (String entity : new String[] {"customers", "orders", "payments", "campaigns", "leads", "funnel_events",
                "contacts", "expenses"}) {
            sources.append("  ").append(entity).append(": {path: ").append(entity).append(".csv}\n");
        }
        Files.writeString(config, """
                name: contract_bounds
                business_date: %s
                output: out
                repository: {url: "jdbc:h2:file:%s;AUTO_SERVER=TRUE", user: sa}
                sources:
                %s""".formatted(DATE, tmp.resolve("repo").resolve("batch"), sources));
        output = tmp.resolve("out");
        night = Cli.run("run", "--config", config.toString());
    }

    private static void write(String name, String text) throws IOException {
        Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void theNightPublishesWithEveryRowLoaded() throws Exception {
        assertThat(night.exit()).as(night.err()).isZero();
        try (Connection db = Db.openReadOnly(output.resolve("warehouse.duckdb"))) {
            // every row is legal: nothing quarantined; 12,000 + 6 order lines loaded
            assertThat(Db.queryLong(db, "SELECT count(*) FROM quarantine")).isZero();
            assertThat(Db.queryLong(db, "SELECT count(*) FROM stg_orders")).isEqualTo(MAX_LINES + 6);
        }
    }

    @Test
    void theFlatsRevenueAndMarginAreExact() throws Exception {
        assertThat(night.exit()).as(night.err()).isZero();
        // 1 x 3,000,000.00 x (1 - 0) = 3,000,000.00; margin 3,000,000.00 - 1 x 2,400,000.00 = 600,000.00;
        // margin rate 600,000 / 3,000,000 = 0.2
        assertThat(row("SELECT revenue, cost, margin, margin_rate FROM mart_daily_sales"
                + " WHERE sales_date = DATE '2026-03-15' AND channel = 'developer'"))
                .containsExactly(dec("3000000.00"), dec("2400000.00"), dec("600000.00"), dec("0.2000"));
    }

    @Test
    void theDaysSumPastOneE18IsExact() throws Exception {
        assertThat(night.exit()).as(night.err()).isZero();
        // 2026-03-30, bulk, S1, by hand:
        //   12,000 sale lines of 1e6 x 1e8 x (1 - 0) = 1e14 each:   revenue 1.2e18
        //   6,000 of them cost 1e6 x 1e8 = 1e14, 6,000 cost 0:        cost    6e17
        //   D1 discount 1: revenue 1e14 x (1 - 1) = 0, cost 1e14
        //   R1 return: revenue -1e14, cost -1e14
        //   Z1 (line_no 0 and line_no 2^63 - 1): quantity 0, all zero
        // revenue 1.2e18 - 1e14 = 1,199,900,000,000,000,000; cost 6e17 + 1e14 - 1e14 = 6e17;
        // margin = revenue - cost = 599,900,000,000,000,000; net units 12,001 x 1e6 - 1e6 = 1.2e10
        assertThat(row("SELECT revenue, cost, margin, net_units, order_lines FROM mart_daily_sales"
                + " WHERE sales_date = DATE '2026-03-30' AND channel = 'bulk' AND salesperson = 'S1'"))
                .containsExactly(dec("1199900000000000000.00"), dec("600000000000000000.00"),
                        dec("599900000000000000.00"), dec("12000000000.0000"), (long) MAX_LINES + 4);
    }

    @Test
    void theCustomersHistoricalValueIsExact() throws Exception {
        assertThat(night.exit()).as(night.err()).isZero();
        // C1's lines are exactly the 2026-03-30 bulk lines above: same revenue and margin
        assertThat(row("SELECT historical_revenue, historical_margin FROM mart_customer_value WHERE customer_id = 'C1'"))
                .containsExactly(dec("1199900000000000000.00"), dec("599900000000000000.00"));
        // C2: revenue 1 x 0.0001 rounds to 0.00 at the published 2 places; margin 0.0001 - 1e8 = -99,999,999.9999
        // -> -100,000,000.00
        assertThat(row("SELECT historical_revenue, historical_margin FROM mart_customer_value WHERE customer_id = 'C2'"))
                .containsExactly(dec("0.00"), dec("-100000000.00"));
    }

    @Test
    void anExtremeButLegalMarginRateIsPublished() throws Exception {
        assertThat(night.exit()).as(night.err()).isZero();
        // S1 on 2026-03-20: revenue 0.0001, margin 0.0001 - 1e8 = -99,999,999.9999;
        // rate -99,999,999.9999 / 0.0001 = -999,999,999,999 exactly. DuckDB divides decimals in DOUBLE
        // (about 16 significant digits), so this 16-digit figure is right to within 0.001, not to 0.0001;
        // before the fix its DECIMAL(9, 4) column could not hold it and the night failed.
        Object rate = row("SELECT margin_rate FROM mart_daily_sales WHERE sales_date = DATE '2026-03-20'")[0];
        assertThat((BigDecimal) rate).isCloseTo(dec("-999999999999.0000"), within(dec("0.001")));
    }

    @Test
    void receivablesAtTheBoundsAreExact() throws Exception {
        assertThat(night.exit()).as(night.err()).isZero();
        // C1: invoiced 1e10, paid 0 -> outstanding 1e10 over a credit limit of 1e9: excess 9e9
        assertThat(row("SELECT sum(outstanding), max(credit_limit_excess) FROM mart_receivables_aging"
                + " WHERE customer_id = 'C1'"))
                .containsExactly(dec("10000000000.00"), dec("9000000000.00"));
    }

    /** The first row of a query on the published warehouse, as Java values (DECIMAL -> BigDecimal). */
    private static Object[] row(String sql) throws Exception {
        try (Connection db = Db.openReadOnly(output.resolve("warehouse.duckdb"));
                Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row for " + sql).isTrue();
            Object[] values = new Object[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getObject(i + 1);
            }
            return values;
        }
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
