-- mart_survival: Kaplan-Meier survival curves, one per basis. 'purchases': customer lifetimes, overall
-- and by acquisition channel; lifetime = first purchase to churn date (event) or to the business date
-- (censored), in days. 'subscriptions': subscription tenures, overall, by plan and by contract type;
-- tenure = start to end_date (a cancellation, the event) or to the business date (censored), in days.
-- Set-based: S(t) = exp(sum ln(1 - d/n)) over event times <= t (0 once some d = n), Greenwood
-- variance S^2 x sum d / (n (n - d)), 95% band on the log-log scale (stays within 0..1).
with customers as (

    select * from int_customer_activity

),

params as (

    select business_date from run_parameters

),

lifetimes as (

    select
        c.customer_id,
        c.acquisition_channel,
        days_between(c.first_purchase_date, coalesce(c.churn_date, params.business_date)) as lifetime_days,
        case when c.is_churned then 1 else 0 end as is_event
    from customers as c
    cross join params

),

subscriptions as (

    select plan, contract_type, tenure_days, case when is_cancelled then 1 else 0 end as is_event
    from int_subscription_tenure

),

grouped as (

    select 'purchases' as basis, 'all' as group_type, 'all' as group_value, lifetime_days, is_event from lifetimes
    union all
    select 'purchases', 'channel', acquisition_channel, lifetime_days, is_event from lifetimes
    union all
    select 'subscriptions', 'all', 'all', tenure_days, is_event from subscriptions
    union all
    select 'subscriptions', 'plan', plan, tenure_days, is_event from subscriptions
    union all
    select 'subscriptions', 'contract_type', contract_type, tenure_days, is_event from subscriptions

),

per_time as (

    select
        basis,
        group_type,
        group_value,
        lifetime_days as time_days,
        count(*) as leaving,
        sum(is_event) as n_events,
        count(*) - sum(is_event) as n_censored
    from grouped
    group by 1, 2, 3, 4

),

at_risk as (

    -- n at risk at t = lifetimes >= t (censored at t still count as at risk at t)
    select
        *,
        sum(leaving) over (partition by basis, group_type, group_value order by time_days desc rows unbounded preceding) as n_at_risk,
        sum(leaving) over (partition by basis, group_type, group_value) as group_customers,
        sum(n_events) over (partition by basis, group_type, group_value) as group_events
    from per_time

),

event_times as (

    select * from at_risk where n_events > 0

),

accumulated as (

    select
        *,
        sum(case when n_events < n_at_risk then ln(1.0 - cast(n_events as double) / n_at_risk) else 0 end)
            over (partition by basis, group_type, group_value order by time_days rows unbounded preceding) as log_survival,
        max(case when n_events = n_at_risk then 1 else 0 end)
            over (partition by basis, group_type, group_value order by time_days rows unbounded preceding) as reached_zero,
        sum(case when n_events < n_at_risk then cast(n_events as double) / (n_at_risk * (n_at_risk - n_events)) else 0 end)
            over (partition by basis, group_type, group_value order by time_days rows unbounded preceding) as greenwood_sum
    from event_times

),

estimated as (

    select
        *,
        case when reached_zero = 1 then 0.0 else exp(log_survival) end as survival,
        -- log-log standard error: sqrt(greenwood_sum) / |ln S|
        case when reached_zero = 0 then sqrt(greenwood_sum) / abs(log_survival) end as loglog_se
    from accumulated

),

medians as (

    -- exp(sum ln) carries float error (exp(ln 2/3 + ln 3/4) = 0.5000000000000001): compare at 1e-9
    select basis, group_type, group_value, min(time_days) as median_lifetime_days
    from estimated
    where survival <= 0.5 + 1e-9
    group by 1, 2, 3

),

final as (

    select
        e.group_type,
        e.group_value,
        e.time_days,
        cast(e.n_at_risk as bigint) as n_at_risk,
        cast(e.n_events as bigint) as n_events,
        cast(e.n_censored as bigint) as n_censored,
        cast(round_double(e.survival, 6) as decimal(12, 6)) as survival,
        cast(round_double(case when e.reached_zero = 0 then e.survival * e.survival * e.greenwood_sum end, 8) as decimal(16, 8)) as greenwood_variance,
        cast(round_double(case when e.reached_zero = 0 then power(e.survival, exp(1.959964 * e.loglog_se)) end, 6) as decimal(12, 6)) as ci_lower,
        cast(round_double(case when e.reached_zero = 0 then power(e.survival, exp(-1.959964 * e.loglog_se)) end, 6) as decimal(12, 6)) as ci_upper,
        m.median_lifetime_days,
        cast(e.group_customers as bigint) as group_customers,
        cast(e.group_events as bigint) as group_events,
        e.basis
    from estimated as e
    left join medians as m on m.basis = e.basis and m.group_type = e.group_type and m.group_value = e.group_value

)

select * from final
