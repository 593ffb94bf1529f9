-- int_subscription_tenure: each subscription's tenure at the business date, in days and in whole
-- billing periods. Cancelled (ended by the business date) = an event at its end_date; active =
-- censored at the business date. Periods are calendar months (month 1, quarter 3, year 12) or days
-- (day 1, week 7): tenure_periods = the largest k with start_date + k periods <= the observed end.
-- churn_period (the sBG model's T) is the period in which a cancelled subscription ended: the
-- smallest t >= 1 with start_date + t periods >= end_date.
with subscriptions as (

    select * from stg_subscriptions

),

params as (

    select business_date from run_parameters

),

observed as (

    select
        s.*,
        case when s.is_cancelled then s.end_date else params.business_date end as observed_end
    from subscriptions as s
    cross join params

),

candidate as (

    -- the whole periods within the calendar months (or days) between start and observed end;
    -- one more or one fewer than the true count at most, settled below
    select
        *,
        days_between(start_date, observed_end) as tenure_days,
        case when period_months is not null
             then cast(floor(((extract(year from observed_end) - extract(year from start_date)) * 12
                              + extract(month from observed_end) - extract(month from start_date))
                             / cast(period_months as double)) as bigint)
             else cast(floor(days_between(start_date, observed_end) / cast(period_days as double)) as bigint)
        end as whole_periods
    from observed

),

settled as (

    select
        *,
        case when period_months is null then whole_periods
             when add_months(start_date, whole_periods * period_months) <= observed_end then whole_periods
             else whole_periods - 1
        end as tenure_periods
    from candidate

),

final as (

    select
        subscription_id,
        customer_id,
        plan,
        contract_type,
        billing_period,
        month_start(start_date) as cohort_month,
        start_date,
        observed_end,
        is_cancelled,
        tenure_days,
        tenure_periods,
        case when not is_cancelled then null
             when tenure_periods >= 1 and (case when period_months is not null
                                                 then add_months(start_date, tenure_periods * period_months)
                                                 else add_days(start_date, tenure_periods * period_days) end) = observed_end
                 then tenure_periods
             else tenure_periods + 1
        end as churn_period,
        recurring_amount
    from settled

)

select * from final
