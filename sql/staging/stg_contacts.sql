-- stg_contacts: the loaded contacts rows, typed by the input contract (validated in the validate step)
-- and given the derived columns every later model needs.
with source as (

    select * from valid_contacts

),

renamed as (

    select
        -- ids
        contact_id,
        customer_id,
        -- strings
        channel,
        salesperson,
        summary,
        -- dates
        next_contact_date,
        cast(contact_time as date) as contact_date,
        -- timestamps
        contact_time,
        -- lineage
        _line as source_line

    from source

)

select * from renamed
