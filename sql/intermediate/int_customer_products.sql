-- int_customer_products: which customer has bought which product (sale lines up to the business
-- date; returns left out): the baskets of the cross-sell rules and recommendations.
with params as (

    select * from run_parameters

),

customer_products as (

    select distinct o.customer_id, o.product_id
    from stg_orders o
    cross join params
    where not o.is_return
      and o.product_id is not null
      and o.order_date <= params.business_date

)

select * from customer_products
