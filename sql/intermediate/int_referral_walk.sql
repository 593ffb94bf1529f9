-- int_referral_walk: every customer with a referrer, walked up the referral links
-- (customers.referrer_customer_id) one step per row, at most referral_max_depth steps. A walk stops
-- when it comes back to its starting customer: that customer is on a referral cycle (bad data).
-- The recursion is standard SQL (WITH RECURSIVE); the depth cap keeps cycles from looping.
with recursive customers as (

    select customer_id, referrer_customer_id from stg_customers

),

walk (customer_id, ancestor_id, depth) as (

    select customer_id, referrer_customer_id, 1
    from customers
    where referrer_customer_id is not null

    union all

    select w.customer_id, p.referrer_customer_id, w.depth + 1
    from walk w
    join customers p on p.customer_id = w.ancestor_id
    cross join run_parameters
    where p.referrer_customer_id is not null
        and w.ancestor_id <> w.customer_id
        and w.depth < run_parameters.referral_max_depth

)

select customer_id, ancestor_id, depth from walk
