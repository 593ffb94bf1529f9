-- mart_lead_qualification: leads by MAN cell (Money, Authority, Need; upper case = has it) with the
-- action DOMAIN.md assigns to the cell, how many were won and the deal revenue they brought.
-- All nine cells are listed (the eight MAN cells and 'unknown'), also when no lead falls in them.
with leads as (

    select * from int_funnel_leads

),

cells as (

    select 'MAN' as man_cell, 1 as cell_order, 'ideal prospect' as action
    union all select 'MAn', 2, 'contact, needs selling skill'
    union all select 'MaN', 3, 'contact and find the decision maker'
    union all select 'mAN', 4, 'contact, check credit or offer financing'
    union all select 'maN', 5, 'nurture over time'
    union all select 'mAn', 6, 'nurture over time'
    union all select 'Man', 7, 'nurture over time'
    union all select 'man', 8, 'not a customer, stop contact'
    union all select 'unknown', 9, 'qualify first (a MAN flag is unknown)'

),

by_cell as (

    select
        man_cell,
        count(*) as leads,
        count(case when is_won then 1 end) as won_leads,
        count(case when status = 'lost' or first_lost_time is not null then 1 end) as lost_leads,
        count(case when status = 'open' or status = 'qualified' then 1 end) as open_leads,
        sum(deal_revenue) as revenue
    from leads
    group by man_cell

),

final as (

    select
        c.man_cell,
        c.cell_order,
        c.action,
        coalesce(b.leads, 0) as leads,
        coalesce(b.won_leads, 0) as won_leads,
        coalesce(b.lost_leads, 0) as lost_leads,
        coalesce(b.open_leads, 0) as open_leads,
        cast(round_double(safe_divide(b.won_leads, b.leads), 4) as decimal(9, 4)) as conversion_rate,
        cast(round(coalesce(b.revenue, 0), 2) as decimal(38, 2)) as revenue,
        cast(round_double(safe_divide(b.revenue, b.leads), 2) as decimal(38, 2)) as revenue_per_lead
    from cells c
    left join by_cell b on b.man_cell = c.man_cell

)

select * from final
