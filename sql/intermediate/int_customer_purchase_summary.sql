-- int_customer_purchase_summary: each buying customer's purchase history up to business_date in the
-- notation of the "buy till you die" models (x, t_x, T) plus the money figures the value marts need.
-- The transactions are int_customer_transactions' (a customer's sales on one calendar day; returns
-- are not purchases); the margins read the sale lines themselves.
with sales as (

    select * from stg_orders
    where not is_return

),

parameters as (

    select
        business_date,
        value_time_unit,
        case value_time_unit
            when 'day' then 1.0
            when 'week' then 7.0
            when 'month' then 365.25 / 12
        end as unit_days
    from run_parameters

),

per_customer as (

    select
        customer_id,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date,
        count(*) as transactions,
        sum(revenue) as sales_revenue,
        avg(case when transaction_no > 1 then revenue end) as repeat_mean_revenue
    from int_customer_transactions
    group by 1

),

margins as (

    select
        customer_id,
        sum(case when margin is not null then revenue end) as costed_revenue,
        sum(margin) as margin
    from sales
    group by 1

),

overall as (

    -- from the customers' sums, not another pass over the sale lines: DECIMAL sums are exact
    select safe_divide(sum(margin), sum(costed_revenue)) as margin_rate
    from margins

),

final as (

    select
        per_customer.customer_id,
        per_customer.first_purchase_date,
        per_customer.last_purchase_date,
        per_customer.transactions,
        per_customer.transactions - 1 as frequency,
        cast(days_between(per_customer.first_purchase_date, per_customer.last_purchase_date) / parameters.unit_days as double) as recency,
        cast(days_between(per_customer.first_purchase_date, parameters.business_date) / parameters.unit_days as double) as age,
        parameters.value_time_unit as time_unit,
        cast(per_customer.sales_revenue as decimal(38, 4)) as sales_revenue,
        cast(per_customer.repeat_mean_revenue as double) as repeat_mean_revenue,
        cast(coalesce(safe_divide(margins.margin, margins.costed_revenue), overall.margin_rate) as double) as margin_rate
    from per_customer
    cross join parameters
    cross join overall
    left join margins on margins.customer_id = per_customer.customer_id

)

select * from final
