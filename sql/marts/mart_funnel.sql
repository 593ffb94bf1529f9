-- mart_funnel: the acquisition funnel per campaign x channel x salesperson x period (day, week,
-- month): spend, leads, calls, visits, quotes, deals, losses, stage conversion, cost per lead /
-- call / deal, deal revenue, return on spend and days from first contact to deal.
-- Spend is a campaign cost, not a salesperson's: it is spread evenly over the campaign's active
-- days and shown on the campaign's salesperson = '(all)' rows (every salesperson together, for the
-- campaign's own channel); per-salesperson rows have spend NULL. Stage counts are distinct leads.
-- A deal dated before its lead's recorded first contact (created_at) counts as a deal at 0 days
-- (the deal is then the first contact) and is also counted in deals_before_first_contact, so the
-- inconsistency is reported, not hidden (the deals themselves are listed in mart_funnel_anomalies).
with recursive leads as (

    select * from int_funnel_leads

),

events as (

    select * from stg_funnel_events

),

campaigns as (

    select
        campaign_id,
        coalesce(channel, '(none)') as channel,
        start_date,
        coalesce(end_date, business_date) as last_date,
        spend / (days_between(start_date, coalesce(end_date, business_date)) + 1) as daily_spend
    from stg_campaigns
    cross join run_parameters
    where coalesce(end_date, business_date) >= start_date

),

-- one row per campaign and active day (start_date .. end_date or business date, inclusive)
campaign_days (campaign_id, channel, spend_date, last_date, daily_spend) as (

    select campaign_id, channel, start_date, last_date, daily_spend from campaigns
    union all
    select campaign_id, channel, add_days(spend_date, 1), last_date, daily_spend
    from campaign_days
    where spend_date < last_date

),

facts as (

    select
        campaign_id,
        channel,
        owner_salesperson as salesperson,
        cast(created_at as date) as fact_date,
        'lead' as fact,
        lead_id,
        cast(null as decimal(18, 4)) as amount,
        cast(null as integer) as days_to_deal,
        false as before_first_contact
    from leads

    union all

    select
        coalesce(e.campaign_id, l.campaign_id) as campaign_id,
        l.channel,
        coalesce(e.salesperson, l.owner_salesperson) as salesperson,
        e.event_date as fact_date,
        e.event_type as fact,
        e.lead_id,
        e.amount,
        case when e.event_type = 'deal' then days_between(l.first_contact_time, e.event_time) end as days_to_deal,
        -- the event is earlier than the lead's recorded first contact (created_at): reported, see mart_funnel_anomalies
        e.event_time < l.created_at as before_first_contact
    from events e
    join leads l on l.lead_id = e.lead_id

),

period_types as (

    select 'day' as period_type
    union all select 'week'
    union all select 'month'

),

facts_by_period as (

    select
        p.period_type,
        case p.period_type
            when 'day' then f.fact_date
            when 'week' then week_start(f.fact_date)
            else month_start(f.fact_date)
        end as period_start,
        f.*
    from facts f
    cross join period_types p

),

spend_by_period as (

    select
        p.period_type,
        case p.period_type
            when 'day' then d.spend_date
            when 'week' then week_start(d.spend_date)
            else month_start(d.spend_date)
        end as period_start,
        d.campaign_id,
        d.channel,
        '(all)' as salesperson,
        sum(d.daily_spend) as spend
    from campaign_days d
    cross join period_types p
    group by 1, 2, 3, 4, 5

),

-- one row per lead, stage and period (and salesperson): stage counts are distinct leads, so a
-- lead's repeated events of one stage in a period count once (before first contact: if any did)
stage_leads as (

    select
        period_type,
        period_start,
        campaign_id,
        channel,
        salesperson,
        fact,
        lead_id,
        max(case when before_first_contact then 1 else 0 end) as before_first_contact
    from facts_by_period
    group by period_type, period_start, campaign_id, channel, salesperson, fact, lead_id

),

-- the same for every salesperson together (the '(all)' rows)
stage_leads_all as (

    select
        period_type,
        period_start,
        campaign_id,
        channel,
        fact,
        lead_id,
        max(before_first_contact) as before_first_contact
    from stage_leads
    group by period_type, period_start, campaign_id, channel, fact, lead_id

),

-- every deal event (not distinct): deal revenue and days to deal count each deal
deals_by_period as (

    select period_type, period_start, campaign_id, channel, salesperson, amount, days_to_deal
    from facts_by_period
    where fact = 'deal'

),

-- is_total separates the '(all)' rows from a salesperson's own rows in the grouping below
counted_rows as (

    select
        period_type, period_start, campaign_id, channel, salesperson, 0 as is_total,
        fact, lead_id, before_first_contact, cast(null as decimal(18, 4)) as amount, cast(null as integer) as days_to_deal
    from stage_leads

    union all

    select
        period_type, period_start, campaign_id, channel, '(all)', 1,
        fact, lead_id, before_first_contact, null, null
    from stage_leads_all

    union all

    select
        period_type, period_start, campaign_id, channel, salesperson, 0,
        null, null, 0, amount, days_to_deal
    from deals_by_period

    union all

    select
        period_type, period_start, campaign_id, channel, '(all)', 1,
        null, null, 0, amount, days_to_deal
    from deals_by_period

),

counted as (

    select
        period_type,
        period_start,
        campaign_id,
        channel,
        salesperson,
        count(case when fact = 'lead' then lead_id end) as leads,
        count(case when fact = 'call' then lead_id end) as calls,
        count(case when fact = 'visit' then lead_id end) as visits,
        count(case when fact = 'quote' then lead_id end) as quotes,
        count(case when fact = 'deal' then lead_id end) as deals,
        count(case when fact = 'lost' then lead_id end) as lost,
        count(case when fact = 'deal' and before_first_contact = 1 then lead_id end) as deals_before_first_contact,
        sum(amount) as deal_revenue,
        percentile_cont(0.5) within group (order by days_to_deal) as median_days_to_deal,
        percentile_cont(0.9) within group (order by days_to_deal) as p90_days_to_deal
    from counted_rows
    group by period_type, period_start, campaign_id, channel, salesperson, is_total

),

joined as (

    select
        coalesce(c.period_type, s.period_type) as period_type,
        coalesce(c.period_start, s.period_start) as period_start,
        coalesce(c.campaign_id, s.campaign_id) as campaign_id,
        coalesce(c.channel, s.channel) as channel,
        coalesce(c.salesperson, s.salesperson) as salesperson,
        s.spend,
        coalesce(c.leads, 0) as leads,
        coalesce(c.calls, 0) as calls,
        coalesce(c.visits, 0) as visits,
        coalesce(c.quotes, 0) as quotes,
        coalesce(c.deals, 0) as deals,
        coalesce(c.lost, 0) as lost,
        coalesce(c.deal_revenue, 0) as deal_revenue,
        c.median_days_to_deal,
        c.p90_days_to_deal,
        coalesce(c.deals_before_first_contact, 0) as deals_before_first_contact
    from counted c
    full outer join spend_by_period s
        on s.period_type = c.period_type
        and s.period_start = c.period_start
        and s.campaign_id = c.campaign_id
        and s.channel = c.channel
        and s.salesperson = c.salesperson

),

with_spend as (

    -- the '(all)' rows of a campaign in its own channel carry its spend (0 outside its active days)
    select
        j.*,
        case
            when j.salesperson = '(all)' and k.campaign_id is not null then coalesce(j.spend, 0)
        end as attributed_spend
    from joined j
    left join (select campaign_id, coalesce(channel, '(none)') as channel from stg_campaigns) k
        on k.campaign_id = j.campaign_id and k.channel = j.channel

),

final as (

    select
        period_type,
        period_start,
        campaign_id,
        channel,
        salesperson,
        cast(round(attributed_spend, 2) as decimal(18, 2)) as spend,
        leads,
        calls,
        visits,
        quotes,
        deals,
        lost,
        cast(round(safe_divide(visits, calls), 4) as decimal(9, 4)) as call_to_visit_rate,
        cast(round(safe_divide(quotes, visits), 4) as decimal(9, 4)) as visit_to_quote_rate,
        cast(round(safe_divide(deals, quotes), 4) as decimal(9, 4)) as quote_to_deal_rate,
        cast(round(safe_divide(deals, calls), 4) as decimal(9, 4)) as call_to_deal_rate,
        cast(round(safe_divide(deals, leads), 4) as decimal(9, 4)) as lead_to_deal_rate,
        cast(round(safe_divide(attributed_spend, leads), 2) as decimal(18, 2)) as cost_per_lead,
        cast(round(safe_divide(attributed_spend, calls), 2) as decimal(18, 2)) as cost_per_call,
        cast(round(safe_divide(attributed_spend, deals), 2) as decimal(18, 2)) as cost_per_deal,
        cast(round(deal_revenue, 2) as decimal(18, 2)) as deal_revenue,
        cast(round(safe_divide(deal_revenue, attributed_spend), 4) as decimal(18, 4)) as return_on_spend,
        cast(round(median_days_to_deal, 1) as decimal(9, 1)) as median_days_to_deal,
        cast(round(p90_days_to_deal, 1) as decimal(9, 1)) as p90_days_to_deal,
        deals_before_first_contact
    from with_spend

)

select * from final
