-- mart_pareto: the cumulative revenue and profit curves by customer rank, to test the 80/20 rule
-- (top 20% of customers make 80% of revenue) and the 80/20/30 rule (the unprofitable customers
-- consume part of the profit the others make). One row per customer, ranked twice: by revenue for
-- the revenue curve and by margin for the profit ("whale") curve.
with customer_totals as (

    select
        customer_id,
        sum(revenue) as revenue,
        sum(margin) as margin
    from stg_orders
    cross join run_parameters
    where stg_orders.order_date <= run_parameters.business_date
    group by 1

),

ranked as (

    select
        *,
        cast(row_number() over (order by revenue desc, customer_id) as bigint) as revenue_rank,
        cast(row_number() over (order by coalesce(margin, 0) desc, customer_id) as bigint) as margin_rank,
        count(*) over () as customers,
        sum(revenue) over () as total_revenue,
        sum(margin) over () as total_margin
    from customer_totals

),

cumulative as (

    select
        *,
        sum(revenue) over (order by revenue_rank rows between unbounded preceding and current row) as cumulative_revenue,
        sum(coalesce(margin, 0)) over (order by margin_rank rows between unbounded preceding and current row) as cumulative_margin
    from ranked

),

final as (

    select
        customer_id,
        revenue_rank,
        cast(round_double(revenue_rank * 1.0 / customers, 6) as double) as revenue_rank_share,
        cast(round(revenue, 2) as decimal(38, 2)) as revenue,
        cast(round_double(safe_divide(cumulative_revenue, total_revenue), 6) as double) as cumulative_revenue_share,
        revenue_rank <= ceil(0.2 * customers) as in_top_20_revenue,
        margin_rank,
        cast(round_double(margin_rank * 1.0 / customers, 6) as double) as margin_rank_share,
        cast(round(margin, 2) as decimal(38, 2)) as margin,
        cast(round_double(safe_divide(cumulative_margin, total_margin), 6) as double) as cumulative_margin_share,
        coalesce(margin, 0) < 0 as unprofitable
    from cumulative

)

select * from final
