-- mart_collections: money received (payments' paid_amount on their paid_date) per month and per
-- year, by payment method and salesperson. Receipts dated after the business date are left out.
with params as (

    select * from run_parameters

),

receipts as (

    select
        p.invoice_id,
        p.customer_id,
        coalesce(p.method, '(none)') as method,
        coalesce(p.salesperson, '(none)') as salesperson,
        p.paid_date,
        p.paid_amount,
        p.paid_date > p.due_date as is_late
    from stg_payments p
    cross join params
    where p.paid_date is not null
      and p.paid_amount > 0
      and p.paid_date <= params.business_date

),

by_period as (

    select 'month' as period_type, month_start(paid_date) as period_start, r.* from receipts r
    union all
    select 'year' as period_type, cast(date_trunc('year', paid_date) as date) as period_start, r.* from receipts r

),

final as (

    select
        period_type,
        period_start,
        method,
        salesperson,
        count(*) as invoices,
        count(distinct customer_id) as customers,
        cast(sum(paid_amount) as decimal(38, 2)) as collected,
        cast(sum(case when is_late then paid_amount else 0 end) as decimal(38, 2)) as collected_late
    from by_period
    group by period_type, period_start, method, salesperson

)

select * from final
