-- mart_ad_performance: the ad platforms' figures per ad, ad group, campaign and account (level)
-- and per day, week and month: impressions, clicks, spend, conversions and qualified conversions,
-- with CTR, CPC, CPM, conversion rate per click and cost per conversion / qualified conversion.
-- Unknown stays unknown: a sum over any NULL spend (or conversions) is NULL, not a partial sum;
-- known_spend and unknown_spend_days show what is known and how much is not. Every ratio with a
-- zero or unknown denominator (or an unknown numerator) is NULL.
with ads as (

    select
        report_date,
        platform,
        coalesce(account_id, '(none)') as account_id,
        coalesce(campaign_id, '(none)') as campaign_id,
        coalesce(ad_group_id, '(none)') as ad_group_id,
        ad_id,
        impressions,
        clicks,
        spend,
        conversions,
        qualified_conversions
    from stg_ad_performance

),

period_types as (

    select 'day' as period_type
    union all select 'week'
    union all select 'month'

),

ads_by_period as (

    select
        p.period_type,
        case p.period_type
            when 'day' then a.report_date
            when 'week' then week_start(a.report_date)
            else month_start(a.report_date)
        end as period_start,
        a.*
    from ads a
    cross join period_types p

),

-- one grouping set per level; the ids above a row's level are '(all)'
rolled_up as (

    select
        case
            when grouping(campaign_id) = 1 then 'account'
            when grouping(ad_group_id) = 1 then 'campaign'
            when grouping(ad_id) = 1 then 'ad_group'
            else 'ad'
        end as level,
        period_type,
        period_start,
        platform,
        account_id,
        case when grouping(campaign_id) = 1 then '(all)' else campaign_id end as campaign_id,
        case when grouping(ad_group_id) = 1 then '(all)' else ad_group_id end as ad_group_id,
        case when grouping(ad_id) = 1 then '(all)' else ad_id end as ad_id,
        count(*) as ad_days,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        -- NULL as soon as one day's spend (conversions) is unknown
        case when count(spend) = count(*) then sum(spend) end as spend,
        coalesce(sum(spend), 0) as known_spend,
        count(*) - count(spend) as unknown_spend_days,
        case when count(conversions) = count(*) then sum(conversions) end as conversions,
        case when count(qualified_conversions) = count(*) then sum(qualified_conversions) end as qualified_conversions
    from ads_by_period
    group by grouping sets (
        (period_type, period_start, platform, account_id, campaign_id, ad_group_id, ad_id),
        (period_type, period_start, platform, account_id, campaign_id, ad_group_id),
        (period_type, period_start, platform, account_id, campaign_id),
        (period_type, period_start, platform, account_id)
    )

),

final as (

    select
        level,
        period_type,
        period_start,
        platform,
        account_id,
        campaign_id,
        ad_group_id,
        ad_id,
        ad_days,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(spend as decimal(38, 4)) as spend,
        cast(known_spend as decimal(38, 4)) as known_spend,
        unknown_spend_days,
        cast(conversions as bigint) as conversions,
        cast(qualified_conversions as bigint) as qualified_conversions,
        -- rates of counts are not bounded by 1 (real exports have clicks > impressions)
        cast(round_double(safe_divide(clicks, impressions), 6) as decimal(18, 6)) as ctr,
        cast(round_double(safe_divide(spend, clicks), 4) as decimal(38, 4)) as cpc,
        cast(round_double(safe_divide(spend * 1000, impressions), 4) as decimal(38, 4)) as cpm,
        cast(round_double(safe_divide(conversions, clicks), 6) as decimal(18, 6)) as conversion_rate,
        cast(round_double(safe_divide(spend, conversions), 4) as decimal(38, 4)) as cost_per_conversion,
        cast(round_double(safe_divide(spend, qualified_conversions), 4) as decimal(38, 4)) as cost_per_qualified_conversion
    from rolled_up

)

select * from final
