-- mart_customer_rfm: Recency, Frequency and Monetary value of every buying customer, scored 1-5 by
-- quintile, with the named segment of the R x F map, so marketing can pick who to thank, nurture
-- or win back. Ties are broken by customer_id so the scores are reproducible run after run.
with purchases as (

    select * from int_customer_purchase_summary

),

net_revenue as (

    select
        customer_id,
        sum(revenue) as monetary_total
    from stg_orders
    cross join run_parameters
    where stg_orders.order_date <= run_parameters.business_date
    group by 1

),

measures as (

    select
        purchases.customer_id,
        purchases.last_purchase_date,
        days_between(purchases.last_purchase_date, run_parameters.business_date) as recency_days,
        purchases.transactions as frequency,
        coalesce(net_revenue.monetary_total, 0) as monetary_total
    from purchases
    cross join run_parameters
    left join net_revenue on net_revenue.customer_id = purchases.customer_id

),

scored as (

    select
        *,
        cast(ntile(5) over (order by recency_days desc, customer_id) as bigint) as r_score,
        cast(ntile(5) over (order by frequency, customer_id) as bigint) as f_score,
        cast(ntile(5) over (order by monetary_total, customer_id) as bigint) as m_score
    from measures

),

final as (

    select
        customer_id,
        last_purchase_date,
        recency_days,
        frequency,
        cast(round(monetary_total, 2) as decimal(38, 2)) as monetary_total,
        divide_round_2(monetary_total, frequency) as monetary_mean,
        r_score,
        f_score,
        m_score,
        cast(r_score as string) || cast(f_score as string) || cast(m_score as string) as rfm_cell,
        case
            when r_score = 5 and f_score >= 4 then 'champions'
            when r_score in (3, 4) and f_score >= 4 then 'loyal'
            when r_score >= 4 and f_score in (2, 3) then 'potential loyalists'
            when r_score = 5 and f_score = 1 then 'new'
            when r_score = 4 and f_score = 1 then 'promising'
            when r_score = 3 and f_score = 3 then 'need attention'
            when r_score = 3 and f_score <= 2 then 'about to sleep'
            when r_score <= 2 and f_score = 5 then 'can''t lose'
            when r_score <= 2 and f_score in (3, 4) then 'at risk'
            else 'hibernating'
        end as segment
    from scored

)

select * from final
