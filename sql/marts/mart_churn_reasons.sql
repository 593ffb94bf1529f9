-- mart_churn_reasons: why business is lost, by month and channel: leads lost in the funnel (the
-- lead's lost_reason, else its last lost event's reason) and customers churned under the configured
-- churn definition (int_customer_activity.is_churned) (customers.churn_reason), with the value lost.
with leads as (

    select * from stg_leads

),

events as (

    select * from stg_funnel_events

),

customers as (

    select * from int_customer_activity

),

last_lost_event as (

    select lead_id, event_date, reason
    from (
        select
            lead_id,
            event_date,
            reason,
            row_number() over (partition by lead_id order by event_time desc, event_id desc) as rn
        from events
        where stage_role = 'lost'
    ) e
    where rn = 1

),

lead_value as (

    select lead_id, max(amount) as amount
    from events
    group by 1

),

lost_leads as (

    select
        'lost_lead' as loss_type,
        month_start(coalesce(e.event_date, cast(coalesce(l.updated_at, l.created_at) as date))) as month,
        l.source_channel as channel,
        coalesce(l.lost_reason, e.reason, '(unknown)') as reason,
        coalesce(v.amount, 0) as value
    from leads as l
    left join last_lost_event as e on e.lead_id = l.lead_id
    left join lead_value as v on v.lead_id = l.lead_id
    where l.status = 'lost' or (e.lead_id is not null and l.status <> 'won')

),

churned_customers as (

    select
        'churned_customer' as loss_type,
        month_start(churn_date) as month,
        acquisition_channel as channel,
        coalesce(churn_reason, '(unknown)') as reason,
        revenue_per_year as value
    from customers
    where is_churned

),

losses as (

    select * from lost_leads
    union all
    select * from churned_customers

),

final as (

    select
        loss_type,
        month,
        channel,
        reason,
        count(*) as losses,
        cast(round(sum(value), 2) as decimal(38, 2)) as value
    from losses
    group by 1, 2, 3, 4

)

select * from final
