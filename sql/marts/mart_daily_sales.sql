-- mart_daily_sales: what was sold each day, by sales channel and salesperson.
-- Returns count against the day they were booked; margin only covers lines with a known cost.
with order_lines as (

    select * from stg_orders

),

daily as (

    select
        order_date as sales_date,
        coalesce(channel, '(none)') as channel,
        coalesce(salesperson, '(none)') as salesperson,
        count(distinct case when not is_return then order_id end) as orders,
        count(distinct case when is_return then order_id end) as return_orders,
        count(distinct customer_id) as customers,
        count(*) as order_lines,
        sum(case when is_return then -quantity else quantity end) as net_units,
        sum(revenue) as revenue,
        sum(cost) as cost,
        sum(margin) as margin,
        sum(case when cost is not null then revenue end) as costed_revenue,
        count(*) - count(cost) as uncosted_lines
    from order_lines
    group by 1, 2, 3

),

final as (

    select
        sales_date,
        channel,
        salesperson,
        orders,
        return_orders,
        customers,
        order_lines,
        cast(net_units as decimal(38, 4)) as net_units,
        cast(round(revenue, 2) as decimal(38, 2)) as revenue,
        cast(round(cost, 2) as decimal(38, 2)) as cost,
        cast(round(margin, 2) as decimal(38, 2)) as margin,
        cast(round_double(safe_divide(margin, costed_revenue), 4) as decimal(38, 4)) as margin_rate,
        uncosted_lines
    from daily

)

select * from final
