package org.crmwarehouse.validate;

/** Why a row was quarantined. Stable names: reports, thresholds and users' queries rely on them. */
public enum ReasonCode {
    /** The file reader could not split the row (wrong column count, bad quoting, bad encoding, not JSON). */
    MALFORMED_ROW,
    /** A required column is blank. */
    MISSING_REQUIRED,
    /** The value does not parse as the column's type (date, timestamp, number, boolean). */
    BAD_TYPE,
    /** The value is not one of the column's allowed values. */
    NOT_ALLOWED,
    /** A number outside the column's min/max (negative or absurd amounts). */
    OUT_OF_RANGE,
    /** A date after the business date (plus one day of slack). */
    FUTURE_DATE,
    /** The primary key was already seen on an earlier line (the first occurrence is kept). */
    DUPLICATE_KEY,
    /** A reference to a row of another entity that was not loaded. */
    UNKNOWN_REFERENCE
}
