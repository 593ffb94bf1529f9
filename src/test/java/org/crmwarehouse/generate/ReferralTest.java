package org.crmwarehouse.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferralTest {

    @Test
    void referralsPointToEarlierCustomersAndFormChainsWithoutCycles(@TempDir Path dir) throws Exception {
        GeneratorTestSupport.generate(dir, 3000, 21, 0);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            st.execute("CREATE TABLE c AS SELECT * FROM read_csv('" + dir.resolve("customers.csv") + "', all_varchar = true)");
            st.execute("CREATE TABLE l AS SELECT * FROM read_csv('" + dir.resolve("leads.csv") + "', all_varchar = true)");
            assertThat(one(st, "SELECT count(*) FROM c WHERE referrer_customer_id >= customer_id")).isZero();
            assertThat(one(st, "SELECT count(*) FROM c r JOIN c p ON r.referrer_customer_id = p.customer_id "
                    + "WHERE CAST(p.created_at AS TIMESTAMP) > CAST(r.created_at AS TIMESTAMP)")).as("referrer created later").isZero();
            double share = one(st, "SELECT count(referrer_customer_id) FROM c") / 3000.0;
            assertThat(share).isBetween(0.08, 0.18);
            // Every edge goes to a smaller id, so following referrers must end; depth > 1 must occur.
            long maxDepth = one(st, """
                    WITH RECURSIVE chain(customer_id, referrer, depth) AS (
                      SELECT customer_id, referrer_customer_id, 1 FROM c WHERE referrer_customer_id IS NOT NULL
                      UNION ALL
                      SELECT chain.customer_id, c.referrer_customer_id, depth + 1
                      FROM chain JOIN c ON c.customer_id = chain.referrer
                      WHERE c.referrer_customer_id IS NOT NULL AND depth < 3000)
                    SELECT max(depth) FROM chain""");
            assertThat(maxDepth).isGreaterThan(1).isLessThan(3000);
            assertThat(one(st, "SELECT count(*) FROM l WHERE referrer_customer_id IS NOT NULL AND customer_id IS NULL"))
                    .as("unconverted leads with a referrer").isPositive();
            assertThat(one(st, "SELECT count(*) FROM l WHERE referrer_customer_id IS NOT NULL AND source_channel <> 'referral'"))
                    .isZero();
        }
    }

    private static long one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
