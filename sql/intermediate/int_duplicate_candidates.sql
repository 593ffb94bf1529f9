-- int_duplicate_candidates: the customer pairs worth comparing for mart_duplicate_customers
-- (blocking). Only customers sharing a key are paired, never every customer with every other:
-- the last dup_phone_key_digits digits of the phone, the e-mail (case-insensitive), the
-- normalised name (lower case, without spaces and punctuation), or its first 3 characters within
-- the same city. Keys shared by more than
-- dup_max_block_size customers (a switchboard number, a role mailbox, a very common name) pair
-- nobody, so the cost stays linear in the customers. The Java model scores the pairs.
with params as (

    select * from run_parameters

),

keyed as (

    select
        c.customer_id,
        c.name,
        c.phone,
        c.email,
        c.city,
        c.address,
        c.birth_date,
        c.owner_salesperson,
        nullif(regexp_remove(lower(trim(c.name)), '[[:space:][:punct:]·・、，。（）]'), '') as name_key,
        case when length(regexp_remove(c.phone, '[^0-9]')) >= params.dup_phone_key_digits
            then right(regexp_remove(c.phone, '[^0-9]'), cast(params.dup_phone_key_digits as integer)) end as phone_key,
        nullif(lower(trim(c.email)), '') as email_key
    from stg_customers c
    cross join params

),

block_keys as (

    select customer_id, 'phone' as key_kind, phone_key as block_key from keyed where phone_key is not null
    union all
    select customer_id, 'email', email_key from keyed where email_key is not null
    union all
    select customer_id, 'name', name_key from keyed where name_key is not null
    union all
    -- typos after the first characters: the name's first 3 characters within one city
    select customer_id, 'name_prefix', substring(name_key, 1, 3) || '|' || lower(trim(city))
    from keyed where name_key is not null and city is not null

),

blocks as (

    select b.*, count(*) over (partition by b.key_kind, b.block_key) as block_size
    from block_keys b

),

pairs as (

    select distinct a.customer_id as customer_id, b.customer_id as duplicate_customer_id
    from blocks a
    join blocks b
      on a.key_kind = b.key_kind and a.block_key = b.block_key and a.customer_id < b.customer_id
    cross join params
    where a.block_size <= params.dup_max_block_size

),

final as (

    select
        p.customer_id,
        p.duplicate_customer_id,
        a.name,
        b.name as duplicate_name,
        a.phone_key,
        b.phone_key as duplicate_phone_key,
        a.email_key,
        b.email_key as duplicate_email_key,
        a.city,
        b.city as duplicate_city,
        a.address,
        b.address as duplicate_address,
        a.birth_date,
        b.birth_date as duplicate_birth_date,
        a.owner_salesperson,
        b.owner_salesperson as duplicate_owner_salesperson
    from pairs p
    join keyed a on a.customer_id = p.customer_id
    join keyed b on b.customer_id = p.duplicate_customer_id

)

select * from final
