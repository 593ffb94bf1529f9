package org.crmwarehouse.validate;

import java.time.LocalDate;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.ColumnType;

/**
 * The one rule for "later than the business date", used by the contract's {@code as_of} columns
 * (the row is set aside: not yet known on that night) and {@code not_future} columns (the value is
 * bad: FUTURE_DATE). A DATE is later when it is after the business date; a TIMESTAMP (already in
 * the job's time zone, offsets converted) when it is at or after the start of the next day. No
 * slack: a row of 1 April never reaches the night of 31 March.
 */
public final class AsOf {
    /** The set-aside reason of a row later than the business date (or referencing such a row). */
    public static final String LATER_THAN_BUSINESS_DATE = "later_than_business_date";

    private AsOf() {
    }

    /** The first instant after the business date, in the job's time zone. */
    public static String endOfBusinessDate(LocalDate businessDate) {
        return "TIMESTAMP '" + businessDate.plusDays(1) + " 00:00:00'";
    }

    /** SQL: the typed value of {@code column} is later than the business date (NULL is not). */
    static String later(ColumnContract c, String column, LocalDate businessDate) {
        return c.type() == ColumnType.DATE
                ? column + " > DATE '" + businessDate + "'"
                : column + " >= " + endOfBusinessDate(businessDate);
    }
}
