-- mart_expenses: sales expenses by month, salesperson and category, so managers see what each
-- salesperson spends on what (and how much of it was spent on a named customer). Claims dated
-- after the business date are left out; amounts of different currencies are never added together.
with params as (

    select * from run_parameters

),

expenses as (

    select
        e.expense_month,
        coalesce(e.salesperson, '(none)') as salesperson,
        e.category,
        coalesce(e.currency, '(none)') as currency,
        e.customer_id,
        e.amount
    from stg_expenses e
    cross join params
    where e.expense_date <= params.business_date

),

final as (

    select
        expense_month as month,
        salesperson,
        category,
        currency,
        count(*) as claims,
        cast(round(sum(amount), 2) as decimal(38, 2)) as amount,
        count(customer_id) as customer_claims,
        cast(round(coalesce(sum(case when customer_id is not null then amount end), 0), 2) as decimal(38, 2)) as customer_amount,
        count(distinct customer_id) as customers
    from expenses
    group by expense_month, salesperson, category, currency

)

select * from final
