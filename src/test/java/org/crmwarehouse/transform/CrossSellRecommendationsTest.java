package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.Test;

/**
 * mart_cross_sell_recommendations reads only the rules that can decide a customer's top n, then
 * scores its shortlist over every rule. The independent method here is the direct definition:
 * score every rule from every product the customer bought, drop the bought products, rank. Both
 * run on pseudo-random inputs built to tie often (confidence and lift from a few values, rules
 * between half of the pairs) and with customers who bought up to 28 of 30 products, so that the
 * best rules of what they bought often lead to what they bought, for several n. (Reading only each
 * product's n best rules, without the allowance for what was bought, fails here.)
 */
class CrossSellRecommendationsTest {
    private static final String DIRECT = """
            with scored as (
                select cp.customer_id, r.next_product_id as product_id, max(r.confidence) as confidence,
                       max(r.lift) as lift, count(*) as supporting_rules
                from int_customer_products cp
                join mart_cross_sell r on r.product_id = cp.product_id
                group by cp.customer_id, r.next_product_id
            ),
            candidates as (
                select * from scored s
                where not exists (select 1 from int_customer_products o
                                  where o.customer_id = s.customer_id and o.product_id = s.product_id)
            ),
            ranked as (
                select *, row_number() over (partition by customer_id
                                             order by confidence desc, lift desc, product_id) as recommendation_rank
                from candidates
            )
            select customer_id, recommendation_rank, product_id, confidence, lift, supporting_rules
            from ranked, run_parameters
            where recommendation_rank <= cross_sell_top_n
            """;

    @Test
    void theShortlistGivesWhatScoringEveryRuleGives() throws Exception {
        String model = Files.readString(Path.of("sql/marts/mart_cross_sell_recommendations.sql"));
        try (Connection db = Db.inMemory()) {
            for (int seed = 1; seed <= 4; seed++) {
                // pseudo-random by hash of the pair and the seed (random() in a join filter is not per pair)
                String r = "(hash(%s || '/' || " + seed + ") %% %d)";
                Db.execute(db, "CREATE OR REPLACE TABLE products AS SELECT 'P' || lpad(i::VARCHAR, 2, '0') AS product_id "
                        + "FROM range(30) t(i)");
                Db.execute(db, "CREATE OR REPLACE TABLE int_customer_products AS SELECT customer_id, product_id FROM "
                        + "(SELECT 'C' || c AS customer_id, 1 + " + r.formatted("'C' || c", 28) + " AS wants "
                        + "FROM range(400) t(c)) c CROSS JOIN products p WHERE "
                        + r.formatted("customer_id || product_id", 30) + " < wants");
                Db.execute(db, "CREATE OR REPLACE TABLE mart_cross_sell AS SELECT a.product_id, b.product_id AS "
                        + "next_product_id, (1 + " + r.formatted("a.product_id || b.product_id || 'c'", 4) + ") / 10.0 "
                        + "AS confidence, 1 + " + r.formatted("a.product_id || b.product_id || 'l'", 3) + " AS lift "
                        + "FROM products a CROSS JOIN products b WHERE a.product_id <> b.product_id AND "
                        + r.formatted("a.product_id || b.product_id", 2) + " = 0");
                for (int n : List.of(1, 3, 5)) {
                    Db.execute(db, "CREATE OR REPLACE TABLE run_parameters AS SELECT " + n + " AS cross_sell_top_n");
                    List<String> expected = QueryRows.of(db, "SELECT * FROM (" + DIRECT + ") ORDER BY ALL", "|", "");
                    List<String> actual = QueryRows.of(db, "SELECT * FROM (" + model + ") ORDER BY ALL", "|", "");
                    assertThat(expected).as("seed %d, n %d: recommendations exist", seed, n).hasSizeGreaterThan(300 * n);
                    assertThat(actual).as("seed %d, n %d", seed, n).isEqualTo(expected);
                }
            }
        }
    }
}
