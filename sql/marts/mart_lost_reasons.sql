-- mart_lost_reasons: lost leads by reason, the furthest stage reached before the loss (the open
-- stage latest in pipeline order, e.g. call, visit, quote), channel, salesperson and month. A lead counts once, at its first lost event; a lead with
-- status 'lost' but no lost event counts in the month of its last update (else its creation).
with leads as (

    select * from int_funnel_leads

),

lead_rows as (

    select lead_id, lost_reason, updated_at from stg_leads

),

events as (

    select * from stg_funnel_events

),

first_lost as (

    select lead_id, event_time, salesperson, reason
    from (
        select
            lead_id,
            event_time,
            salesperson,
            reason,
            row_number() over (partition by lead_id order by event_time, event_id) as rn
        from events
        where stage_role = 'lost'
    ) ranked
    where rn = 1

),

lost_leads as (

    select
        l.lead_id,
        l.channel,
        coalesce(f.salesperson, l.owner_salesperson) as salesperson,
        coalesce(f.reason, r.lost_reason, '(none)') as reason,
        coalesce(f.event_time, r.updated_at, l.created_at) as lost_time
    from leads l
    join lead_rows r on r.lead_id = l.lead_id
    left join first_lost f on f.lead_id = l.lead_id
    where f.lead_id is not null or l.status = 'lost'

),

stage_reached as (

    select
        x.lead_id,
        max(e.stage_order) as stage_rank
    from lost_leads x
    left join events e
        on e.lead_id = x.lead_id
        and e.event_time <= x.lost_time
        and e.stage_role not in ('won', 'lost')
    group by x.lead_id

),

final as (

    select
        month_start(x.lost_time) as month_start,
        x.reason,
        coalesce(st.stage, '(none)') as stage_reached,
        x.channel,
        x.salesperson,
        count(*) as lost_leads
    from lost_leads x
    join stage_reached s on s.lead_id = x.lead_id
    left join stg_funnel_stages st on st.stage_order = s.stage_rank
    group by 1, 2, 3, 4, 5

)

select * from final
