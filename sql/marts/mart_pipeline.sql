-- mart_pipeline: the sales pipeline by stage, for every lead and per cohort (leads created in a
-- month), as of the business date: open pipeline (count, value, age) in each stage, how much of
-- the cohort reached each stage (a cohort followed over time, so a conversion never exceeds 1,
-- unlike a ratio of two counts of the same period), win rate among closed leads, and velocity
-- (median days a lead spent in the stage before it moved on). Every event of a stage counts as an
-- attempt (on a contact stage: a call attempt, several per lead): attempts per lead and per deal,
-- connect rate (duration above call_connected_after_seconds, among attempts of known duration: an
-- unknown duration is unknown, not 'not connected') and talk time per deal.
-- Stages and roles come from stg_funnel_stages (job config funnel_stages). A lead with no event
-- waits in the first stage from its creation.
with params as (

    select business_date, call_connected_after_seconds from run_parameters

),

stages as (

    select
        s.stage,
        s.stage_order,
        s.role,
        s.is_closed,
        -- the open stage before this one: conversions are from it (none for the first and lost stages)
        (select max(p.stage_order) from stg_funnel_stages p
         where p.stage_order < s.stage_order and not p.is_closed) as previous_order,
        s.stage_order = (select min(stage_order) from stg_funnel_stages) as is_first,
        -- a lead won (or lost) by its status alone, with no event of the role, is in the role's first stage
        s.stage_order = (select min(r.stage_order) from stg_funnel_stages r where r.role = s.role) as is_first_of_role
    from stg_funnel_stages s

),

leads as (

    select
        l.lead_id,
        l.created_at,
        l.status,
        month_start(l.created_at) as cohort_month
    from stg_leads l
    cross join params
    where cast(l.created_at as date) <= params.business_date

),

events as (

    select e.lead_id, e.event_id, e.event_time, e.stage_order, e.stage_role, e.amount, e.duration_seconds,
        e.duration_seconds > params.call_connected_after_seconds as connected
    from stg_funnel_events e
    join leads l on l.lead_id = e.lead_id
    cross join params
    where e.event_date <= params.business_date

),

-- the lead's value: the amount of its latest event that has one (a quote, an opportunity amount)
lead_values as (

    select lead_id, amount
    from (
        select
            lead_id,
            amount,
            row_number() over (partition by lead_id order by event_time desc, event_id desc) as rn
        from events
        where amount is not null
    ) ranked
    where rn = 1

),

lead_events as (

    select
        lead_id,
        count(case when stage_role = 'won' then 1 end) as won_events,
        count(case when stage_role = 'lost' then 1 end) as lost_events,
        -- furthest stage reached: losing is not progress, winning is (it passes every open stage)
        max(case when stage_role <> 'lost' then stage_order end) as furthest_order,
        max(case when stage_role not in ('won', 'lost') then stage_order end) as furthest_open_order
    from events
    group by lead_id

),

-- won: a won event or status won; lost: otherwise a lost event or status lost; disqualified leads
-- are closed but neither (they are not in the win rate); everything else is open pipeline
lead_state as (

    select
        l.lead_id,
        l.cohort_month,
        l.created_at,
        l.status,
        case
            when coalesce(e.won_events, 0) > 0 or l.status = 'won' then 'won'
            when coalesce(e.lost_events, 0) > 0 or l.status = 'lost' then 'lost'
            when l.status = 'disqualified' then 'disqualified'
            else 'open'
        end as state,
        coalesce(e.won_events, 0) as won_events,
        coalesce(e.lost_events, 0) as lost_events,
        e.furthest_order,
        coalesce(e.furthest_open_order, (select min(stage_order) from stages)) as current_order
    from leads l
    left join lead_events e on e.lead_id = l.lead_id

),

entered as (

    select
        lead_id,
        stage_order,
        min(event_time) as entered_at,
        count(*) as attempts,
        count(duration_seconds) as attempts_with_duration,
        count(case when connected then 1 end) as connected_attempts,
        sum(duration_seconds) as talk_seconds
    from events
    group by lead_id, stage_order

),

-- one row per lead and stage: whether the lead reached it, and when it entered it
lead_stages as (

    select
        ls.lead_id,
        ls.cohort_month,
        ls.created_at,
        ls.state,
        s.stage_order,
        s.role,
        s.is_closed,
        case
            when s.role = 'won' then n.lead_id is not null
                or (s.is_first_of_role and ls.state = 'won' and ls.won_events = 0)
            when s.role = 'lost' then n.lead_id is not null
                or (s.is_first_of_role and ls.state = 'lost' and ls.lost_events = 0)
            -- an open stage: the first, or any stage up to the furthest reached
            else s.is_first or coalesce(ls.furthest_order, 0) >= s.stage_order
                or (ls.state = 'won' and ls.won_events = 0)
        end as reached,
        coalesce(n.entered_at, case when s.is_first then ls.created_at end) as entered_at,
        ls.state = 'open' and ls.current_order = s.stage_order as is_open_here,
        coalesce(n.attempts, 0) as attempts,
        coalesce(n.attempts_with_duration, 0) as attempts_with_duration,
        coalesce(n.connected_attempts, 0) as connected_attempts,
        n.talk_seconds
    from lead_state ls
    cross join stages s
    left join entered n on n.lead_id = ls.lead_id and n.stage_order = s.stage_order

),

-- velocity: days from entering an open stage to entering any later one (the lead moved on); a
-- later stage entered before this one (events out of order) is not a move
moved as (

    select
        a.lead_id,
        a.stage_order,
        days_between(a.entered_at, min(b.entered_at)) as days_in_stage
    from lead_stages a
    join lead_stages b
        on b.lead_id = a.lead_id
        and b.stage_order > a.stage_order
        and b.entered_at >= a.entered_at
    where not a.is_closed and a.entered_at is not null
    group by a.lead_id, a.stage_order, a.entered_at

),

measured as (

    select
        x.lead_id,
        x.cohort_month,
        x.state,
        x.stage_order,
        x.reached,
        x.is_open_here,
        case when x.is_open_here then v.amount end as open_value,
        case when x.is_open_here then days_between(x.entered_at, p.business_date) end as days_in_stage,
        case when x.is_open_here then days_between(x.created_at, p.business_date) end as days_since_created,
        m.days_in_stage as days_before_moving_on,
        x.attempts,
        x.attempts_with_duration,
        x.connected_attempts,
        x.talk_seconds
    from lead_stages x
    cross join params p
    left join lead_values v on v.lead_id = x.lead_id
    left join moved m on m.lead_id = x.lead_id and m.stage_order = x.stage_order

),

grouped as (

    select
        case when grouping(cohort_month) = 1 then 'all' else 'month' end as cohort,
        cohort_month,
        stage_order,
        count(*) as cohort_leads,
        count(case when reached then 1 end) as reached_leads,
        count(case when is_open_here then 1 end) as open_leads,
        sum(open_value) as open_value,
        count(case when is_open_here and open_value is null then 1 end) as open_leads_without_value,
        percentile_cont(0.5) within group (order by days_in_stage) as median_days_in_stage,
        percentile_cont(0.5) within group (order by days_since_created) as median_days_since_created,
        count(days_before_moving_on) as moved_on_leads,
        percentile_cont(0.5) within group (order by days_before_moving_on) as median_days_before_moving_on,
        count(case when state = 'won' then 1 end) as won_leads,
        count(case when state = 'lost' then 1 end) as lost_leads,
        sum(attempts) as attempts,
        count(case when attempts > 0 then 1 end) as attempted_leads,
        sum(attempts_with_duration) as attempts_with_duration,
        sum(connected_attempts) as connected_attempts,
        sum(talk_seconds) as talk_seconds
    from measured
    group by grouping sets ((cohort_month, stage_order), (stage_order))

),

final as (

    select
        g.cohort,
        g.cohort_month,
        s.stage,
        g.stage_order,
        s.role,
        g.cohort_leads,
        g.reached_leads,
        cast(round_double(safe_divide(g.reached_leads, g.cohort_leads), 4) as decimal(18, 4)) as share_reached,
        cast(round_double(safe_divide(g.reached_leads, prev.reached_leads), 4) as decimal(18, 4)) as conversion_from_previous,
        g.open_leads,
        cast(round(g.open_value, 2) as decimal(38, 2)) as open_value,
        g.open_leads_without_value,
        cast(round(g.median_days_in_stage, 1) as decimal(9, 1)) as median_days_in_stage,
        cast(round(g.median_days_since_created, 1) as decimal(9, 1)) as median_days_since_created,
        g.moved_on_leads,
        cast(round(g.median_days_before_moving_on, 1) as decimal(9, 1)) as median_days_before_moving_on,
        g.won_leads,
        g.lost_leads,
        cast(round_double(safe_divide(g.won_leads, g.won_leads + g.lost_leads), 4) as decimal(18, 4)) as win_rate,
        cast(g.attempts as bigint) as attempts,
        g.attempted_leads,
        cast(round_double(safe_divide(g.attempts, g.attempted_leads), 2) as decimal(18, 2)) as attempts_per_lead,
        cast(round_double(safe_divide(g.attempts, g.won_leads), 2) as decimal(18, 2)) as attempts_per_deal,
        cast(g.attempts_with_duration as bigint) as attempts_with_duration,
        cast(g.connected_attempts as bigint) as connected_attempts,
        cast(round_double(safe_divide(g.connected_attempts, g.attempts_with_duration), 4) as decimal(18, 4)) as connect_rate,
        cast(g.talk_seconds as bigint) as talk_seconds,
        cast(round_double(safe_divide(g.talk_seconds, g.won_leads), 1) as decimal(18, 1)) as talk_seconds_per_deal
    from grouped g
    join stages s on s.stage_order = g.stage_order
    left join grouped prev
        on prev.cohort = g.cohort
        and prev.cohort_month is not distinct from g.cohort_month
        and prev.stage_order = s.previous_order
        and s.role <> 'lost'

)

select * from final
