-- mart_funnel: the acquisition funnel per campaign x channel x salesperson x period (day, week,
-- month): spend, leads, calls (and call attempts), visits, quotes, deals, losses, stage ratios, cost per lead /
-- call / deal, deal revenue, return on spend and days from first contact to deal.
-- Spend is a campaign cost, not a salesperson's: it is spread evenly over the campaign's active
-- days and shown on the campaign's salesperson = '(all)' rows (every salesperson together, for the
-- campaign's own channel); per-salesperson rows have spend NULL. Stage counts are distinct leads,
-- by the role of the event's stage (job config funnel_stages): calls = contact, visits = qualify,
-- quotes = propose, deals = won, lost = lost.
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

-- one row per campaign and active day (start_date .. end_date or business date, inclusive),
-- counted in steps fixed by the campaign's days: stepping dates alone would never end on an
-- infinite date (whose day count is NULL: no steps)
campaign_days (campaign_id, channel, spend_date, daily_spend, step, steps) as (

    select campaign_id, channel, start_date, daily_spend, 0, days_between(start_date, last_date) from campaigns
    union all
    select campaign_id, channel, add_days(spend_date, 1), daily_spend, step + 1, steps
    from campaign_days
    where step < steps

),

-- a lead's own fact: exactly one per lead (lead_id is int_funnel_leads' unique key), so it is the
-- lead's first of its stage in every period and needs no sequencing below
lead_facts as (

    select
        campaign_id,
        channel,
        owner_salesperson as salesperson,
        cast(created_at as date) as fact_date
    from leads

),

event_facts as (

    select
        coalesce(e.campaign_id, l.campaign_id) as campaign_id,
        l.channel,
        coalesce(e.salesperson, l.owner_salesperson) as salesperson,
        e.event_date as fact_date,
        -- the stage's role names the column it counts in (stages of role open count in none)
        case e.stage_role
            when 'contact' then 'call'
            when 'qualify' then 'visit'
            when 'propose' then 'quote'
            when 'won' then 'deal'
            when 'lost' then 'lost'
            else 'open'
        end as fact,
        e.lead_id,
        cast(e.amount as decimal(38, 4)) as amount,
        case when e.stage_role = 'won' then days_between(l.first_contact_time, e.event_time) end as days_to_deal,
        -- the event is earlier than the lead's recorded first contact (created_at): reported, see mart_funnel_anomalies
        e.event_time < l.created_at as before_first_contact,
        e.duration_seconds,
        e.duration_seconds > p.call_connected_after_seconds as connected
    from events e
    join leads l on l.lead_id = e.lead_id
    cross join run_parameters p

),

-- deals dated before the lead's recorded first contact also as a stage of their own, so that
-- deals_before_first_contact counts distinct leads like the other stages (no amount or days:
-- those are counted on the deal itself)
stage_facts as (

    select campaign_id, channel, salesperson, fact_date, fact, lead_id, amount, duration_seconds, connected
    from event_facts

    union all

    select campaign_id, channel, salesperson, fact_date, 'deal_before_first_contact', lead_id, null, null, null
    from event_facts
    where fact = 'deal' and before_first_contact

),

-- stage counts are distinct leads: each fact with the date of the lead's previous fact of the
-- same stage (same campaign and channel), per salesperson and for every salesperson together;
-- a fact in another period than the previous one is the lead's first of the stage in its period.
-- (Cheaper than count(distinct) per period: one sort, and the grouping below keeps no lead sets.)
sequenced as (

    select
        f.*,
        row_number() over by_salesperson as nth_by_salesperson,
        lag(fact_date) over by_salesperson as previous_date_by_salesperson,
        row_number() over by_lead as nth_by_lead,
        lag(fact_date) over by_lead as previous_date_by_lead
    from stage_facts f
    window
        by_salesperson as (partition by campaign_id, channel, salesperson, fact, lead_id order by fact_date),
        by_lead as (partition by campaign_id, channel, fact, lead_id order by fact_date)

),

-- the facts counted per day before they are spread over the three period types: a day holds far
-- fewer groups than facts, so the periods and grouping sets below read a fraction of the rows.
-- A fact is the lead's first of the stage in its day, week or month (per salesperson / for all
-- salespeople) when it is the lead's first fact of the stage or the previous one is in another period.
daily as (

    select
        campaign_id,
        channel,
        salesperson,
        fact,
        fact_date,
        count(case when lead_id is not null and (nth_by_salesperson = 1
            or previous_date_by_salesperson is distinct from fact_date) then 1 end) as day_firsts_by_salesperson,
        count(case when lead_id is not null and (nth_by_salesperson = 1
            or week_start(previous_date_by_salesperson) is distinct from week_start(fact_date)) then 1 end)
            as week_firsts_by_salesperson,
        count(case when lead_id is not null and (nth_by_salesperson = 1
            or month_start(previous_date_by_salesperson) is distinct from month_start(fact_date)) then 1 end)
            as month_firsts_by_salesperson,
        count(case when lead_id is not null and (nth_by_lead = 1
            or previous_date_by_lead is distinct from fact_date) then 1 end) as day_firsts_by_lead,
        count(case when lead_id is not null and (nth_by_lead = 1
            or week_start(previous_date_by_lead) is distinct from week_start(fact_date)) then 1 end)
            as week_firsts_by_lead,
        count(case when lead_id is not null and (nth_by_lead = 1
            or month_start(previous_date_by_lead) is distinct from month_start(fact_date)) then 1 end)
            as month_firsts_by_lead,
        sum(amount) as amount,
        count(*) as fact_count,
        count(duration_seconds) as facts_with_duration,
        count(case when connected then 1 end) as connected_facts,
        sum(duration_seconds) as duration_seconds
    from sequenced
    group by campaign_id, channel, salesperson, fact, fact_date

    union all

    select
        campaign_id,
        channel,
        salesperson,
        'lead',
        fact_date,
        count(*),
        count(*),
        count(*),
        count(*),
        count(*),
        count(*),
        null,
        count(*),
        0,
        0,
        null
    from lead_facts
    group by campaign_id, channel, salesperson, fact_date

),

period_types as (

    select 'day' as period_type
    union all select 'week'
    union all select 'month'

),

-- each day's counts in its day, week and month, with the firsts of that period type
firsts as (

    select
        p.period_type,
        case p.period_type
            when 'day' then d.fact_date
            when 'week' then week_start(d.fact_date)
            else month_start(d.fact_date)
        end as period_start,
        d.campaign_id,
        d.channel,
        d.salesperson,
        d.fact,
        case p.period_type
            when 'day' then d.day_firsts_by_salesperson
            when 'week' then d.week_firsts_by_salesperson
            else d.month_firsts_by_salesperson
        end as firsts_by_salesperson,
        case p.period_type
            when 'day' then d.day_firsts_by_lead
            when 'week' then d.week_firsts_by_lead
            else d.month_firsts_by_lead
        end as firsts_by_lead,
        d.amount,
        d.fact_count,
        d.facts_with_duration,
        d.connected_facts,
        d.duration_seconds
    from daily d
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

-- counts are bigint as count() gives them (a sum of counts is wider)
counted as (

    select
        period_type,
        period_start,
        campaign_id,
        channel,
        case when grouping(salesperson) = 1 then '(all)' else salesperson end as salesperson,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'lead' then firsts_by_lead end)
            else sum(case when fact = 'lead' then firsts_by_salesperson end)
        end, 0) as bigint) as leads,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'call' then firsts_by_lead end)
            else sum(case when fact = 'call' then firsts_by_salesperson end)
        end, 0) as bigint) as calls,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'visit' then firsts_by_lead end)
            else sum(case when fact = 'visit' then firsts_by_salesperson end)
        end, 0) as bigint) as visits,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'quote' then firsts_by_lead end)
            else sum(case when fact = 'quote' then firsts_by_salesperson end)
        end, 0) as bigint) as quotes,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'deal' then firsts_by_lead end)
            else sum(case when fact = 'deal' then firsts_by_salesperson end)
        end, 0) as bigint) as deals,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'lost' then firsts_by_lead end)
            else sum(case when fact = 'lost' then firsts_by_salesperson end)
        end, 0) as bigint) as lost,
        cast(coalesce(case when grouping(salesperson) = 1
            then sum(case when fact = 'deal_before_first_contact' then firsts_by_lead end)
            else sum(case when fact = 'deal_before_first_contact' then firsts_by_salesperson end)
        end, 0) as bigint) as deals_before_first_contact,
        sum(case when fact = 'deal' then amount end) as deal_revenue,
        -- every call attempt, not only the lead's first of the period
        cast(coalesce(sum(case when fact = 'call' then fact_count end), 0) as bigint) as call_attempts,
        cast(coalesce(sum(case when fact = 'call' then facts_with_duration end), 0) as bigint) as calls_with_duration,
        cast(coalesce(sum(case when fact = 'call' then connected_facts end), 0) as bigint) as connected_calls,
        sum(case when fact = 'call' then duration_seconds end) as talk_seconds
    from firsts
    group by grouping sets (
        (period_type, period_start, campaign_id, channel, salesperson),
        (period_type, period_start, campaign_id, channel)
    )

),

-- days to deal are on deal facts only: their percentiles are computed over those alone, not
-- carried through the grouping of every fact (that cost a fifth of this model's time at
-- 1,000,000 customers)
deal_facts_by_period as (

    select
        p.period_type,
        case p.period_type
            when 'day' then f.fact_date
            when 'week' then week_start(f.fact_date)
            else month_start(f.fact_date)
        end as period_start,
        f.campaign_id,
        f.channel,
        f.salesperson,
        f.days_to_deal
    from event_facts f
    cross join period_types p
    where f.days_to_deal is not null

),

deal_days as (

    select
        period_type,
        period_start,
        campaign_id,
        channel,
        case when grouping(salesperson) = 1 then '(all)' else salesperson end as salesperson,
        percentile_cont(0.5) within group (order by days_to_deal) as median_days_to_deal,
        percentile_cont(0.9) within group (order by days_to_deal) as p90_days_to_deal
    from deal_facts_by_period
    group by grouping sets (
        (period_type, period_start, campaign_id, channel, salesperson),
        (period_type, period_start, campaign_id, channel)
    )

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
        d.median_days_to_deal,
        d.p90_days_to_deal,
        coalesce(c.deals_before_first_contact, 0) as deals_before_first_contact,
        coalesce(c.call_attempts, 0) as call_attempts,
        coalesce(c.calls_with_duration, 0) as calls_with_duration,
        coalesce(c.connected_calls, 0) as connected_calls,
        c.talk_seconds
    from counted c
    left join deal_days d
        on d.period_type = c.period_type
        and d.period_start = c.period_start
        and d.campaign_id = c.campaign_id
        and d.channel = c.channel
        and d.salesperson is not distinct from c.salesperson
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
        cast(round_double(attributed_spend, 2) as decimal(38, 2)) as spend,
        leads,
        calls,
        visits,
        quotes,
        deals,
        lost,
        -- ratios of two counts of the same period, not conversions: not bounded by 1 (one cell may
        -- hold 100,000 visits and one call; a month's deals may come from earlier months' calls).
        -- Cohort conversion, bounded by 1, is mart_pipeline's.
        cast(round_double(safe_divide(visits, calls), 4) as decimal(18, 4)) as call_to_visit_rate,
        cast(round_double(safe_divide(quotes, visits), 4) as decimal(18, 4)) as visit_to_quote_rate,
        cast(round_double(safe_divide(deals, quotes), 4) as decimal(18, 4)) as quote_to_deal_rate,
        cast(round_double(safe_divide(deals, calls), 4) as decimal(18, 4)) as call_to_deal_rate,
        cast(round_double(safe_divide(deals, leads), 4) as decimal(18, 4)) as lead_to_deal_rate,
        cast(round_double(safe_divide(attributed_spend, leads), 2) as decimal(38, 2)) as cost_per_lead,
        cast(round_double(safe_divide(attributed_spend, calls), 2) as decimal(38, 2)) as cost_per_call,
        cast(round_double(safe_divide(attributed_spend, deals), 2) as decimal(38, 2)) as cost_per_deal,
        cast(round(deal_revenue, 2) as decimal(38, 2)) as deal_revenue,
        cast(round_double(safe_divide(deal_revenue, attributed_spend), 4) as decimal(38, 4)) as return_on_spend,
        cast(round(median_days_to_deal, 1) as decimal(9, 1)) as median_days_to_deal,
        cast(round(p90_days_to_deal, 1) as decimal(9, 1)) as p90_days_to_deal,
        deals_before_first_contact,
        call_attempts,
        calls_with_duration,
        connected_calls,
        cast(round_double(safe_divide(connected_calls, calls_with_duration), 4) as decimal(18, 4)) as connect_rate,
        cast(talk_seconds as bigint) as talk_seconds,
        cast(round_double(safe_divide(call_attempts, calls), 2) as decimal(18, 2)) as attempts_per_called_lead
    from with_spend

)

select * from final
