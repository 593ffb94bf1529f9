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
        case when length(c.phone_digits) >= params.dup_phone_key_digits
            then right(c.phone_digits, cast(params.dup_phone_key_digits as integer)) end as phone_key,
        nullif(lower(trim(c.email)), '') as email_key
    from (select *, regexp_remove(phone, '[^0-9]') as phone_digits from stg_customers) c
    cross join params

),

block_keys as (

    -- key kinds as numbers (1 phone, 2 e-mail, 3 name, 4 name prefix in a city): only the pairs
    -- leave this model, and numbers hash cheaper than names
    select customer_id, 1 as key_kind, phone_key as block_key from keyed where phone_key is not null
    union all
    select customer_id, 2, email_key from keyed where email_key is not null
    union all
    select customer_id, 3, name_key from keyed where name_key is not null
    union all
    -- typos after the first characters: the name's first 3 characters within one city
    select customer_id, 4, substring(name_key, 1, 3) || '|' || lower(trim(city))
    from keyed where name_key is not null and city is not null

),

-- the keys that pair someone: shared, and by no more than dup_max_block_size customers; most
-- keys belong to one customer and leave here, before the self-join
pairing_keys as (

    select b.key_kind, b.block_key
    from block_keys b
    cross join params
    group by b.key_kind, b.block_key, params.dup_max_block_size
    having count(*) between 2 and params.dup_max_block_size

),

blocks as (

    select b.customer_id, b.key_kind, b.block_key
    from block_keys b
    join pairing_keys k on k.key_kind = b.key_kind and k.block_key = b.block_key

),

pairs as (

    select distinct a.customer_id as customer_id, b.customer_id as duplicate_customer_id
    from blocks a
    join blocks b
      on a.key_kind = b.key_kind and a.block_key = b.block_key and a.customer_id < b.customer_id

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
