package org.crmwarehouse.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
    /**
     * A 1M-customer night on Spark failed in mart_referrals with RECURSION_ROW_LIMIT_EXCEEDED
     * (Spark's default spark.sql.cteRecursionRowLimit is 1,000,000 rows). The recursion here
     * returns 600,000 anchor rows and 600,000 more at the one step it takes: 1,200,000 by hand.
     */
    @Test
    void aRecursiveCteMayReturnMoreThanAMillionRows() {
        SparkSession spark = SparkSessions.local("SparkSessionsTest");
        try {
            long rows = spark.sql("""
                    with recursive walk (n, depth) as (
                        select id, 0 from range(600000)
                        union all
                        select n, depth + 1 from walk where depth < 1
                    )
                    select count(*) from walk""").first().getLong(0);
            assertThat(rows).isEqualTo(1_200_000L);
        } finally {
            spark.stop();
        }
    }
}
