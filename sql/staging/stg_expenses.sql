-- stg_expenses: the loaded expense claims, typed by the input contract (validated in the validate
-- step) and given the derived columns every later model needs.
with source as (

    select * from valid_expenses

),

renamed as (

    select
        -- ids
        expense_id,
        customer_id,
        -- strings
        category,
        salesperson,
        currency,
        description,
        -- numerics
        amount,
        -- dates
        expense_date,
        month_start(expense_date) as expense_month,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
