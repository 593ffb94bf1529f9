-- stg_subscriptions: the loaded subscriptions rows, typed by the input contract (validated in the
-- validate step), with what every later model needs: whether the subscription had ended by the
-- business date and its billing period's length.
with source as (

    select * from valid_subscriptions

),

params as (

    select business_date from run_parameters

),

renamed as (

    select
        -- ids
        s.subscription_id,
        s.customer_id,
        -- strings
        s.plan,
        coalesce(s.contract_type, '(none)') as contract_type,
        s.status,
        s.billing_period,
        -- numerics
        s.recurring_amount,
        -- dates
        s.start_date,
        s.end_date,
        -- derived: an end after the business date (notice given, the contract runs on) is not yet an end
        case when s.end_date is not null and s.end_date <= params.business_date then true else false end as is_cancelled,
        case when s.billing_period = 'month' then 1 when s.billing_period = 'quarter' then 3
             when s.billing_period = 'year' then 12 end as period_months,
        case when s.billing_period = 'day' then 1 when s.billing_period = 'week' then 7 end as period_days,
        -- lineage
        s._line as source_line

    from source as s
    cross join params

)

select * from renamed
