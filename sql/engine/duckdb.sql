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

-- total / n (n a positive count) rounded half away from zero to 2 decimals, exactly, as DECIMAL(38,2).
-- DuckDB divides decimals in DOUBLE, where 17849.35 / 2 = 8924.675 rounds to 8924.67; this divides
-- whole ten-thousandths as HUGEINT instead (totals carry at most 4 decimals).
-- Spark: CAST(round(total / n, 2) AS DECIMAL(38, 2)) (its decimal division is exact to 6 places).
CREATE OR REPLACE MACRO divide_round_2(total, n) AS
    CAST(sign(CAST(round(total * 10000, 0) AS HUGEINT))
         * ((2 * abs(CAST(round(total * 10000, 0) AS HUGEINT)) + 100 * CAST(n AS HUGEINT))
            // (200 * CAST(n AS HUGEINT))) AS DECIMAL(38, 0)) * CAST(0.01 AS DECIMAL(3, 2));

-- x (a DOUBLE) rounded half away from zero to n decimals as DuckDB's round does it: the binary
-- value x * 10^n rounded to a whole number, divided by 10^n. Spark's round(DOUBLE, n) rounds the
-- shortest decimal form instead (34.745 to 34.75 where DuckDB gives 34.74), so a model rounding a
-- DOUBLE calls this and both engines give the same digits. DECIMAL values keep round() (exact on
-- both), so another argument type fails the model, naming it (typeof is folded when bound).
CREATE OR REPLACE MACRO round_double(x, n) AS
    CASE WHEN typeof(x) NOT IN ('DOUBLE', 'NULL') THEN error('round_double of ' || typeof(x)) ELSE round(CAST(x AS DOUBLE), n) END;
