package org.crmwarehouse.config;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * How many quarantined rows a source may have before the night fails (in the validate step, so
 * nothing is published): either a count ({@code 100}) or a percentage of the rows read
 * ({@code "2%"}). A source fails when its quarantined rows are strictly above the threshold.
 *
 * @param limit   the count, or the percentage (0..100)
 * @param percent whether {@code limit} is a percentage of the rows read
 */
public record RejectThreshold(BigDecimal limit, boolean percent) {

    /** The default when a job sets none: 5% of a source's rows (the sample data has about 1%). */
    public static final RejectThreshold DEFAULT = new RejectThreshold(new BigDecimal("5"), true);

    public RejectThreshold {
        if (limit == null || limit.signum() < 0) {
            throw new IllegalArgumentException("a reject threshold cannot be negative");
        }
        if (percent && limit.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException("a reject threshold percentage cannot be above 100%");
        }
        if (!percent && limit.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("a reject threshold count must be a whole number");
        }
    }

    /** Parses {@code 100}, {@code "2%"} or {@code "0.5 %"}. */
    public static RejectThreshold parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        boolean percent = t.endsWith("%");
        String number = percent ? t.substring(0, t.length() - 1).trim() : t;
        try {
            return new RejectThreshold(new BigDecimal(number), percent);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a reject threshold: expected a row count "
                    + "(e.g. 100) or a percentage of the rows read (e.g. \"2%\")");
        }
    }

    /** Whether {@code quarantined} of {@code read} rows is above this threshold. */
    public boolean exceededBy(long quarantined, long read) {
        if (quarantined == 0) {
            return false;
        }
        if (!percent) {
            return BigDecimal.valueOf(quarantined).compareTo(limit) > 0;
        }
        // quarantined / read > limit / 100, compared exactly: quarantined * 100 > limit * read
        return BigDecimal.valueOf(quarantined).multiply(BigDecimal.valueOf(100))
                .compareTo(limit.multiply(BigDecimal.valueOf(read))) > 0;
    }

    @Override
    public String toString() {
        return limit.stripTrailingZeros().toPlainString() + (percent ? "%" : "");
    }
}
