-- stg_customers: the loaded customers rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_customers

),

renamed as (

    select
        -- ids
        customer_id,
        referrer_customer_id,
        -- strings
        name,
        customer_type,
        phone,
        email,
        address,
        city,
        region,
        gender,
        marital_status,
        income_band,
        occupation,
        life_stage,
        purchase_motive,
        important_date_label,
        acquisition_channel,
        owner_salesperson,
        churn_reason,
        -- numerics
        credit_limit,
        -- dates
        birth_date,
        important_date,
        renewal_date,
        -- timestamps
        created_at,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
