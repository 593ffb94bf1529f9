-- int_customer_activity: one row per customer who ever bought (a sale order), with their purchase
-- history, the attributes churn is broken down by, and their churn status under both definitions:
-- inactivity (churned on last purchase + churn_inactivity_days when that day is <= business_date) and
-- the value model's probability alive (p_alive < churn_p_alive_threshold). churn_definition picks the
-- one that drives is_churned / churn_date; when it is 'p_alive' but the model was skipped (p_alive is
-- NULL) the customer falls back to inactivity and churn_basis says so.
with customers as (

    select * from stg_customers

),

sales as (

    select * from stg_orders where not is_return

),

lines as (

    select * from stg_orders

),

params as (

    select * from run_parameters

),

model as (

    -- NULL p_alive when the value model was skipped (see mart_model_fit.note)
    select customer_id, p_alive from int_customer_value_model

),

purchases as (

    select
        customer_id,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date,
        count(distinct order_id) as orders,
        count(distinct month_start(order_date)) as purchase_months
    from sales
    group by 1

),

money as (

    select
        customer_id,
        sum(revenue) as revenue,
        sum(margin) as margin,
        count(cost) > 0 as has_cost
    from lines
    group by 1

),

first_order_channel as (

    -- the channel of the customer's earliest sale order (ties: lowest order_id)
    select customer_id, channel
    from (
        select
            customer_id,
            channel,
            row_number() over (partition by customer_id order by order_time, order_id, line_no) as rn
        from sales
    ) ranked
    where rn = 1

),

joined as (

    select
        p.customer_id,
        p.first_purchase_date,
        p.last_purchase_date,
        p.orders,
        p.purchase_months,
        coalesce(m.revenue, 0) as revenue,
        coalesce(m.margin, 0) as margin,
        coalesce(m.has_cost, false) as has_cost,
        coalesce(c.acquisition_channel, f.channel, '(none)') as acquisition_channel,
        coalesce(c.region, '(none)') as region,
        coalesce(c.owner_salesperson, '(none)') as owner_salesperson,
        c.churn_reason,
        params.business_date,
        params.churn_inactivity_days,
        params.churn_definition,
        params.churn_p_alive_threshold,
        v.p_alive,
        -- tenure for annualising: first purchase to business date, at least one year
        greatest(days_between(p.first_purchase_date, params.business_date), 365) as annualising_days,
        cast(p.last_purchase_date + cast(params.churn_inactivity_days as integer) as date) as inactive_from
    from purchases as p
    cross join params
    left join money as m on m.customer_id = p.customer_id
    left join customers as c on c.customer_id = p.customer_id
    left join first_order_channel as f on f.customer_id = p.customer_id
    left join model as v on v.customer_id = p.customer_id

),

judged as (

    select
        *,
        inactive_from <= business_date as churned_by_inactivity,
        case when inactive_from <= business_date then inactive_from end as inactivity_churn_date,
        case when p_alive is not null then p_alive < churn_p_alive_threshold end as churned_by_p_alive,
        case
            when churn_definition = 'p_alive' and p_alive is not null then 'p_alive'
            when churn_definition = 'p_alive' then 'inactivity (no model)'
            else 'inactivity'
        end as churn_basis
    from joined

),

final as (

    select
        customer_id,
        first_purchase_date,
        last_purchase_date,
        month_start(first_purchase_date) as cohort_month,
        orders,
        purchase_months,
        cast(round(revenue, 2) as decimal(38, 2)) as revenue,
        cast(round(margin, 2) as decimal(38, 2)) as margin,
        has_cost,
        cast(round_double(revenue * 365 / annualising_days, 2) as decimal(38, 2)) as revenue_per_year,
        cast(round_double(margin * 365 / annualising_days, 2) as decimal(38, 2)) as margin_per_year,
        acquisition_channel,
        region,
        owner_salesperson,
        churn_reason,
        days_between(last_purchase_date, business_date) as days_since_last_purchase,
        churn_definition,
        churned_by_inactivity,
        inactivity_churn_date,
        p_alive,
        churned_by_p_alive,
        churn_basis,
        case when churn_basis = 'p_alive' then churned_by_p_alive else churned_by_inactivity end as is_churned,
        -- under p_alive there is no history of probabilities: date the churn at the first inactive day
        -- when the customer is also past the window, else at the business date (first seen churned)
        case
            when churn_basis = 'p_alive' and churned_by_p_alive then coalesce(inactivity_churn_date, business_date)
            when churn_basis <> 'p_alive' then inactivity_churn_date
        end as churn_date
    from judged

)

select * from final
