-- stg_funnel_events: the loaded funnel_events rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_funnel_events

),

renamed as (

    select
        -- ids
        event_id,
        lead_id,
        campaign_id,
        -- strings
        event_type,
        salesperson,
        outcome,
        reason,
        -- numerics
        amount,
        -- dates
        cast(event_time as date) as event_date,
        -- timestamps
        event_time,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
