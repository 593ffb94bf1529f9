-- mart_rfm_alerts: RFM trend tracking. A customer whose orders fall three periods running, or whose
-- product range shrinks (five categories to two), is flagged so that someone finds out why before
-- the customer is lost. Periods are 30-day windows back from business_date (p0 is the latest).
with sales as (

    select
        stg_orders.customer_id,
        stg_orders.order_id,
        stg_orders.category,
        days_between(stg_orders.order_date, run_parameters.business_date) as days_ago
    from stg_orders
    cross join run_parameters
    where not stg_orders.is_return
        and stg_orders.order_date <= run_parameters.business_date

),

per_customer as (

    select
        customer_id,
        count(distinct case when days_ago between 90 and 119 then order_id end) as orders_p3,
        count(distinct case when days_ago between 60 and 89 then order_id end) as orders_p2,
        count(distinct case when days_ago between 30 and 59 then order_id end) as orders_p1,
        count(distinct case when days_ago between 0 and 29 then order_id end) as orders_p0,
        count(distinct case when days_ago between 90 and 179 then category end) as categories_before,
        count(distinct case when days_ago between 0 and 89 then category end) as categories_recent
    from sales
    where days_ago < 180
    group by 1

),

flagged as (

    select
        per_customer.*,
        orders_p3 > orders_p2 and orders_p2 > orders_p1 and orders_p1 > orders_p0 as falling_orders,
        categories_before >= 2
            and categories_recent <= run_parameters.value_range_shrink_ratio * categories_before as shrinking_range
    from per_customer
    cross join run_parameters

),

final as (

    select
        customer_id,
        orders_p3,
        orders_p2,
        orders_p1,
        orders_p0,
        categories_before,
        categories_recent,
        falling_orders,
        shrinking_range,
        case
            when falling_orders and shrinking_range then 'falling orders and shrinking range'
            when falling_orders then 'falling orders'
            else 'shrinking range'
        end as alert
    from flagged
    where falling_orders or shrinking_range

)

select * from final
