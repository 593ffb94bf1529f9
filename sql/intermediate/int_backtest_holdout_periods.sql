-- int_backtest_holdout_periods: the transactions of the back-test's customers in each period of
-- the holdout (period k = the days (calibration_end + (k-1) units, calibration_end + k units]),
-- for the cumulative actual-vs-expected tracking of mart_model_backtest.
with holdout as (

    select distinct calibration_end, holdout_periods, time_unit
    from int_customer_backtest_summary

),

parameters as (

    select
        holdout.calibration_end,
        holdout.holdout_periods,
        holdout.time_unit,
        case holdout.time_unit
            when 'day' then 1.0
            when 'week' then 7.0
            when 'month' then 365.25 / 12
        end as unit_days,
        run_parameters.business_date
    from holdout
    cross join run_parameters

),

transactions as (

    select distinct
        stg_orders.customer_id,
        stg_orders.order_date
    from stg_orders
    inner join int_customer_backtest_summary as customers
        on customers.customer_id = stg_orders.customer_id
    cross join parameters
    where not stg_orders.is_return
        and stg_orders.order_date > parameters.calibration_end
        and stg_orders.order_date <= parameters.business_date

),

final as (

    select
        least(cast(ceil(days_between(parameters.calibration_end, transactions.order_date) / parameters.unit_days) as integer),
              parameters.holdout_periods) as period,
        parameters.time_unit,
        count(*) as transactions,
        count(distinct transactions.customer_id) as customers
    from transactions
    cross join parameters
    group by 1, 2

)

select * from final
