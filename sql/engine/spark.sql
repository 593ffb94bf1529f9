-- Engine functions the models use, defined for Spark SQL (SQL UDFs, Spark 4): the counterpart of
-- sql/engine/duckdb.sql, the same names with the same meaning. DuckDB's macros are untyped; these
-- declare the types the models pass (a timestamp argument is cast to DATE as DuckDB's macro does).

-- Whole days from start_date to end_date (negative when end is earlier), BIGINT as DuckDB's date_diff.
CREATE OR REPLACE TEMPORARY FUNCTION days_between(start_date DATE, end_date DATE) RETURNS BIGINT
    RETURN CAST(datediff(end_date, start_date) AS BIGINT);

-- The first day of the month / ISO week (Monday) containing a date or timestamp.
CREATE OR REPLACE TEMPORARY FUNCTION month_start(d DATE) RETURNS DATE RETURN trunc(d, 'MM');
CREATE OR REPLACE TEMPORARY FUNCTION week_start(d DATE) RETURNS DATE RETURN trunc(d, 'WEEK');

-- a / b, or NULL when b is zero or NULL. DOUBLE like DuckDB's '/', which divides integers and
-- decimals in DOUBLE.
CREATE OR REPLACE TEMPORARY FUNCTION safe_divide(a DOUBLE, b DOUBLE) RETURNS DOUBLE
    RETURN CASE WHEN b IS NULL OR b = 0 THEN NULL ELSE a / b END;

-- A date moved by n days. add_months(d, n) is Spark's own function, with DuckDB's meaning (the
-- day clamped to the month's last), so it is not redefined here (Spark refuses a temporary
-- function named like a built-in one).
CREATE OR REPLACE TEMPORARY FUNCTION add_days(d DATE, n INT) RETURNS DATE RETURN date_add(d, n);

-- The string with every match of a regular expression removed (Spark replaces every match).
-- DuckDB's patterns are RE2, Spark's Java: the POSIX classes the models use ([:space:], [:punct:],
-- both ASCII in RE2) are spelled as Java's ASCII classes.
CREATE OR REPLACE TEMPORARY FUNCTION regexp_remove(s STRING, pattern STRING) RETURNS STRING
    RETURN regexp_replace(s, replace(replace(pattern, '[:space:]', '\\s'), '[:punct:]', '\\p{Punct}'), '');

-- total / n (n a positive count) rounded half away from zero to 2 decimals, exactly, as
-- DECIMAL(38,2): Spark divides decimals exactly (to 6 places here) and rounds HALF_UP.
CREATE OR REPLACE TEMPORARY FUNCTION divide_round_2(total DECIMAL(38, 4), n BIGINT) RETURNS DECIMAL(38, 2)
    RETURN CAST(round(total / n, 2) AS DECIMAL(38, 2));

-- x rounded half away from zero to n decimals as DuckDB's round(DOUBLE, n) does it: the binary
-- value x * 10^n rounded to a whole number (round(.., 0) of a double is exact at .5: the shortest
-- decimal form of k + 0.5 is k.5), divided by 10^n. Spark's own round(x, n) rounds the shortest
-- decimal form of x, which differs at ties (34.745 to 34.75 where DuckDB gives 34.74).
CREATE OR REPLACE TEMPORARY FUNCTION round_double(x DOUBLE, n INT) RETURNS DOUBLE
    RETURN round(x * power(10, n), 0) / power(10, n);
