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
        -- amounts in DECIMAL(38, 4): one line reaches quantity 1e6 x unit_price 1e8 = 1e14, which the
        -- inputs' DECIMAL(18, 4) cannot hold, and sums of many lines go far past it; widening the
        -- first factor makes every product and sum downstream 128-bit
        cast(round(case when order_type = 'return' then -1 else 1 end * cast(quantity as decimal(38, 4)) * unit_price * (1 - coalesce(discount, 0)), 4) as decimal(38, 4)) as revenue,
        cast(round(case when order_type = 'return' then -1 else 1 end * cast(quantity as decimal(38, 4)) * unit_cost, 4) as decimal(38, 4)) as cost,
        cast(round(case when order_type = 'return' then -1 else 1 end * (cast(quantity as decimal(38, 4)) * unit_price * (1 - coalesce(discount, 0)) - cast(quantity as decimal(38, 4)) * unit_cost), 4) as decimal(38, 4)) as margin,
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
