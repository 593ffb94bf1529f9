-- mart_referral_cycles: customers whose referral chain leads back to themselves (A referred B who
-- referred A, or a self-referral). Such links are bad data; these customers are left out of the
-- referral forest (mart_referrals) so that nobody's chain loops.
with walk as (

    select * from int_referral_walk

),

on_cycle as (

    select customer_id, depth as cycle_length
    from walk
    where ancestor_id = customer_id

),

final as (

    select
        o.customer_id,
        c.referrer_customer_id,
        (select min(w.ancestor_id) from walk w where w.customer_id = o.customer_id) as cycle_id,
        o.cycle_length
    from on_cycle o
    join stg_customers c on c.customer_id = o.customer_id

)

select * from final
