-- mart_cross_sell_recommendations: for each customer, the next products to offer: products they
-- have not bought, scored by the best mart_cross_sell rule from a product they have bought.
--
-- Scoring every rule from every product a customer bought makes one row per customer and rule
-- (186 M rows at 1,000,000 customers). Only a few can decide the top n, so they are found first
-- and scored exactly after:
-- 1. A product B in a customer's top n has a best rule A -> B (A bought). Every rule of A with a
--    strictly higher confidence leads to a product that is either bought or outranks B, so fewer
--    than n + (products bought) of them exist: the rule's confidence rank within A's rules is at
--    most n + (products bought). Rules ranked lower are not read.
-- 2. Over those rules, the not-bought products whose best confidence ranks within the n highest
--    (ties kept) hold the true top n: a product outranking B there outranks it in truth too.
-- 3. The shortlist is scored over every rule (best confidence, best lift, rules counted) and
--    ranked as before, so the result is that of scoring every rule.
with params as (

    select * from run_parameters

),

customer_products as (

    select * from int_customer_products

),

bought as (

    select customer_id, count(*) as products
    from customer_products
    group by customer_id

),

rules as (

    select
        product_id,
        next_product_id,
        confidence,
        lift,
        rank() over (partition by product_id order by confidence desc) as confidence_rank
    from mart_cross_sell

),

-- step 1: each product a rule leads to, by the best confidence among the rules that can decide
reachable as (

    select
        cp.customer_id,
        r.next_product_id as product_id,
        max(r.confidence) as confidence
    from customer_products cp
    join bought b on b.customer_id = cp.customer_id
    join rules r on r.product_id = cp.product_id
    cross join params
    where r.confidence_rank <= params.cross_sell_top_n + b.products
    group by cp.customer_id, r.next_product_id

),

-- step 2: of those not bought, the n best by confidence (ties kept)
shortlist as (

    select customer_id, product_id
    from (
        select
            c.customer_id,
            c.product_id,
            rank() over (partition by c.customer_id order by c.confidence desc) as confidence_rank
        from reachable c
        where not exists (
            select 1 from customer_products owned
            where owned.customer_id = c.customer_id and owned.product_id = c.product_id
        )
    ) ranked_by_confidence
    cross join params
    where confidence_rank <= params.cross_sell_top_n

),

-- step 3: the shortlist scored over every rule from a product the customer bought
scored as (

    select
        s.customer_id,
        s.product_id,
        max(r.confidence) as confidence,
        max(r.lift) as lift,
        count(*) as supporting_rules
    from shortlist s
    join customer_products cp on cp.customer_id = s.customer_id
    join mart_cross_sell r on r.product_id = cp.product_id and r.next_product_id = s.product_id
    group by s.customer_id, s.product_id

),

ranked as (

    select
        c.*,
        cast(row_number() over (partition by c.customer_id
                                order by c.confidence desc, c.lift desc, c.product_id) as bigint) as recommendation_rank
    from scored c

),

final as (

    select
        r.customer_id,
        r.recommendation_rank,
        r.product_id,
        r.confidence,
        r.lift,
        r.supporting_rules
    from ranked r
    cross join params
    where r.recommendation_rank <= params.cross_sell_top_n

)

select * from final
