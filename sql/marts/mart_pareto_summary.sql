-- mart_pareto_summary: the headline Pareto figures in one row: how much revenue and margin the top
-- 20% of customers bring, and how much margin the unprofitable customers consume.
with customers as (

    select
        *,
        margin_rank <= ceil(0.2 * count(*) over ()) as in_top_20_margin
    from mart_pareto

),

-- the sums first, the shares of them after: Spark cannot round a SQL function's result inside
-- an aggregation (its scale argument is no longer a constant there)
sums as (

    select
        run_parameters.business_date,
        count(*) as customers,
        sum(case when in_top_20_revenue then revenue end) as top_20_revenue,
        sum(revenue) as revenue,
        sum(case when in_top_20_margin then margin end) as top_20_margin,
        sum(margin) as margin,
        count(case when unprofitable then 1 end) as unprofitable_customers,
        sum(case when margin > 0 then margin else 0 end) as positive_margin,
        sum(case when margin < 0 then margin else 0 end) as negative_margin
    from customers
    cross join run_parameters
    group by run_parameters.business_date

),

final as (

    select
        business_date,
        customers,
        cast(round_double(safe_divide(top_20_revenue, revenue), 6) as double) as top_20_revenue_share,
        cast(round_double(safe_divide(top_20_margin, margin), 6) as double) as top_20_margin_share,
        unprofitable_customers,
        cast(round(positive_margin, 2) as decimal(38, 2)) as positive_margin,
        cast(round(negative_margin, 2) as decimal(38, 2)) as negative_margin,
        cast(round_double(safe_divide(-negative_margin, positive_margin), 6) as double) as margin_consumed_share
    from sums

)

select * from final
