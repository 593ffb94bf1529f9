-- mart_pareto_summary: the headline Pareto figures in one row: how much revenue and margin the top
-- 20% of customers bring, and how much margin the unprofitable customers consume.
with customers as (

    select
        *,
        margin_rank <= ceil(0.2 * count(*) over ()) as in_top_20_margin
    from mart_pareto

),

final as (

    select
        run_parameters.business_date,
        count(*) as customers,
        cast(round(safe_divide(sum(case when in_top_20_revenue then revenue end), sum(revenue)), 6) as double) as top_20_revenue_share,
        cast(round(safe_divide(sum(case when in_top_20_margin then margin end), sum(margin)), 6) as double) as top_20_margin_share,
        count(case when unprofitable then 1 end) as unprofitable_customers,
        cast(round(sum(case when margin > 0 then margin else 0 end), 2) as decimal(38, 2)) as positive_margin,
        cast(round(sum(case when margin < 0 then margin else 0 end), 2) as decimal(38, 2)) as negative_margin,
        cast(round(safe_divide(-sum(case when margin < 0 then margin else 0 end), sum(case when margin > 0 then margin else 0 end)), 6) as double) as margin_consumed_share
    from customers
    cross join run_parameters
    group by run_parameters.business_date

)

select * from final
