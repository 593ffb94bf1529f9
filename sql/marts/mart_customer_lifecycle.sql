-- mart_customer_lifecycle: where each known customer stands in the lifecycle at business_date
-- (DOMAIN.md section 2): potential, target, actual, loyal, churned or non-customer, by simple
-- documented rules on purchases and on what sales recorded, so the states can be counted and moved.
with customers as (

    select customer_id, owner_salesperson, churn_reason from stg_customers

),

buyers as (

    select * from int_customer_purchase_summary

),

everyone as (

    select customer_id from customers
    union
    select customer_id from buyers

),

final as (

    select
        everyone.customer_id,
        case
            when buyers.customer_id is not null
                and days_between(buyers.last_purchase_date, run_parameters.business_date) > run_parameters.value_lapsed_days then 'churned'
            when buyers.transactions >= run_parameters.value_loyal_min_purchases then 'loyal'
            when buyers.customer_id is not null then 'actual'
            when customers.churn_reason is not null then 'non-customer'
            when customers.owner_salesperson is not null then 'target'
            else 'potential'
        end as lifecycle_state,
        coalesce(buyers.transactions, 0) as purchase_days,
        buyers.first_purchase_date,
        buyers.last_purchase_date,
        days_between(buyers.last_purchase_date, run_parameters.business_date) as days_since_last_purchase,
        customers.owner_salesperson,
        customers.churn_reason
    from everyone
    cross join run_parameters
    left join customers on customers.customer_id = everyone.customer_id
    left join buyers on buyers.customer_id = everyone.customer_id

)

select * from final
