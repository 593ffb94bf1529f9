-- mart_reminders: the day's to-do list for salespeople, one row per action due on the business
-- date: follow-ups (due today or tomorrow, or overdue), customers gone quiet, invoices falling due,
-- birthdays and important dates, renewals. Each row carries a priority (1 high .. 3 low) and the
-- customer's value tier (mart_customer_value): VIP customers' reminders are one level more urgent.
with params as (

    select * from run_parameters

),

customers as (

    select * from stg_customers

),

latest_contact as (

    -- a customer's live follow-up plan is the one written on their latest contact
    select * from (
        select
            ct.*,
            row_number() over (partition by ct.customer_id order by ct.contact_time desc, ct.contact_id desc) as rn
        from stg_contacts ct
        cross join params
        where ct.contact_date <= params.business_date
    ) ranked
    where rn = 1

),

follow_ups as (

    select
        case when lc.next_contact_date < params.business_date then 'follow_up_overdue' else 'contact_due' end as reminder_type,
        lc.customer_id,
        lc.salesperson as fallback_salesperson,
        lc.contact_id as reference_id,
        lc.next_contact_date as due_date,
        'last contact ' || cast(lc.contact_date as string) || ' by ' || lc.channel as detail,
        cast(null as decimal(38, 2)) as amount
    from latest_contact lc
    cross join params
    where lc.next_contact_date is not null
      and days_between(params.business_date, lc.next_contact_date) <= 1

),

last_sale as (

    select o.customer_id, max(o.order_date) as last_order_date
    from stg_orders o
    cross join params
    where not o.is_return
      and o.order_date <= params.business_date
    group by o.customer_id

),

quiet_customers as (

    select
        'no_recent_order' as reminder_type,
        c.customer_id,
        cast(null as string) as fallback_salesperson,
        'last_order' as reference_id,
        params.business_date as due_date,
        case when s.last_order_date is null
            then 'no order since created ' || cast(cast(c.created_at as date) as string)
            else 'last order ' || cast(s.last_order_date as string) || ', '
                 || cast(days_between(s.last_order_date, params.business_date) as string) || ' days ago'
        end as detail,
        cast(null as decimal(38, 2)) as amount
    from customers c
    cross join params
    left join last_sale s on s.customer_id = c.customer_id
    where days_between(coalesce(s.last_order_date, cast(c.created_at as date)), params.business_date) >= params.no_order_days

),

receivables_due as (

    select
        'receivable_due' as reminder_type,
        p.customer_id,
        p.salesperson as fallback_salesperson,
        p.invoice_id as reference_id,
        p.due_date,
        'invoice ' || p.invoice_id || ' due' as detail,
        cast(p.outstanding as decimal(38, 2)) as amount
    from stg_payments p
    cross join params
    where p.outstanding > 0
      and days_between(params.business_date, p.due_date) between 0 and params.receivable_due_days

),

yearly_dates as (

    select customer_id, 'birthday' as reminder_type, birth_date as base_date, cast(null as string) as label from customers where birth_date is not null
    union all
    select customer_id, 'important_date', important_date, important_date_label from customers where important_date is not null

),

anniversary_candidates as (

    -- this year's and next year's occurrence; 29 February falls on 28 February in common years
    select
        y.customer_id, y.reminder_type, y.base_date, y.label, yr.occ_year,
        case
            when extract(month from y.base_date) = 2 and extract(day from y.base_date) = 29
                 and not (yr.occ_year % 4 = 0 and (yr.occ_year % 100 <> 0 or yr.occ_year % 400 = 0))
            then make_date(yr.occ_year, 2, 28)
            else make_date(yr.occ_year, extract(month from y.base_date), extract(day from y.base_date))
        end as occurrence
    from yearly_dates y
    cross join (
        select cast(extract(year from business_date) as integer) as occ_year from params
        union all
        select cast(extract(year from business_date) as integer) + 1 from params
    ) yr

),

next_anniversary as (

    select a.*
    from anniversary_candidates a
    cross join params
    where days_between(params.business_date, a.occurrence) between 0 and params.birthday_days
      -- the base date itself must have happened (no reminder for a first occurrence in the future)
      and a.occurrence >= a.base_date

),

anniversaries as (

    select
        reminder_type,
        customer_id,
        cast(null as string) as fallback_salesperson,
        reminder_type as reference_id,
        occurrence as due_date,
        case when reminder_type = 'birthday'
            then 'turns ' || cast(occ_year - cast(extract(year from base_date) as integer) as string)
            else coalesce(label, 'important date') || ' (' || cast(occ_year - cast(extract(year from base_date) as integer) as string) || ' years)'
        end as detail,
        cast(null as decimal(38, 2)) as amount
    from next_anniversary

),

renewals as (

    select
        'renewal' as reminder_type,
        c.customer_id,
        cast(null as string) as fallback_salesperson,
        'renewal_date' as reference_id,
        c.renewal_date as due_date,
        'renewal' as detail,
        cast(null as decimal(38, 2)) as amount
    from customers c
    cross join params
    where days_between(params.business_date, c.renewal_date) between 0 and params.renewal_days

),

all_reminders as (

    select * from follow_ups
    union all select * from quiet_customers
    union all select * from receivables_due
    union all select * from anniversaries
    union all select * from renewals

),

tiers as (

    select customer_id, value_tier from mart_customer_value

),

final as (

    select
        params.business_date,
        r.reminder_type,
        r.customer_id,
        c.name as customer_name,
        t.value_tier as customer_tier,
        coalesce(c.owner_salesperson, r.fallback_salesperson, '(none)') as owner_salesperson,
        r.reference_id,
        r.due_date,
        days_between(params.business_date, r.due_date) as days_until_due,
        r.detail,
        r.amount,
        greatest(1, case
            when r.reminder_type = 'no_recent_order' then 3
            when days_between(params.business_date, r.due_date) <= 0 then 1
            when days_between(params.business_date, r.due_date) <= params.reminder_soon_days then 2
            else 3
        end - case when t.value_tier = 'VIP' then 1 else 0 end) as priority
    from all_reminders r
    cross join params
    join customers c on c.customer_id = r.customer_id
    left join tiers t on t.customer_id = r.customer_id

)

select * from final
