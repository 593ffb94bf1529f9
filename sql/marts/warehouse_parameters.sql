-- warehouse_parameters: the night's model parameters as the models read them (run_parameters),
-- each with where its value came from, so that a published figure can be reproduced.
with sources as (

    select * from run_parameter_sources

),

night as (

    select business_date from run_parameters

),

final as (

    select
        night.business_date,
        sources.parameter,
        sources.type,
        sources.value,
        sources.default_value,
        sources.source
    from sources
    cross join night

)

select * from final
