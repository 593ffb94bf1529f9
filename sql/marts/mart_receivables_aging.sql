-- mart_receivables_aging: every open invoice (outstanding > 0) at the business date, aged by days
-- overdue into buckets, with its customer's totals: share of all receivables, credit-limit excess
-- and days sales outstanding. Answers "who owes what, how late, and who holds most of it".
with params as (

    select * from run_parameters

),

invoices as (

    select
        p.invoice_id,
        p.customer_id,
        p.salesperson,
        p.issue_date,
        p.due_date,
        p.amount,
        p.paid,
        p.outstanding,
        days_between(p.due_date, params.business_date) as days_overdue
    from stg_payments p
    cross join params
    where p.outstanding > 0
      and p.issue_date <= params.business_date

),

bucketed as (

    select
        *,
        case
            when days_overdue <= 0 then 'not_due'
            when days_overdue <= 30 then '1_30'
            when days_overdue <= 60 then '31_60'
            when days_overdue <= 90 then '61_90'
            when days_overdue <= 180 then '91_180'
            else 'over_180'
        end as aging_bucket
    from invoices

),

customer_totals as (

    select customer_id, sum(outstanding) as customer_outstanding
    from bucketed
    group by customer_id

),

all_total as (

    select sum(outstanding) as total_outstanding from bucketed

),

recent_revenue as (

    select o.customer_id, sum(o.revenue) as revenue_window
    from stg_orders o
    cross join params
    where days_between(o.order_date, params.business_date) between 0 and params.dso_window_days - 1
    group by o.customer_id

),

final as (

    select
        params.business_date,
        b.customer_id,
        c.name as customer_name,
        b.invoice_id,
        b.salesperson,
        b.issue_date,
        b.due_date,
        cast(b.amount as decimal(38, 2)) as amount,
        cast(b.paid as decimal(38, 2)) as paid,
        cast(b.outstanding as decimal(38, 2)) as outstanding,
        b.days_overdue,
        b.aging_bucket,
        cast(case when b.aging_bucket = 'not_due' then b.outstanding else 0 end as decimal(38, 2)) as not_due,
        cast(case when b.aging_bucket = '1_30' then b.outstanding else 0 end as decimal(38, 2)) as bucket_0_30,
        cast(case when b.aging_bucket = '31_60' then b.outstanding else 0 end as decimal(38, 2)) as bucket_31_60,
        cast(case when b.aging_bucket = '61_90' then b.outstanding else 0 end as decimal(38, 2)) as bucket_61_90,
        cast(case when b.aging_bucket = '91_180' then b.outstanding else 0 end as decimal(38, 2)) as bucket_91_180,
        cast(case when b.aging_bucket = 'over_180' then b.outstanding else 0 end as decimal(38, 2)) as bucket_over_180,
        cast(t.customer_outstanding as decimal(38, 2)) as customer_outstanding,
        cast(round_double(safe_divide(t.customer_outstanding, a.total_outstanding), 6) as decimal(38, 6)) as customer_share,
        cast(c.credit_limit as decimal(38, 2)) as credit_limit,
        cast(case
            when c.credit_limit is null then null
            when t.customer_outstanding > c.credit_limit then t.customer_outstanding - c.credit_limit
            else 0
        end as decimal(38, 2)) as credit_limit_excess,
        cast(round(r.revenue_window, 2) as decimal(38, 2)) as customer_revenue_window,
        cast(round_double(case when r.revenue_window > 0
            then t.customer_outstanding / r.revenue_window * params.dso_window_days end, 1) as decimal(38, 1)) as customer_dso_days
    from bucketed b
    cross join params
    cross join all_total a
    join customer_totals t on t.customer_id = b.customer_id
    left join stg_customers c on c.customer_id = b.customer_id
    left join recent_revenue r on r.customer_id = b.customer_id

)

select * from final
