-- stg_payments: the loaded payments rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_payments

),

renamed as (

    select
        -- ids
        invoice_id,
        customer_id,
        order_id,
        -- strings
        method,
        salesperson,
        -- numerics
        amount,
        paid_amount,
        coalesce(paid_amount, 0) as paid,
        amount - coalesce(paid_amount, 0) as outstanding,
        -- dates
        issue_date,
        due_date,
        paid_date,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
