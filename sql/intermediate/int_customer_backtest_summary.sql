-- int_customer_backtest_summary: the back-test's split of each customer's history at the
-- calibration end (business_date minus the holdout): (x, t_x, T) and the mean repeat spend up to
-- the calibration end, over the transactions int_customer_purchase_summary counts
-- (int_customer_transactions: one per customer-day of sales, returns left out), and the transactions and
-- revenue of the holdout (calibration end, business_date]. Only customers whose first purchase is
-- on or before the calibration end are in it: the models predict the customers they have seen.
with parameters as (

    select
        business_date,
        value_time_unit,
        unit_days,
        holdout_periods,
        add_days(business_date, -cast(round(holdout_periods * unit_days) as integer)) as calibration_end
    from (
        select
            business_date,
            value_time_unit,
            case value_time_unit
                when 'day' then 1.0
                when 'week' then 7.0
                when 'month' then 365.25 / 12
            end as unit_days,
            case
                when value_backtest_holdout_periods < 0 then value_horizon_periods
                else value_backtest_holdout_periods
            end as holdout_periods
        from run_parameters
    ) as declared
    where holdout_periods > 0

),

ranked as (

    select
        t.*,
        t.order_date <= parameters.calibration_end as is_calibration
    from int_customer_transactions t
    cross join parameters

),

per_customer as (

    select
        customer_id,
        min(order_date) as first_purchase_date,
        max(case when is_calibration then order_date end) as last_calibration_date,
        count(case when is_calibration then 1 end) as calibration_transactions,
        avg(case when is_calibration and transaction_no > 1 then revenue end) as repeat_mean_revenue,
        count(case when not is_calibration then 1 end) as holdout_transactions,
        sum(case when not is_calibration then revenue else 0 end) as holdout_revenue
    from ranked
    group by 1

),

final as (

    select
        per_customer.customer_id,
        per_customer.first_purchase_date,
        parameters.calibration_end,
        cast(parameters.holdout_periods as integer) as holdout_periods,
        cast(days_between(parameters.calibration_end, parameters.business_date) / parameters.unit_days as double) as holdout_length,
        parameters.value_time_unit as time_unit,
        per_customer.calibration_transactions - 1 as frequency,
        cast(days_between(per_customer.first_purchase_date, per_customer.last_calibration_date) / parameters.unit_days as double) as recency,
        cast(days_between(per_customer.first_purchase_date, parameters.calibration_end) / parameters.unit_days as double) as age,
        cast(per_customer.repeat_mean_revenue as double) as repeat_mean_revenue,
        per_customer.holdout_transactions,
        cast(per_customer.holdout_revenue as decimal(38, 4)) as holdout_revenue
    from per_customer
    cross join parameters
    where per_customer.first_purchase_date <= parameters.calibration_end

)

select * from final
