-- int_funnel_leads: every lead with the attributes the funnel marts group by (campaign, channel,
-- owner, MAN cell) and its funnel milestones (first contact, first deal, deal revenue, first loss).
-- A deal is an event of a won-role stage, a loss one of a lost-role stage (stg_funnel_stages).
-- NULL campaign / channel / owner become '(none)' so that mart keys stay unique; other values,
-- blank or 'unknown' included, are kept as their own channel.
with leads as (

    select * from stg_leads

),

campaigns as (

    select campaign_id, channel from stg_campaigns

),

events as (

    select * from stg_funnel_events

),

lead_events as (

    select
        lead_id,
        min(event_time) as first_event_time,
        min(case when stage_role = 'won' then event_time end) as first_deal_time,
        sum(case when stage_role = 'won' then amount end) as deal_revenue,
        count(case when stage_role = 'won' then 1 end) as deal_events,
        min(case when stage_role = 'lost' then event_time end) as first_lost_time
    from events
    group by lead_id

),

final as (

    select
        l.lead_id,
        coalesce(l.campaign_id, '(none)') as campaign_id,
        coalesce(l.source_channel, c.channel, '(none)') as channel,
        coalesce(l.owner_salesperson, '(none)') as owner_salesperson,
        l.status,
        l.referrer_customer_id,
        l.customer_id,
        l.has_money,
        l.has_authority,
        l.has_need,
        case
            when l.has_money is null or l.has_authority is null or l.has_need is null then 'unknown'
            else (case when l.has_money then 'M' else 'm' end)
                || (case when l.has_authority then 'A' else 'a' end)
                || (case when l.has_need then 'N' else 'n' end)
        end as man_cell,
        l.created_at,
        case
            when e.first_event_time is not null and e.first_event_time < l.created_at then e.first_event_time
            else l.created_at
        end as first_contact_time,
        e.first_deal_time,
        coalesce(e.deal_revenue, 0) as deal_revenue,
        l.status = 'won' or coalesce(e.deal_events, 0) > 0 as is_won,
        e.first_lost_time
    from leads l
    left join campaigns c on c.campaign_id = l.campaign_id
    left join lead_events e on e.lead_id = l.lead_id

)

select * from final
