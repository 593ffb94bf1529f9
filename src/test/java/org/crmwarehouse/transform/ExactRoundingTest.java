package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.SplittableRandom;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 6: mart_customer_rfm.monetary_mean went through a DOUBLE (DuckDB divides decimals
 * in floating point), so 17,849.35 / 2 was published as 8,924.67. The engine seam's
 * divide_round_2 must equal Java's exact BigDecimal division rounded HALF_UP (the independent
 * method) for every total and count, halves included.
 */
class ExactRoundingTest {

    @Test
    void divideRound2IsExactDecimalDivisionRoundedHalfUp() throws Exception {
        try (Connection db = Db.inMemory(); Statement s = db.createStatement()) {
            new EngineDialect().defineFunctions(db);
            assertThat(value(s, "17849.35", 2)).isEqualByComparingTo("8924.68"); // the customer, by hand
            assertThat(value(s, "-17849.35", 2)).isEqualByComparingTo("-8924.68");
            SplittableRandom r = new SplittableRandom(15);
            for (int i = 0; i < 2_000; i++) {
                // totals with 0-4 decimals, many of them exact halves of a cent after dividing
                BigDecimal total = BigDecimal.valueOf(r.nextLong(-10_000_000_000L, 10_000_000_000L), r.nextInt(5));
                int n = 1 + r.nextInt(i % 2 == 0 ? 8 : 5_000);
                BigDecimal expected = total.divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP);
                assertThat(value(s, total.toPlainString(), n)).as(total + " / " + n).isEqualByComparingTo(expected);
            }
        }
    }

    private static BigDecimal value(Statement s, String total, int n) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT divide_round_2(CAST(" + total + " AS DECIMAL(38, 4)), " + n + ")")) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }
}
