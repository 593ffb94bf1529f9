-- mart_sales_performance: what each salesperson did and earned per day, month and year: contacts
-- and visits, funnel quotes and deals, revenue and margin of the orders credited to them,
-- collections, and commission (commission_rate x margin or revenue, parameter commission_base).
with params as (

    select * from run_parameters

),

activity as (

    -- one row per fact, with the measure it adds to; everything dated on or before the business date
    select salesperson, contact_date as activity_date,
           1 as contacts, case when channel = 'visit' then 1 else 0 end as visits,
           0 as quotes, 0 as deals, 0 as deal_amount,
           cast(0 as decimal(38, 4)) as revenue, cast(0 as decimal(38, 4)) as margin, cast(0 as decimal(38, 4)) as collected
    from stg_contacts

    union all

    select salesperson, event_date,
           0, case when stage_role = 'qualify' then 1 else 0 end,
           case when stage_role = 'propose' then 1 else 0 end,
           case when stage_role = 'won' then 1 else 0 end,
           case when stage_role = 'won' then coalesce(amount, 0) else 0 end,
           0, 0, 0
    from stg_funnel_events
    where stage_role in ('qualify', 'propose', 'won')

    union all

    select salesperson, order_date, 0, 0, 0, 0, 0, revenue, coalesce(margin, 0), 0
    from stg_orders

    union all

    select salesperson, paid_date, 0, 0, 0, 0, 0, 0, 0, paid_amount
    from stg_payments
    where paid_date is not null and paid_amount > 0

),

dated as (

    select
        coalesce(a.salesperson, '(none)') as salesperson,
        a.activity_date,
        a.contacts, a.visits, a.quotes, a.deals, a.deal_amount, a.revenue, a.margin, a.collected
    from activity a
    cross join params
    where a.activity_date <= params.business_date

),

by_period as (

    select 'day' as period_type, activity_date as period_start, d.* from dated d
    union all
    select 'month', month_start(activity_date), d.* from dated d
    union all
    select 'year', cast(date_trunc('year', activity_date) as date), d.* from dated d

),

summed as (

    select
        period_type,
        period_start,
        salesperson,
        cast(sum(contacts) as bigint) as contacts,
        cast(sum(visits) as bigint) as visits,
        cast(sum(quotes) as bigint) as quotes,
        cast(sum(deals) as bigint) as deals,
        sum(deal_amount) as deal_amount,
        sum(revenue) as revenue,
        sum(margin) as margin,
        sum(collected) as collected
    from by_period
    group by period_type, period_start, salesperson

),

final as (

    select
        s.period_type,
        s.period_start,
        s.salesperson,
        s.contacts,
        s.visits,
        s.quotes,
        s.deals,
        cast(s.deal_amount as decimal(38, 2)) as deal_amount,
        cast(round(s.revenue, 2) as decimal(38, 2)) as revenue,
        cast(round(s.margin, 2) as decimal(38, 2)) as margin,
        cast(s.collected as decimal(38, 2)) as collected,
        params.commission_base,
        cast(round_double(params.commission_rate
            * case when params.commission_base = 'revenue' then s.revenue else s.margin end, 2) as decimal(38, 2)) as commission
    from summed s
    cross join params

)

select * from final
