-- stg_leads: the loaded leads rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_leads

),

renamed as (

    select
        -- ids
        lead_id,
        campaign_id,
        referrer_customer_id,
        customer_id,
        -- strings
        source_channel,
        owner_salesperson,
        status,
        lost_reason,
        -- booleans
        has_money,
        has_authority,
        has_need,
        -- timestamps
        created_at,
        updated_at,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
