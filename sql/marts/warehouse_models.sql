-- warehouse_models: the version of every model that built tonight's tables (and of the engine
-- seam), so that a published figure can be traced to the code that made it.
with versions as (

    select * from run_model_versions

),

night as (

    select business_date from run_parameters

),

final as (

    select
        night.business_date,
        versions.model,
        versions.layer,
        versions.kind,
        versions.version
    from versions
    cross join night

)

select * from final
