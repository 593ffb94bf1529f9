package org.crmwarehouse.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.ColumnType;

/**
 * Makes deliberately broken copies of good rows, each broken in one way the contract or the CSV reader rejects.
 * A bad row is an extra row written right after the good row it was copied from, with its key changed so it
 * collides with nothing (except for DUPLICATE_KEY, which keeps the key on purpose; the good row came first
 * and wins). So rejecting bad rows never orphans good rows that reference them.
 */
final class BadRows {

    enum Kind { WRONG_COLUMN_COUNT, BAD_DATE, BAD_NUMBER, NEGATIVE_AMOUNT, NOT_ALLOWED, MISSING_REQUIRED,
        DUPLICATE_KEY, UNKNOWN_REFERENCE, FUTURE_DATE }

    private final List<ColumnContract> columns;
    private final String futureDate;
    private final String futureTimestamp;
    private final Kind[] applicable;

    BadRows(List<ColumnContract> columns, long endEpochDay) {
        this.columns = columns;
        this.futureDate = Fmt.date(endEpochDay + 45);
        this.futureTimestamp = Fmt.timestamp((endEpochDay + 45) * Fmt.SECONDS_PER_DAY + 36_000);
        List<Kind> kinds = new ArrayList<>();
        for (Kind k : Kind.values()) if (!candidates(k).isEmpty()) kinds.add(k);
        this.applicable = kinds.toArray(Kind[]::new);
    }

    /** Columns a kind of damage can be applied to, by contract rule. */
    private List<Integer> candidates(Kind kind) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnContract c = columns.get(i);
            boolean fits = switch (kind) {
                case WRONG_COLUMN_COUNT, DUPLICATE_KEY -> i == 0;
                case BAD_DATE -> c.type().isTemporal();
                case BAD_NUMBER -> c.type().isNumeric();
                case NEGATIVE_AMOUNT -> c.type().isNumeric() && c.min() != null && c.min().signum() >= 0;
                case NOT_ALLOWED -> !c.allowed().isEmpty();
                case MISSING_REQUIRED -> c.required() && !c.key();
                case UNKNOWN_REFERENCE -> c.references() != null;
                // as_of rows dated ahead are set aside rather than quarantined: still not loaded
                case FUTURE_DATE -> c.notFuture() || c.asOf();
            };
            if (fits) out.add(i);
        }
        return out;
    }

    /** A broken copy of {@code good}; {@code copyNo} (1, 2, ...) keeps the keys of several copies distinct. */
    String[] corrupt(String[] good, SplittableRandom r, int copyNo) {
        Kind kind = applicable[r.nextInt(applicable.length)];
        String[] row = Arrays.copyOf(good, good.length);
        if (kind != Kind.DUPLICATE_KEY) freshKey(row, copyNo);
        List<Integer> cols = candidates(kind);
        int col = cols.get(r.nextInt(cols.size()));
        ColumnContract c = columns.get(col);
        switch (kind) {
            case WRONG_COLUMN_COUNT -> {
                if (r.nextBoolean()) return Arrays.copyOf(row, row.length - 1);
                String[] longer = Arrays.copyOf(row, row.length + 1);
                longer[row.length] = "extra"; // an empty extra field is tolerated by some readers as a trailing comma
                return longer;
            }
            case BAD_DATE -> row[col] = c.type() == ColumnType.DATE
                    ? Sampling.oneOf(r, new String[] {"2023-02-30", "31/12/2023", "yesterday", "2023-13-01"})
                    : Sampling.oneOf(r, new String[] {"2023-13-01 10:00:00", "2023-06-31 25:61:00", "last week"});
            case BAD_NUMBER -> row[col] = Sampling.oneOf(r, new String[] {"12.5.3", "abc", "1O0", "--7"});
            case NEGATIVE_AMOUNT -> row[col] = row[col] == null || row[col].matches("[0.]*") ? "-12.50" : "-" + row[col]; // "-0.00" is not negative
            case NOT_ALLOWED -> row[col] = "unknown_" + c.allowed().get(0).toUpperCase();
            case MISSING_REQUIRED -> row[col] = "";
            case UNKNOWN_REFERENCE -> row[col] = "X9999999";
            case FUTURE_DATE -> row[col] = c.type() == ColumnType.DATE ? futureDate : futureTimestamp;
            case DUPLICATE_KEY -> { }
        }
        return row;
    }

    /** Changes the key so the copy collides with no good row: ids get a suffix, numeric line keys move up
     *  (a date key part is left alone: a suffix would make it a bad date). */
    private void freshKey(String[] row, int copyNo) {
        for (int i = 0; i < columns.size(); i++) {
            ColumnContract c = columns.get(i);
            if (!c.key() || c.type().isTemporal()) continue;
            if (c.type().isNumeric()) {
                row[i] = Long.toString(Long.parseLong(row[i]) + 1000L * copyNo);
                return; // one changed key part is enough for a composite key
            }
            row[i] = row[i] + "X" + copyNo;
            return;
        }
    }
}
