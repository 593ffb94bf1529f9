-- mart_duplicate_customers: pairs of customer records that are probably the same customer, so two
-- salespeople do not claim the same one. Blocking (only pairs sharing a key are compared): the last
-- N phone digits, the e-mail, or the first 3 characters of the normalised name; then a name
-- similarity (1 - edit distance / longer length) decides.
with params as (

    select * from run_parameters

),

normalised as (

    select
        c.customer_id,
        c.name,
        c.city,
        c.owner_salesperson,
        lower(replace(replace(replace(replace(replace(replace(trim(c.name), ' ', ''), '.', ''), '-', ''), '''', ''), ',', ''), '_', '')) as name_key,
        translate(c.phone, ' +-()./', '') as phone_digits,
        nullif(lower(trim(c.email)), '') as email_key
    from stg_customers c

),

keyed as (

    select
        n.*,
        case when length(n.phone_digits) >= params.dup_phone_key_digits
            then right(n.phone_digits, cast(params.dup_phone_key_digits as integer)) end as phone_key,
        substring(n.name_key, 1, 3) as name_block
    from normalised n
    cross join params

),

candidate_pairs as (

    select a.customer_id as id_a, b.customer_id as id_b
    from keyed a join keyed b on a.phone_key = b.phone_key and a.customer_id < b.customer_id
    union
    select a.customer_id, b.customer_id
    from keyed a join keyed b on a.email_key = b.email_key and a.customer_id < b.customer_id
    union
    select a.customer_id, b.customer_id
    from keyed a join keyed b on a.name_block = b.name_block and a.customer_id < b.customer_id

),

scored as (

    select
        a.customer_id,
        b.customer_id as duplicate_customer_id,
        a.name,
        b.name as duplicate_name,
        a.owner_salesperson,
        b.owner_salesperson as duplicate_owner_salesperson,
        greatest(0.0, 1.0 - cast(levenshtein(a.name_key, b.name_key) as double)
            / greatest(length(a.name_key), length(b.name_key), 1)) as name_similarity,
        coalesce(a.phone_key = b.phone_key, false) as phone_match,
        coalesce(a.email_key = b.email_key, false) as email_match,
        coalesce(lower(a.city) = lower(b.city), false) as same_city
    from candidate_pairs p
    join keyed a on a.customer_id = p.id_a
    join keyed b on b.customer_id = p.id_b

),

ruled as (

    select
        s.*,
        case
            when s.phone_match and s.name_similarity >= params.dup_name_similarity_with_contact then 'phone_and_name'
            when s.email_match and s.name_similarity >= params.dup_name_similarity_with_contact then 'email'
            when s.same_city and s.name_similarity >= params.dup_name_similarity_min then 'name_and_city'
        end as match_rule
    from scored s
    cross join params

),

final as (

    select
        customer_id,
        duplicate_customer_id,
        name,
        duplicate_name,
        match_rule,
        cast(round(name_similarity, 4) as decimal(9, 4)) as name_similarity,
        phone_match,
        email_match,
        same_city,
        owner_salesperson,
        duplicate_owner_salesperson,
        coalesce(owner_salesperson <> duplicate_owner_salesperson, false) as claim_conflict
    from ruled
    where match_rule is not null

)

select * from final
