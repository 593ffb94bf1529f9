-- mart_cross_sell_recommendations: for each customer, the next products to offer: products they
-- have not bought, scored by the best mart_cross_sell rule from a product they have bought.
with params as (

    select * from run_parameters

),

customer_products as (

    select * from int_customer_products

),

-- every product a rule leads to from a product the customer bought, scored by its best rule
scored as (

    select
        cp.customer_id,
        r.next_product_id as product_id,
        max(r.confidence) as confidence,
        max(r.lift) as lift,
        count(*) as supporting_rules
    from customer_products cp
    join mart_cross_sell r on r.product_id = cp.product_id
    group by cp.customer_id, r.next_product_id

),

-- of those, the products the customer has not bought (filtered after scoring: the filter is on
-- the group's own key, so the scores are the same and far fewer rows are checked)
candidates as (

    select s.*
    from scored s
    where not exists (
        select 1 from customer_products owned
        where owned.customer_id = s.customer_id and owned.product_id = s.product_id
    )

),

ranked as (

    select
        c.*,
        row_number() over (partition by c.customer_id
                           order by c.confidence desc, c.lift desc, c.product_id) as recommendation_rank
    from candidates c

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
