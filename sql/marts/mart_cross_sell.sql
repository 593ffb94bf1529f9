-- mart_cross_sell: "customers who bought X also bought Y" rules between products, measured over
-- customers (market-basket analysis with the customer as the basket): support, confidence, lift.
with params as (

    select * from run_parameters

),

customer_products as (

    select * from int_customer_products

),

buyers as (

    select count(distinct customer_id) as all_customers from customer_products

),

product_buyers as (

    select product_id, count(*) as product_customers
    from customer_products
    group by product_id

),

pairs as (

    select a.product_id as product_id, b.product_id as next_product_id, count(*) as pair_customers
    from customer_products a
    join customer_products b on b.customer_id = a.customer_id and b.product_id <> a.product_id
    group by a.product_id, b.product_id

),

rules as (

    select
        p.product_id,
        p.next_product_id,
        p.pair_customers,
        pa.product_customers,
        pb.product_customers as next_product_customers,
        u.all_customers,
        cast(p.pair_customers as double) / u.all_customers as support,
        cast(p.pair_customers as double) / pa.product_customers as confidence,
        (cast(p.pair_customers as double) / pa.product_customers)
            / (cast(pb.product_customers as double) / u.all_customers) as lift
    from pairs p
    cross join buyers u
    join product_buyers pa on pa.product_id = p.product_id
    join product_buyers pb on pb.product_id = p.next_product_id

),

final as (

    select
        r.product_id,
        r.next_product_id,
        r.pair_customers,
        r.product_customers,
        r.next_product_customers,
        r.all_customers,
        cast(round_double(r.support, 6) as decimal(9, 6)) as support,
        cast(round_double(r.confidence, 6) as decimal(9, 6)) as confidence,
        cast(round_double(r.lift, 4) as decimal(18, 4)) as lift
    from rules r
    cross join params
    where r.pair_customers >= params.cross_sell_min_customers
      and r.confidence >= params.cross_sell_min_confidence
      and r.lift >= params.cross_sell_min_lift

)

select * from final
