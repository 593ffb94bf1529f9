package org.crmwarehouse.generate;

import java.io.IOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sales expenses: a few claims per salesperson per calendar month over the history, each with a category, an
 * amount typical of it and, for client-facing categories, often the customer it was for. Every (salesperson,
 * month) has its own random stream, so the expenses depend on nothing else the generator draws and adding them
 * left every other file byte-for-byte as it was.
 */
final class ExpenseLog {
    static final String[] CATEGORIES = {"travel", "entertainment", "advertising", "gifts", "samples", "office", "other"};
    private static final double[] CATEGORY_CUMULATIVE = Sampling.cumulative(30, 22, 6, 14, 12, 10, 6);
    /** Typical amount range per category, in yuan (low, high). */
    private static final int[][] AMOUNT_RANGE = {{150, 2500}, {200, 3000}, {1000, 20000}, {80, 1500}, {50, 800},
        {30, 500}, {20, 600}};
    /** Categories that are usually spent on one customer. */
    private static final boolean[] CLIENT_FACING = {false, true, false, true, true, false, false};
    private static final String[][] DESCRIPTIONS = {
        {"taxi to client site", "train ticket", "hotel, two nights", "flight to trade fair"},
        {"client dinner", "tea with client", "karaoke with client team", "banquet after signing"},
        {"local newspaper ad", "WeChat moments ad", "flyers printed", "billboard share"},
        {"mooncakes for client", "red envelope gift", "fruit basket", "holiday gift box"},
        {"product samples", "sample kit couriered", "showroom samples"},
        {"printer toner", "business cards", "stationery"},
        {"parking", "phone top-up", "misc"}};

    private final long seed;
    private final Timeline time;

    ExpenseLog(long seed, Timeline time) {
        this.seed = seed;
        this.time = time;
    }

    void writeAll(CsvTable out) throws IOException {
        LocalDate first = Timeline.date(time.startDay).withDayOfMonth(1);
        LocalDate last = Timeline.date(time.endDay);
        long[] days = new long[16];
        for (int s = 0; s < time.salespeople; s++) {
            String seller = time.salesperson(s);
            int m = 0;
            for (LocalDate month = first; !month.isAfter(last); month = month.plusMonths(1), m++) {
                SplittableRandom r = new SplittableRandom(Sampling.mix(seed, 20, s * 10_000L + m));
                long from = Math.max(month.toEpochDay(), time.startDay);
                long to = Math.min(month.plusMonths(1).toEpochDay() - 1, time.endDay);
                int n = Math.min(days.length, 2 + Sampling.poisson(r, 3.0));
                for (int i = 0; i < n; i++) days[i] = from + r.nextInt((int) (to - from + 1));
                Arrays.sort(days, 0, n);
                for (int i = 0; i < n; i++) {
                    int cat = Sampling.pick(r, CATEGORY_CUMULATIVE);
                    int lo = AMOUNT_RANGE[cat][0], hi = AMOUNT_RANGE[cat][1];
                    // log-uniform between the bounds: many small claims, a few large ones
                    long cents = Math.round(lo * Math.pow((double) hi / lo, r.nextDouble()) * 100);
                    String customer = CLIENT_FACING[cat] && r.nextDouble() < 0.7 ? customerBefore(r, days[i]) : "";
                    String description = Sampling.oneOf(r, DESCRIPTIONS[cat]);
                    out.write("E" + seller.substring(1) + "-" + month.getYear() + String.format("%02d", month.getMonthValue())
                                    + "-" + (i + 1),
                            Fmt.date(days[i]), CATEGORIES[cat], Fmt.money(cents), "CNY", seller, customer, description);
                }
            }
        }
    }

    /** A customer already created on that day (customers are created in index order), or blank when none is. */
    private String customerBefore(SplittableRandom r, long day) {
        long created = (long) ((double) (day * Timeline.DAY - time.firstCustomerSec)
                / (time.endSec - 3600 - time.firstCustomerSec) * time.scale);
        long max = Math.min(time.scale, created);
        return max < 1 ? "" : time.customerId(r.nextLong(max));
    }
}
