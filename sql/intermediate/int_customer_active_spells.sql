-- int_customer_active_spells: the periods during which each customer counts as active. A customer is
-- active on day d when they bought on a day p with p <= d < p + churn_inactivity_days; a spell starts
-- at a purchase made while inactive (the first purchase, or one >= W days after the previous one) and
-- ends (the customer churns) on the spell's last purchase + W. mart_churn counts these starts and ends.
with sales as (

    select distinct customer_id, order_date from stg_orders where not is_return

),

params as (

    select churn_inactivity_days as w from run_parameters

),

gaps as (

    select
        s.customer_id,
        s.order_date,
        lag(s.order_date) over (partition by s.customer_id order by s.order_date) as previous_date,
        params.w
    from sales as s
    cross join params

),

flagged as (

    select
        customer_id,
        order_date,
        w,
        case when previous_date is null or days_between(previous_date, order_date) >= w then 1 else 0 end as starts_spell,
        case when previous_date is null then 1 else 0 end as is_first
    from gaps

),

numbered as (

    select
        customer_id,
        order_date,
        w,
        starts_spell,
        is_first,
        sum(starts_spell) over (partition by customer_id order by order_date rows unbounded preceding) as spell_no
    from flagged

),

final as (

    select
        customer_id,
        spell_no,
        min(order_date) as spell_start,
        max(order_date) as spell_last_purchase,
        cast(max(order_date) + cast(max(w) as integer) as date) as spell_end,
        max(is_first) = 1 as is_first_spell
    from numbered
    group by 1, 2

)

select * from final
