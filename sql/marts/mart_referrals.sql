-- mart_referrals: the referral forest. Per customer: its referrer, the root of its chain and its
-- depth; per referrer: the customers and leads it referred (directly, and customers over the whole
-- subtree) and the revenue they brought (stg_orders, net of returns). Customers on a referral cycle
-- (mart_referral_cycles) are left out; a link to one of them is cut, so its referee becomes a root.
with recursive customers as (

    select customer_id, referrer_customer_id from stg_customers

),

cycle_members as (

    select customer_id from mart_referral_cycles

),

links as (

    -- usable referral links: neither end on a cycle
    select c.customer_id, c.referrer_customer_id
    from customers c
    where c.referrer_customer_id is not null
        and c.referrer_customer_id not in (select customer_id from cycle_members)

),

forest as (

    select * from customers
    where customer_id not in (select customer_id from cycle_members)

),

up (customer_id, ancestor_id, depth) as (

    select customer_id, customer_id, 0 from forest

    union all

    select u.customer_id, k.referrer_customer_id, u.depth + 1
    from up u
    join links k on k.customer_id = u.ancestor_id
    cross join run_parameters
    where u.depth < run_parameters.referral_max_depth

),

chain as (

    select
        customer_id,
        max(depth) as depth,
        max(case when is_top then ancestor_id end) as root_customer_id
    from (
        select u.*, u.depth = max(u.depth) over (partition by u.customer_id) as is_top from up u
    ) ranked
    group by customer_id

),

revenue as (

    select customer_id, sum(revenue) as revenue from stg_orders group by customer_id

),

descendants as (

    select
        u.ancestor_id as customer_id,
        count(case when u.depth = 1 then 1 end) as referred_customers,
        sum(case when u.depth = 1 then coalesce(r.revenue, 0) else 0 end) as referred_customers_revenue,
        count(*) as descendant_customers,
        sum(coalesce(r.revenue, 0)) as descendant_revenue
    from up u
    left join revenue r on r.customer_id = u.customer_id
    where u.depth >= 1
    group by u.ancestor_id

),

referred_leads as (

    select
        referrer_customer_id as customer_id,
        count(*) as referred_leads,
        count(case when status = 'won' then 1 end) as referred_leads_won
    from stg_leads
    where referrer_customer_id is not null
    group by referrer_customer_id

),

final as (

    select
        f.customer_id,
        f.referrer_customer_id,
        ch.root_customer_id,
        ch.depth,
        ch.depth = run_parameters.referral_max_depth
            and exists (select 1 from links k where k.customer_id = ch.root_customer_id) as chain_truncated,
        f.referrer_customer_id is not null
            and f.referrer_customer_id in (select customer_id from cycle_members) as referrer_on_cycle,
        cast(round(coalesce(r.revenue, 0), 2) as decimal(38, 2)) as revenue,
        coalesce(d.referred_customers, 0) as referred_customers,
        cast(round(coalesce(d.referred_customers_revenue, 0), 2) as decimal(38, 2)) as referred_customers_revenue,
        coalesce(d.descendant_customers, 0) as descendant_customers,
        cast(round(coalesce(d.descendant_revenue, 0), 2) as decimal(38, 2)) as descendant_revenue,
        coalesce(l.referred_leads, 0) as referred_leads,
        coalesce(l.referred_leads_won, 0) as referred_leads_won
    from forest f
    cross join run_parameters
    join chain ch on ch.customer_id = f.customer_id
    left join revenue r on r.customer_id = f.customer_id
    left join descendants d on d.customer_id = f.customer_id
    left join referred_leads l on l.customer_id = f.customer_id

)

select * from final
