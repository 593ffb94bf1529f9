-- stg_funnel_stages: the job's pipeline stages (funnel_stages: in the job config, default call, visit,
-- quote, deal, lost), in pipeline order, each with its role. funnel_events.event_type was validated
-- against them; every model counts events by role, never by a stage's name.
with source as (

    select * from run_funnel_stages

),

renamed as (

    select
        stage,
        cast(stage_order as integer) as stage_order,
        role,
        role in ('won', 'lost') as is_closed
    from source

)

select * from renamed
