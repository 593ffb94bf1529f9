-- stg_orders: the loaded orders rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_orders

),

renamed as (

    select
        -- ids
        order_id,
        line_no,
        customer_id,
        product_id,
        -- strings
        order_type,
        product_name,
        category,
        channel,
        salesperson,
        department,
        -- numerics
        quantity,
        unit_price,
        unit_cost,
        discount,
        coalesce(discount, 0) as discount_rate,
        cast(round(case when order_type = 'return' then -1 else 1 end * quantity * unit_price * (1 - coalesce(discount, 0)), 4) as decimal(18, 4)) as revenue,
        cast(round(case when order_type = 'return' then -1 else 1 end * quantity * unit_cost, 4) as decimal(18, 4)) as cost,
        cast(round(case when order_type = 'return' then -1 else 1 end * (quantity * unit_price * (1 - coalesce(discount, 0)) - quantity * unit_cost), 4) as decimal(18, 4)) as margin,
        -- booleans
        order_type = 'return' as is_return,
        -- dates
        cast(order_time as date) as order_date,
        -- timestamps
        order_time,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
