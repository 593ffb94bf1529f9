-- mart_campaign_chain: per campaign and period (day, week, month), the chain from the ad
-- platforms to the CRM: impressions -> clicks -> leads -> calls -> deals -> revenue, with the
-- rates between steps and the ad spend per lead, call and deal.
-- The CRM side is a cohort: the leads (with a campaign id) created in the period, and how many of
-- them had a call and a deal, and the deal revenue, by the business date, whenever those happened.
-- So lead_to_call_rate and lead_to_deal_rate never divide counts of different leads (a same-period
-- ratio can exceed 1), and a deal next month still counts for the period its lead came in.
-- The ad side is the campaign's rows of ad_performance in the period (all platforms and accounts
-- under that campaign id); unknown spend stays unknown, as in mart_ad_performance.
with

-- CHAIN STAGES: which funnel events are the chain's calls and deals, by the role of their stage
-- in the job's funnel_stages (calls = the contact role, deals = the won role), so a pipeline with
-- stages of its own has a chain too.
chain_stage_events as (

    select
        lead_id,
        case when stage_role = 'contact' then 'call' else 'deal' end as chain_stage,
        amount
    from stg_funnel_events
    where stage_role in ('contact', 'won')

),

-- every lead with a campaign id, with what became of it (deal revenue: its deal events' amounts,
-- as in mart_funnel)
cohort_leads as (

    select
        l.lead_id,
        l.campaign_id,
        cast(l.created_at as date) as lead_date,
        case when count(case when e.chain_stage = 'call' then 1 end) > 0 then 1 else 0 end as called,
        case when count(case when e.chain_stage = 'deal' then 1 end) > 0 then 1 else 0 end as won,
        coalesce(sum(case when e.chain_stage = 'deal' then e.amount end), 0) as revenue
    from stg_leads l
    left join chain_stage_events e on e.lead_id = l.lead_id
    where l.campaign_id is not null
    group by l.lead_id, l.campaign_id, l.created_at

),

ad_days as (

    select report_date, campaign_id, impressions, clicks, spend, conversions
    from stg_ad_performance
    where campaign_id is not null

),

-- campaigns the ad export knows: a period without ad rows is then 0 impressions, clicks and spend
-- (the platforms leave days without delivery out); for other campaigns the ad figures are unknown
ad_campaigns as (

    select distinct campaign_id from ad_days

),

period_types as (

    select 'day' as period_type
    union all select 'week'
    union all select 'month'

),

leads_by_period as (

    select
        p.period_type,
        case p.period_type
            when 'day' then c.lead_date
            when 'week' then week_start(c.lead_date)
            else month_start(c.lead_date)
        end as period_start,
        c.campaign_id,
        count(*) as leads,
        sum(c.called) as calls,
        sum(c.won) as deals,
        sum(c.revenue) as revenue
    from cohort_leads c
    cross join period_types p
    group by 1, 2, 3

),

ads_by_period as (

    select
        p.period_type,
        case p.period_type
            when 'day' then a.report_date
            when 'week' then week_start(a.report_date)
            else month_start(a.report_date)
        end as period_start,
        a.campaign_id,
        sum(a.impressions) as impressions,
        sum(a.clicks) as clicks,
        case when count(a.spend) = count(*) then sum(a.spend) end as spend,
        sum(a.spend) as known_spend,
        count(*) - count(a.spend) as unknown_spend_days,
        case when count(a.conversions) = count(*) then sum(a.conversions) end as conversions
    from ad_days a
    cross join period_types p
    group by 1, 2, 3

),

joined as (

    select
        coalesce(l.period_type, a.period_type) as period_type,
        coalesce(l.period_start, a.period_start) as period_start,
        coalesce(l.campaign_id, a.campaign_id) as campaign_id,
        k.campaign_id is not null as in_ad_export,
        a.campaign_id is not null as has_ad_rows,
        a.impressions,
        a.clicks,
        a.spend,
        a.known_spend,
        a.unknown_spend_days,
        a.conversions,
        coalesce(l.leads, 0) as leads,
        coalesce(l.calls, 0) as calls,
        coalesce(l.deals, 0) as deals,
        coalesce(l.revenue, 0) as revenue
    from leads_by_period l
    full outer join ads_by_period a
        on a.period_type = l.period_type
        and a.period_start = l.period_start
        and a.campaign_id = l.campaign_id
    left join ad_campaigns k on k.campaign_id = coalesce(l.campaign_id, a.campaign_id)

),

-- ad figures: the period's rows; 0 when the export knows the campaign but has no row in the
-- period; NULL (unknown) when the export does not know the campaign
with_ads as (

    select
        period_type,
        period_start,
        campaign_id,
        in_ad_export,
        case when has_ad_rows then impressions when in_ad_export then 0 end as impressions,
        case when has_ad_rows then clicks when in_ad_export then 0 end as clicks,
        case when has_ad_rows then spend when in_ad_export then 0 end as ad_spend,
        case when has_ad_rows then coalesce(known_spend, 0) when in_ad_export then 0 end as known_ad_spend,
        case when has_ad_rows then unknown_spend_days when in_ad_export then 0 end as unknown_spend_days,
        case when has_ad_rows then conversions when in_ad_export then 0 end as conversions,
        leads,
        calls,
        deals,
        revenue
    from joined

),

final as (

    select
        period_type,
        period_start,
        campaign_id,
        in_ad_export,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(ad_spend as decimal(38, 4)) as ad_spend,
        cast(known_ad_spend as decimal(38, 4)) as known_ad_spend,
        unknown_spend_days,
        cast(conversions as bigint) as conversions,
        cast(leads as bigint) as leads,
        cast(calls as bigint) as calls,
        cast(deals as bigint) as deals,
        cast(revenue as decimal(38, 4)) as revenue,
        cast(round_double(safe_divide(clicks, impressions), 6) as decimal(18, 6)) as ctr,
        -- not bounded by 1: a campaign's leads also come from outside the ads
        cast(round_double(safe_divide(leads, clicks), 6) as decimal(18, 6)) as click_to_lead_rate,
        cast(round_double(safe_divide(calls, leads), 4) as decimal(18, 4)) as lead_to_call_rate,
        cast(round_double(safe_divide(deals, leads), 4) as decimal(18, 4)) as lead_to_deal_rate,
        cast(round_double(safe_divide(ad_spend, leads), 2) as decimal(38, 2)) as cost_per_lead,
        cast(round_double(safe_divide(ad_spend, calls), 2) as decimal(38, 2)) as cost_per_call,
        cast(round_double(safe_divide(ad_spend, deals), 2) as decimal(38, 2)) as cost_per_deal,
        cast(round_double(safe_divide(revenue, ad_spend), 4) as decimal(38, 4)) as return_on_ad_spend
    from with_ads

)

select * from final
