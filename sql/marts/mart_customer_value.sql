-- mart_customer_value: every buying customer's value, split as the CRM texts do into historical
-- (realised margin), current (margin of the last 12 months) and potential (model LTV), placed on the
-- current x potential 2x2, given a value tier (VIP / major / ordinary / small) and loyalty measures,
-- and flagged when a big customer is not a good one (bad debt, late payment, costly to serve).
-- Value is margin where costs are known; a source without any unit cost (CDNOW, online retail)
-- would rank everyone at 0, so revenue stands in for it (value_basis), as in mart_at_risk.
with purchases as (

    select * from int_customer_purchase_summary

),

model as (

    select * from int_customer_value_model

),

order_lines as (

    select stg_orders.*
    from stg_orders
    cross join run_parameters
    where stg_orders.order_date <= run_parameters.business_date

),

money as (

    select
        order_lines.customer_id,
        sum(order_lines.revenue) as historical_revenue,
        sum(order_lines.margin) as historical_margin,
        sum(case when days_between(order_lines.order_date, run_parameters.business_date) < 365 then order_lines.margin end) as current_margin,
        sum(case when days_between(order_lines.order_date, run_parameters.business_date) < 365 then order_lines.revenue end) as current_revenue,
        count(distinct case when not order_lines.is_return then order_lines.order_id end) as sale_orders,
        count(distinct case when not order_lines.is_return and order_lines.discount_rate > 0 then order_lines.order_id end) as discounted_orders
    from order_lines
    cross join run_parameters
    group by 1

),

receivables as (

    select
        stg_payments.customer_id,
        count(*) as invoices,
        count(case when stg_payments.paid_date > stg_payments.due_date
            or (stg_payments.outstanding > 0 and stg_payments.due_date < run_parameters.business_date) then 1 end) as late_invoices,
        count(case when stg_payments.outstanding > 0
            and days_between(stg_payments.due_date, run_parameters.business_date) > run_parameters.value_bad_debt_days then 1 end) as bad_debt_invoices
    from stg_payments
    cross join run_parameters
    group by 1

),

contact_load as (

    select
        stg_contacts.customer_id,
        count(*) as contacts_12m
    from stg_contacts
    cross join run_parameters
    where days_between(stg_contacts.contact_date, run_parameters.business_date) between 0 and 364
    group by 1

),

joined as (

    select
        purchases.customer_id,
        coalesce(money.historical_revenue, 0) as historical_revenue,
        money.historical_margin,
        coalesce(money.current_margin, 0) as current_margin,
        coalesce(money.current_revenue, 0) as current_revenue,
        -- margin_rate is NULL for every customer exactly when no sale has a unit cost
        case when bool_or(purchases.margin_rate is not null) over () then 'margin' else 'revenue' end as value_basis,
        model.ltv as potential_value,
        model.prediction_note as potential_note,
        model.p_alive,
        model.expected_purchases,
        purchases.frequency as repeat_purchases,
        safe_divide(days_between(purchases.first_purchase_date, purchases.last_purchase_date), purchases.frequency) as mean_days_between_purchases,
        safe_divide(money.discounted_orders, money.sale_orders) as discount_purchase_share,
        coalesce(receivables.invoices, 0) as invoices,
        coalesce(receivables.late_invoices, 0) as late_invoices,
        coalesce(receivables.bad_debt_invoices, 0) as bad_debt_invoices,
        coalesce(contact_load.contacts_12m, 0) as contacts_12m
    from purchases
    left join money on money.customer_id = purchases.customer_id
    left join model on model.customer_id = purchases.customer_id
    left join receivables on receivables.customer_id = purchases.customer_id
    left join contact_load on contact_load.customer_id = purchases.customer_id

),

valued as (

    select
        joined.*,
        case when value_basis = 'margin' then coalesce(historical_margin, 0) else historical_revenue end
            + coalesce(potential_value, 0) as value_score,
        case when value_basis = 'margin' then current_margin else current_revenue end as current_value
    from joined

),

medians as (

    select
        percentile_cont(0.5) within group (order by current_value) as current_median,
        percentile_cont(0.5) within group (order by potential_value) as potential_median,
        count(*) as customers
    from valued

),

ranked as (

    select
        valued.*,
        medians.current_median,
        medians.potential_median,
        row_number() over (order by valued.value_score desc, valued.customer_id) * 1.0 / medians.customers as value_rank_share
    from valued
    cross join medians

),

final as (

    select
        ranked.customer_id,
        cast(round(historical_revenue, 2) as decimal(38, 2)) as historical_revenue,
        cast(round(historical_margin, 2) as decimal(38, 2)) as historical_margin,
        cast(round(current_margin, 2) as decimal(38, 2)) as current_margin,
        cast(round_double(potential_value, 2) as decimal(38, 2)) as potential_value,
        p_alive,
        expected_purchases,
        case
            when potential_value is null then null
            when current_value >= current_median and potential_value >= potential_median then 'high current, high potential'
            when current_value >= current_median then 'high current, low potential'
            when potential_value >= potential_median then 'low current, high potential'
            else 'low current, low potential'
        end as value_quadrant,
        cast(round_double(value_score, 2) as decimal(38, 2)) as value_score,
        case
            when value_rank_share <= value_vip_share then 'VIP'
            when value_rank_share <= value_major_share then 'major'
            when value_rank_share <= value_ordinary_share then 'ordinary'
            else 'small'
        end as value_tier,
        repeat_purchases,
        cast(round_double(mean_days_between_purchases, 2) as double) as mean_days_between_purchases,
        cast(round_double(discount_purchase_share, 4) as double) as discount_purchase_share,
        invoices,
        late_invoices,
        contacts_12m,
        bad_debt_invoices > 0 as flag_bad_debt,
        invoices >= 2 and late_invoices > value_late_payer_share * invoices as flag_late_payer,
        current_value < current_median and contacts_12m >= value_high_contact_count as flag_costly_to_serve,
        value_basis,
        potential_note
    from ranked
    cross join run_parameters

)

select * from final
