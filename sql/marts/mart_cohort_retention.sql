-- mart_cohort_retention: the classic cohort triangle. Customers are grouped by the month of their
-- first purchase; for each later month we count how many of them bought and what they spent, as a
-- share of the cohort (month 0 = 100% by construction) and of the cohort's month-0 revenue.
with recursive customers as (

    select * from int_customer_activity

),

order_lines as (

    select * from stg_orders

),

params as (

    select business_date from run_parameters

),

offsets (months_since_first) as (

    select 0
    union all
    select months_since_first + 1
    from offsets
    cross join params
    where months_since_first + 1 <= 12 * (extract(year from params.business_date) - extract(year from (select min(cohort_month) from customers)))
        + extract(month from params.business_date) - extract(month from (select min(cohort_month) from customers))

),

cohorts as (

    select cohort_month, count(*) as cohort_size
    from customers
    group by 1

),

spine as (

    select
        c.cohort_month,
        o.months_since_first,
        cast(c.cohort_month + o.months_since_first * interval '1' month as date) as activity_month,
        c.cohort_size
    from cohorts as c
    join offsets as o on 1 = 1
    cross join params
    where cast(c.cohort_month + o.months_since_first * interval '1' month as date) <= params.business_date

),

monthly as (

    select
        cu.cohort_month,
        month_start(l.order_date) as activity_month,
        count(distinct case when not l.is_return then l.customer_id end) as active_customers,
        sum(l.revenue) as revenue
    from order_lines as l
    join customers as cu on cu.customer_id = l.customer_id
    group by 1, 2

),

joined as (

    select
        s.cohort_month,
        s.months_since_first,
        s.activity_month,
        s.cohort_size,
        coalesce(m.active_customers, 0) as active_customers,
        coalesce(m.revenue, 0) as revenue
    from spine as s
    left join monthly as m
        on m.cohort_month = s.cohort_month and m.activity_month = s.activity_month

),

final as (

    select
        cohort_month,
        months_since_first,
        activity_month,
        cohort_size,
        active_customers,
        cast(round_double(100.0 * active_customers / cohort_size, 2) as decimal(9, 2)) as retention_pct,
        cast(round(revenue, 2) as decimal(38, 2)) as revenue,
        cast(round_double(100.0 * safe_divide(revenue, first_value(revenue) over (partition by cohort_month order by months_since_first)), 2) as decimal(38, 2)) as revenue_retention_pct
    from joined

)

select * from final
