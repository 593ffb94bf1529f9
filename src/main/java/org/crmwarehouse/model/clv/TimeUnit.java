package org.crmwarehouse.model.clv;

/**
 * The time unit in which recency, age and prediction horizons are expressed. Every model input and
 * output states its unit explicitly: nothing here assumes one.
 *
 * <p>Lengths are exact calendar averages: a week is 7 days and a month is 365.25 / 12 = 30.4375
 * days (the Julian year over twelve). The best-known open-source library silently used 30-day
 * months, which biases month-scaled recency and age by 1.5%.
 */
public enum TimeUnit {
    DAY(1.0),
    WEEK(7.0),
    MONTH(365.25 / 12.0);

    private final double days;

    TimeUnit(double days) {
        this.days = days;
    }

    /** Length of one unit in days. */
    public double days() {
        return days;
    }

    /** Converts a duration in days to this unit. */
    public double fromDays(double durationInDays) {
        return durationInDays / days;
    }
}
