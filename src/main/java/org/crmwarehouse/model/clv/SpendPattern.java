package org.crmwarehouse.model.clv;

/**
 * Spend summary for the Gamma-Gamma model: {@code frequency} x &gt; 0 transactions with mean value
 * {@code meanSpend} m_x, shared by {@code customers} customers. By the convention of Fader &amp;
 * Hardie's note "The Gamma-Gamma Model of Monetary Value" (2013), x and m_x describe the repeat
 * transactions of the calibration period.
 */
public record SpendPattern(int frequency, double meanSpend, long customers) {

    public SpendPattern {
        if (frequency < 1) {
            throw new IllegalArgumentException("frequency must be >= 1, got " + frequency);
        }
        if (!(meanSpend > 0) || Double.isInfinite(meanSpend)) {
            throw new IllegalArgumentException("meanSpend must be positive and finite, got " + meanSpend);
        }
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be >= 1, got " + customers);
        }
    }
}
