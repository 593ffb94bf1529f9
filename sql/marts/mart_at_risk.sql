-- mart_at_risk: the win-back list. Valuable customers (top churn_at_risk_top_share of buyers by
-- historical margin, or by revenue when the source has no costs at all) who have not bought for more than churn_at_risk_window_share of the inactivity
-- window, ranked by the margin per year the business stands to lose. status and days_to_churn are
-- about the inactivity window (the list's own rule); is_churned and p_alive add the configured
-- churn definition's verdict and the model's probability, for the salesperson.
with customers as (

    select * from int_customer_activity

),

contacts as (

    select * from stg_contacts

),

params as (

    select * from run_parameters

),

valued as (

    -- margin is the value where costs are known; a source without any costs (CDNOW, online
    -- retail) would otherwise have no valuable customer at all, so revenue stands in for it
    select
        *,
        case when bool_or(has_cost) over () then 'margin' else 'revenue' end as value_basis
    from customers

),

ranked as (

    select
        *,
        case when value_basis = 'margin' then margin else revenue end as value,
        case when value_basis = 'margin' then margin_per_year else revenue_per_year end as value_per_year,
        cast(row_number() over (
            order by case when value_basis = 'margin' then margin else revenue end desc, customer_id
        ) as bigint) as value_rank,
        count(*) over () as buyers
    from valued

),

last_contact as (

    select customer_id, contact_date, channel, salesperson
    from (
        select
            customer_id,
            contact_date,
            channel,
            salesperson,
            row_number() over (partition by customer_id order by contact_time desc, contact_id desc) as rn
        from contacts
    ) c
    where rn = 1

),

selected as (

    select r.*, params.churn_inactivity_days
    from ranked as r
    cross join params
    where r.value > 0
        and r.value_rank <= ceil(params.churn_at_risk_top_share * r.buyers)
        and r.days_since_last_purchase > params.churn_at_risk_window_share * params.churn_inactivity_days

),

final as (

    select
        cast(row_number() over (order by s.value_per_year desc, s.customer_id) as bigint) as at_risk_rank,
        s.customer_id,
        case when s.churned_by_inactivity then 'churned' else 'at_risk' end as status,
        s.value_per_year as value_at_stake,
        s.value_basis,
        s.margin,
        s.revenue,
        s.value_rank,
        s.owner_salesperson,
        s.acquisition_channel,
        s.region,
        s.last_purchase_date,
        s.days_since_last_purchase,
        s.churn_inactivity_days - s.days_since_last_purchase as days_to_churn,
        s.is_churned,
        s.p_alive,
        lc.contact_date as last_contact_date,
        lc.channel as last_contact_channel,
        lc.salesperson as last_contact_salesperson
    from selected as s
    left join last_contact as lc on lc.customer_id = s.customer_id

)

select * from final
