-- stg_ad_performance: the loaded ad_performance rows (one per ad per day), typed by the input
-- contract (validated in the validate step). The contract's `date` is report_date here: a column
-- named after a type is awkward in every SQL dialect.
with source as (

    select * from valid_ad_performance

),

renamed as (

    select
        -- ids
        platform,
        account_id,
        campaign_id,
        ad_group_id,
        ad_id,
        -- numerics (spend, conversions and qualified_conversions may be NULL: unknown)
        impressions,
        clicks,
        spend,
        conversions,
        qualified_conversions,
        -- targeting
        age_band,
        gender,
        interest,
        placement,
        device,
        -- dates
        date as report_date,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
