-- mart_channel_trend: which sales channels are rising or falling with existing customers
-- (DOMAIN.md section 6). Per channel and month: revenue and orders of customers who had ordered
-- before that month, against the previous month and the same month a year earlier, flagged
-- 'rising' / 'falling' / 'flat' (a change within trend_flat_band of the earlier value is flat).
with recursive orders as (

    select * from stg_orders

),

first_orders as (

    select customer_id, min(order_date) as first_order_date
    from orders
    where not is_return
    group by customer_id

),

existing as (

    select
        month_start(o.order_date) as month_start,
        coalesce(o.channel, '(none)') as channel,
        count(distinct o.customer_id) as customers,
        count(distinct case when not o.is_return then o.order_id end) as orders,
        sum(o.revenue) as revenue
    from orders o
    join first_orders f on f.customer_id = o.customer_id
    where f.first_order_date < month_start(o.order_date)
    group by 1, 2

),

-- counted in steps fixed by the first and last order month: stepping dates alone would never end
-- on an infinite date (whose year is NULL: no steps)
months (month_start, step, steps) as (

    select month_start(min(order_date)), 0,
        12 * (extract(year from max(order_date)) - extract(year from min(order_date)))
            + extract(month from max(order_date)) - extract(month from min(order_date))
    from orders having count(*) > 0
    union all
    select add_months(month_start, 1), step + 1, steps from months where step < steps

),

grid as (

    -- every channel in every month, so a month without sales counts as 0, not as missing
    select m.month_start, c.channel, coalesce(e.customers, 0) as customers,
        coalesce(e.orders, 0) as orders, coalesce(e.revenue, 0) as revenue
    from months m
    cross join (select distinct coalesce(channel, '(none)') as channel from orders) c
    left join existing e on e.month_start = m.month_start and e.channel = c.channel

),

compared as (

    select
        g.*,
        p.orders as prev_month_orders,
        p.revenue as prev_month_revenue,
        y.orders as last_year_orders,
        y.revenue as last_year_revenue
    from grid g
    left join grid p on p.channel = g.channel and p.month_start = add_months(g.month_start, -1)
    left join grid y on y.channel = g.channel and y.month_start = add_months(g.month_start, -12)

),

final as (

    select
        month_start,
        channel,
        customers,
        orders,
        cast(round(revenue, 2) as decimal(38, 2)) as revenue,
        prev_month_orders,
        cast(round(prev_month_revenue, 2) as decimal(38, 2)) as prev_month_revenue,
        cast(round(revenue - prev_month_revenue, 2) as decimal(38, 2)) as mom_change,
        cast(round_double(safe_divide(revenue - prev_month_revenue, abs(prev_month_revenue)), 4) as decimal(38, 4)) as mom_change_rate,
        case
            when prev_month_revenue is null then null
            when revenue - prev_month_revenue > trend_flat_band * abs(prev_month_revenue) then 'rising'
            when prev_month_revenue - revenue > trend_flat_band * abs(prev_month_revenue) then 'falling'
            else 'flat'
        end as mom_trend,
        last_year_orders,
        cast(round(last_year_revenue, 2) as decimal(38, 2)) as last_year_revenue,
        cast(round(revenue - last_year_revenue, 2) as decimal(38, 2)) as yoy_change,
        cast(round_double(safe_divide(revenue - last_year_revenue, abs(last_year_revenue)), 4) as decimal(38, 4)) as yoy_change_rate,
        case
            when last_year_revenue is null then null
            when revenue - last_year_revenue > trend_flat_band * abs(last_year_revenue) then 'rising'
            when last_year_revenue - revenue > trend_flat_band * abs(last_year_revenue) then 'falling'
            else 'flat'
        end as yoy_trend
    from compared
    cross join run_parameters

)

select * from final
