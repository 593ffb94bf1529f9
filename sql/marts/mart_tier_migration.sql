-- mart_tier_migration: how many customers moved from each value tier to each value tier tonight
-- (DOMAIN.md section 2: "medium-value customers may become high-value, and high-value ones may
-- fall"): a migration matrix per night, read off dim_customer_history. The from side is the row
-- that was open just before business_date (the previous night's state), the to side the current
-- row. '(new)' = no row before tonight, '(gone)' = no longer a known customer, '(none)' = known but
-- without a sale, so no value tier.
with history as (

    select * from dim_customer_history

),

night as (

    select business_date from run_parameters

),

before_tonight as (

    select history.customer_id, coalesce(history.value_tier, '(none)') as from_tier
    from history
    cross join night
    where history.valid_from < night.business_date
      and (history.valid_to is null or history.valid_to >= night.business_date)

),

tonight as (

    select customer_id, coalesce(value_tier, '(none)') as to_tier
    from history
    where valid_to is null

),

moves as (

    select
        coalesce(before_tonight.from_tier, '(new)') as from_tier,
        coalesce(tonight.to_tier, '(gone)') as to_tier
    from before_tonight
    full outer join tonight on tonight.customer_id = before_tonight.customer_id

),

matrix as (

    select from_tier, to_tier, count(*) as customers
    from moves
    group by from_tier, to_tier

),

final as (

    select
        night.business_date,
        matrix.from_tier,
        matrix.to_tier,
        matrix.from_tier = matrix.to_tier as unchanged,
        matrix.customers,
        safe_divide(cast(matrix.customers as double), sum(matrix.customers) over (partition by matrix.from_tier))
            as share_of_from_tier
    from matrix
    cross join night

)

select * from final
