-- int_customer_transactions: the purchase transactions of the "buy till you die" models, defined
-- once for int_customer_purchase_summary (the nightly fit) and int_customer_backtest_summary (its
-- calibration window), so the two cannot drift apart: a transaction is a customer's sales on one
-- calendar day up to business_date (several orders on a day count once, as in the published
-- CDNOW fits); returns are not purchases.
with sales as (

    select * from stg_orders
    where not is_return

),

transactions as (

    select
        sales.customer_id,
        sales.order_date,
        sum(sales.revenue) as revenue
    from sales
    cross join run_parameters
    where sales.order_date <= run_parameters.business_date
    group by sales.customer_id, sales.order_date

),

final as (

    select
        customer_id,
        order_date,
        revenue,
        row_number() over (partition by customer_id order by order_date) as transaction_no
    from transactions

)

select * from final
