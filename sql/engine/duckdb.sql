-- Engine functions the models use, defined for DuckDB. This file is the engine seam: model SQL
-- is otherwise standard SQL, and a Spark port defines these same functions with the same
-- meaning (e.g. days_between(a, b) = datediff(b, a) in Spark).

-- Whole days from start_date to end_date (negative when end is earlier).
CREATE OR REPLACE MACRO days_between(start_date, end_date) AS
    date_diff('day', CAST(start_date AS DATE), CAST(end_date AS DATE));

-- The first day of the month / ISO week (Monday) containing a date or timestamp.
CREATE OR REPLACE MACRO month_start(d) AS CAST(date_trunc('month', CAST(d AS DATE)) AS DATE);
CREATE OR REPLACE MACRO week_start(d) AS CAST(date_trunc('week', CAST(d AS DATE)) AS DATE);

-- a / b, or NULL when b is zero or NULL: rates with no denominator are unknown, not 0 or infinity.
CREATE OR REPLACE MACRO safe_divide(a, b) AS CASE WHEN b IS NULL OR b = 0 THEN NULL ELSE a / b END;

-- A date moved by n days / n months (Spark: date_add(d, n) / add_months(d, n)).
CREATE OR REPLACE MACRO add_days(d, n) AS CAST(CAST(d AS DATE) + CAST(n AS INTEGER) AS DATE);
CREATE OR REPLACE MACRO add_months(d, n) AS CAST(CAST(d AS DATE) + to_months(CAST(n AS INTEGER)) AS DATE);

-- The string with every match of a regular expression removed (Spark: regexp_replace(s, pattern, '')).
CREATE OR REPLACE MACRO regexp_remove(s, pattern) AS regexp_replace(s, pattern, '', 'g');
