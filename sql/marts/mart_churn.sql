-- mart_churn: customer movements per calendar month under the inactivity churn definition, overall
-- and by acquisition cohort, channel, current RFM segment, current value tier, region and owner
-- salesperson. Active = bought within the last churn_inactivity_days days (see
-- int_customer_active_spells); every row reconciles: active_start + new + reactivated - churned =
-- active_end. Always an inactivity-window history, whatever churn_definition says: there is no
-- history of model probabilities to replay month by month.
-- basis 'subscriptions' (when subscriptions are loaded): the same movements of subscriptions, where
-- churn is a cancellation: active on day d when start_date <= d < end_date (or not cancelled by the
-- business date); new = started in the month, churned = cancelled in the month (end_date in it),
-- reactivated = 0 (a returning customer's new subscription is new); by all, cohort (start month),
-- plan and contract type.
with recursive customers as (

    select * from int_customer_activity

),

rfm as (

    select customer_id, segment from mart_customer_rfm

),

tiers as (

    select customer_id, value_tier from mart_customer_value

),

spells as (

    select * from int_customer_active_spells

),

params as (

    select business_date from run_parameters

),

customer_dimensions as (

    select customer_id, 'all' as dimension, 'all' as dimension_value from customers
    union all
    select customer_id, 'cohort', substr(cast(cohort_month as string), 1, 7) from customers
    union all
    select customer_id, 'channel', acquisition_channel from customers
    union all
    -- the customer's CURRENT segment and tier (as of the business date), not the one they had then
    select c.customer_id, 'rfm_segment', coalesce(r.segment, '(none)')
    from customers as c
    left join rfm as r on r.customer_id = c.customer_id
    union all
    select c.customer_id, 'value_tier', coalesce(t.value_tier, '(none)')
    from customers as c
    left join tiers as t on t.customer_id = c.customer_id
    union all
    select customer_id, 'region', region from customers
    union all
    select customer_id, 'salesperson', owner_salesperson from customers

),

dimension_start as (

    select cd.dimension, cd.dimension_value, min(c.cohort_month) as first_month
    from customer_dimensions as cd
    join customers as c on c.customer_id = cd.customer_id
    group by 1, 2

),

months (month_start, step) as (

    select min(cohort_month), 0 from customers
    union all
    select cast(months.month_start + interval '1' month as date), months.step + 1
    from months
    cross join params
    where cast(months.month_start + interval '1' month as date) <= params.business_date
        -- and at most the months of the years from the first cohort on: stepping dates alone
        -- would never end on an infinite date (whose year is NULL)
        and months.step < 12 * (extract(year from params.business_date)
            - extract(year from (select min(cohort_month) from customers)) + 1)

),

spine as (

    select
        ds.dimension,
        ds.dimension_value,
        m.month_start,
        least(cast(m.month_start + interval '1' month as date) - 1, params.business_date) as month_end
    from dimension_start as ds
    join months as m on m.month_start >= ds.first_month
    cross join params

),

spell_dimensions as (

    select cd.dimension, cd.dimension_value, s.*
    from spells as s
    join customer_dimensions as cd on cd.customer_id = s.customer_id

),

counted as (

    select
        sp.dimension,
        sp.dimension_value,
        sp.month_start,
        sp.month_end,
        count(case when s.spell_start < sp.month_start and s.spell_end >= sp.month_start then 1 end) as active_start,
        count(case when s.is_first_spell and s.spell_start >= sp.month_start then 1 end) as new_customers,
        count(case when not s.is_first_spell and s.spell_start >= sp.month_start then 1 end) as reactivated,
        count(case when s.spell_end <= sp.month_end then 1 end) as churned,
        count(case when s.spell_start <= sp.month_end and s.spell_end > sp.month_end then 1 end) as active_end
    from spine as sp
    left join spell_dimensions as s
        on s.dimension = sp.dimension
        and s.dimension_value = sp.dimension_value
        and s.spell_start <= sp.month_end
        and s.spell_end >= sp.month_start
    group by 1, 2, 3, 4

),

subscriptions as (

    select
        subscription_id,
        plan,
        contract_type,
        cohort_month,
        start_date,
        -- the first day it is no longer active (its end_date); never, while active
        case when is_cancelled then observed_end end as ended_on
    from int_subscription_tenure

),

subscription_dimensions as (

    select subscription_id, 'all' as dimension, 'all' as dimension_value from subscriptions
    union all
    select subscription_id, 'cohort', substr(cast(cohort_month as string), 1, 7) from subscriptions
    union all
    select subscription_id, 'plan', plan from subscriptions
    union all
    select subscription_id, 'contract_type', contract_type from subscriptions

),

subscription_months (month_start, step) as (

    select min(cohort_month), 0 from subscriptions
    union all
    select cast(subscription_months.month_start + interval '1' month as date), subscription_months.step + 1
    from subscription_months
    cross join params
    where cast(subscription_months.month_start + interval '1' month as date) <= params.business_date
        and subscription_months.step < 12 * (extract(year from params.business_date)
            - extract(year from (select min(cohort_month) from subscriptions)) + 1)

),

subscription_spine as (

    select
        d.dimension,
        d.dimension_value,
        m.month_start,
        least(cast(m.month_start + interval '1' month as date) - 1, params.business_date) as month_end
    from (
        select sd.dimension, sd.dimension_value, min(s.cohort_month) as first_month
        from subscription_dimensions as sd
        join subscriptions as s on s.subscription_id = sd.subscription_id
        group by 1, 2
    ) as d
    join subscription_months as m on m.month_start >= d.first_month
    cross join params

),

subscription_counted as (

    select
        sp.dimension,
        sp.dimension_value,
        sp.month_start,
        sp.month_end,
        count(case when s.start_date < sp.month_start and (s.ended_on is null or s.ended_on >= sp.month_start) then 1 end) as active_start,
        count(case when s.start_date >= sp.month_start then 1 end) as new_customers,
        0 as reactivated,
        count(case when s.ended_on <= sp.month_end then 1 end) as churned,
        count(case when s.subscription_id is not null and (s.ended_on is null or s.ended_on > sp.month_end) then 1 end) as active_end
    from subscription_spine as sp
    left join (
        select sd.dimension, sd.dimension_value, s.*
        from subscriptions as s
        join subscription_dimensions as sd on sd.subscription_id = s.subscription_id
    ) as s
        on s.dimension = sp.dimension
        and s.dimension_value = sp.dimension_value
        and s.start_date <= sp.month_end
        and (s.ended_on is null or s.ended_on >= sp.month_start)
    group by 1, 2, 3, 4

),

movements as (

    select 'purchases' as basis, * from counted
    union all
    select 'subscriptions', * from subscription_counted

),

final as (

    select
        dimension,
        dimension_value,
        month_start as month,
        month_end,
        active_start,
        new_customers,
        reactivated,
        churned,
        active_end,
        cast(round_double(safe_divide(cast(churned as double), active_start), 4) as decimal(9, 4)) as churn_rate,
        basis
    from movements

)

select * from final
