package org.crmwarehouse.generate;

import java.time.LocalDate;

/** The calendar of a generated history: about three years ending on the business date; ids sized to the scale. */
final class Timeline {
    static final long DAY = Fmt.SECONDS_PER_DAY;

    final long startDay;     // first day a lead can appear
    final long endDay;       // the business date
    final long firstCustomerSec;
    final long endSec;       // last second of the business date
    final long scale;
    final int idWidth;
    final int salespeople;

    Timeline(GeneratorOptions o) {
        this.endDay = o.endDate().toEpochDay();
        this.startDay = o.endDate().minusYears(3).toEpochDay();
        this.firstCustomerSec = (startDay + 60) * DAY; // leave room for the first customers' sales cycles
        this.endSec = endDay * DAY + DAY - 1;
        this.scale = o.scale();
        this.idWidth = Math.max(7, Long.toString(o.scale()).length());
        // ~50 salespeople per million customers, at least 5
        this.salespeople = (int) Math.max(5, Math.round(o.scale() * 50 / 1_000_000.0));
    }

    /** Customers are created in index order, so a smaller index always means an earlier customer. */
    long customerCreatedSec(long index, double u) {
        double span = endSec - 3600 - firstCustomerSec;
        return firstCustomerSec + (long) ((index + u) / scale * span);
    }

    static long day(long sec) { return Math.floorDiv(sec, DAY); }

    String customerId(long index) { return Fmt.padded('C', index + 1, idWidth); }

    String salesperson(int n) { return Fmt.padded('S', n + 1, 4); }

    static LocalDate date(long epochDay) { return LocalDate.ofEpochDay(epochDay); }
}
