-- mart_funnel_anomalies: data-quality report of the funnel. Lists every deal event dated before
-- its lead's first contact as the source recorded it (the lead's created_at), with the negative
-- number of days. Such a deal is loaded as the source says (it counts in mart_funnel's deals), and
-- int_funnel_leads takes the earlier event as the first contact, so mart_funnel's days to deal
-- would show 0 for it: this mart keeps the inconsistency visible instead of hiding it.
with leads as (

    select * from int_funnel_leads

),

events as (

    select * from stg_funnel_events

),

deals_before_contact as (

    select
        'deal_before_first_contact' as anomaly,
        e.lead_id,
        e.event_id,
        l.channel,
        coalesce(e.salesperson, l.owner_salesperson) as salesperson,
        l.created_at as first_contact_recorded,
        e.event_time,
        days_between(l.created_at, e.event_time) as days_to_deal,
        e.amount
    from events e
    join leads l on l.lead_id = e.lead_id
    where e.stage_role = 'won'
        and e.event_time < l.created_at

),

final as (

    select
        anomaly,
        lead_id,
        event_id,
        channel,
        salesperson,
        first_contact_recorded,
        event_time,
        cast(days_to_deal as integer) as days_to_deal,
        cast(amount as decimal(38, 2)) as amount
    from deals_before_contact

)

select * from final
