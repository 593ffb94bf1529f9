-- stg_campaigns: the loaded campaigns rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_campaigns

),

renamed as (

    select
        -- ids
        campaign_id,
        -- strings
        name,
        channel,
        currency,
        -- numerics
        spend,
        -- dates
        start_date,
        end_date,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
