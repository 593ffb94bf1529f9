-- stg_funnel_events: the loaded funnel_events rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs: the role and order of its stage
-- (stg_funnel_stages), by which every later model counts it.
with source as (

    select * from valid_funnel_events

),

stages as (

    select stage, stage_order, role from stg_funnel_stages

),

renamed as (

    select
        -- ids
        event_id,
        lead_id,
        campaign_id,
        -- strings
        event_type,
        stages.role as stage_role,
        salesperson,
        outcome,
        reason,
        -- numerics
        stages.stage_order,
        amount,
        duration_seconds,
        -- dates
        cast(event_time as date) as event_date,
        -- timestamps
        event_time,
        -- lineage
        _line as source_line

    from source
    left join stages on stages.stage = source.event_type

)

select * from renamed
