-- mart_performance_cube: revenue, cost, margin and customers by customer value tier x product
-- category x department x salesperson x region x channel x month, with subtotals (GROUPING SETS):
-- the full detail, tier x category x department, salesperson x region x channel x month, each
-- dimension by month, each dimension over all months, the month totals and the grand total.
-- The tier is the customer's value_tier in mart_customer_value ('(none)' without one).
-- Real NULLs become '(none)' before grouping, so a NULL in a dimension column always means
-- "rolled up" (all values), never "unknown".
with order_lines as (

    select
        coalesce(o.category, '(none)') as category,
        coalesce(o.department, '(none)') as department,
        coalesce(o.salesperson, '(none)') as salesperson,
        coalesce(c.region, '(none)') as region,
        coalesce(v.value_tier, '(none)') as customer_tier,
        coalesce(o.channel, '(none)') as channel,
        month_start(o.order_date) as month,
        o.customer_id,
        o.revenue,
        o.cost,
        o.margin
    from stg_orders o
    left join stg_customers c on c.customer_id = o.customer_id
    left join mart_customer_value v on v.customer_id = o.customer_id

),

cube as (

    select
        month, customer_tier, category, department, salesperson, region, channel,
        cast(grouping(month) * 64 + grouping(customer_tier) * 32 + grouping(category) * 16 + grouping(department) * 8
            + grouping(salesperson) * 4 + grouping(region) * 2 + grouping(channel) as bigint) as grouping_id,
        count(distinct customer_id) as customers,
        count(*) as order_lines,
        sum(revenue) as revenue,
        sum(cost) as cost,
        sum(margin) as margin
    from order_lines
    group by grouping sets (
        (month, customer_tier, category, department, salesperson, region, channel),
        (customer_tier, category, department),
        (month, salesperson, region, channel),
        (month, customer_tier), (month, category), (month, department), (month, salesperson), (month, region), (month, channel),
        (customer_tier), (category), (department), (salesperson), (region), (channel),
        (month),
        ()
    )
    -- no orders at all: no grand-total row of NULLs
    having count(*) > 0

),

final as (

    select
        grouping_id,
        case
            when grouping_id = 0 then 'detail'
            when grouping_id = 127 then 'total'
            else concat_ws(',',
                case when month is not null then 'month' end,
                case when customer_tier is not null then 'customer_tier' end,
                case when category is not null then 'category' end,
                case when department is not null then 'department' end,
                case when salesperson is not null then 'salesperson' end,
                case when region is not null then 'region' end,
                case when channel is not null then 'channel' end)
        end as grouping_level,
        month,
        customer_tier,
        category,
        department,
        salesperson,
        region,
        channel,
        customers,
        order_lines,
        cast(round(revenue, 2) as decimal(38, 2)) as revenue,
        cast(round(cost, 2) as decimal(38, 2)) as cost,
        cast(round(margin, 2) as decimal(38, 2)) as margin
    from cube

)

select * from final
