-- mart_referral_conversion: do referred leads convert better than the other channels? One row for
-- the leads referred by an existing customer (leads.referrer_customer_id set), and one per source
-- channel for all other leads, with conversion (won / leads) and its ratio to the referred leads'.
with leads as (

    select * from int_funnel_leads

),

grouped as (

    select
        case when referrer_customer_id is not null then '(referred by a customer)' else channel end as lead_group,
        referrer_customer_id is not null as is_referred,
        count(*) as leads,
        count(case when is_won then 1 end) as won_leads,
        sum(deal_revenue) as revenue
    from leads
    group by 1, 2

),

referred as (

    select safe_divide(sum(won_leads), sum(leads)) as referred_rate from grouped where is_referred

),

final as (

    select
        g.lead_group,
        g.is_referred,
        g.leads,
        g.won_leads,
        cast(round_double(safe_divide(g.won_leads, g.leads), 4) as decimal(9, 4)) as conversion_rate,
        cast(round_double(safe_divide(safe_divide(g.won_leads, g.leads), r.referred_rate), 4) as decimal(18, 4))
            as conversion_vs_referred,
        cast(round(g.revenue, 2) as decimal(38, 2)) as revenue
    from grouped g
    cross join referred r

)

select * from final
