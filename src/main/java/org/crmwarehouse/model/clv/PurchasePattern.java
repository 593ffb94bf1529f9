package org.crmwarehouse.model.clv;

/**
 * A distinct repeat-purchase summary shared by {@code customers} customers, in the notation of
 * Fader, Hardie &amp; Lee (2005): {@code frequency} x = number of repeat transactions,
 * {@code recency} t_x = time from first to last purchase, {@code age} T = time from first purchase
 * to the end of the calibration period. Recency and age are in one {@link TimeUnit} that the
 * caller states when fitting.
 */
public record PurchasePattern(int frequency, double recency, double age, long customers) {

    public PurchasePattern {
        if (frequency < 0) {
            throw new IllegalArgumentException("frequency must be >= 0, got " + frequency);
        }
        if (!(recency >= 0 && age >= recency) || Double.isInfinite(age)) {
            throw new IllegalArgumentException(
                    "need 0 <= recency <= age < infinity, got recency " + recency + ", age " + age);
        }
        if (frequency == 0 && recency != 0) {
            throw new IllegalArgumentException("a customer without repeat purchases has recency 0, got " + recency);
        }
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be >= 1, got " + customers);
        }
    }

    /** A single customer's summary. */
    public static PurchasePattern ofCustomer(int frequency, double recency, double age) {
        return new PurchasePattern(frequency, recency, age, 1);
    }
}
