package org.crmwarehouse.generate;

import java.io.IOException;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Subscriptions for a share of the customers: a plan, a commitment and a billing period, started
 * soon after the customer was created, renewed each period until the customer cancels. Churn is
 * shifted-beta-geometric, as the sBG model assumes (Fader &amp; Hardie 2007): each subscription
 * draws its cancel probability per period from the plan's Beta(alpha, beta) (the paper's
 * "regular" and "high end" figures for basic and premium) and keeps it. Its own random stream per
 * customer, so the other files do not change.
 */
final class SubscriptionBook {
    /** Sampling.mix stream of the subscriptions (0 is the customers', 7-21 the campaigns', expenses', duplicates'). */
    static final int STREAM = 30;
    static final double SUBSCRIBER_SHARE = 0.3;
    static final String[] PLANS = {"basic", "standard", "premium"};
    static final double[] PLAN_CUMULATIVE = Sampling.cumulative(0.5, 0.3, 0.2);
    /** Monthly price per plan, in cents. */
    static final long[] PLAN_MONTHLY_CENTS = {1990, 3990, 7990};
    /** Beta(alpha, beta) of the per-period cancel probability, per plan. */
    static final double[][] PLAN_CHURN = {{0.704, 1.182}, {0.7, 2.5}, {0.668, 3.806}};
    static final String[] CONTRACT_TYPES = {"month-to-month", "one_year", "two_year"};
    static final double[] CONTRACT_CUMULATIVE = Sampling.cumulative(0.55, 0.25, 0.2);

    private final long seed;
    private final Timeline time;
    private final CsvTable subscriptions;

    SubscriptionBook(long seed, Timeline time, CsvTable subscriptions) {
        this.seed = seed;
        this.time = time;
        this.subscriptions = subscriptions;
    }

    void write(CustomerContext c) throws IOException {
        SplittableRandom r = new SplittableRandom(Sampling.mix(seed, STREAM, c.index));
        if (!Sampling.chance(r, SUBSCRIBER_SHARE)) return;
        long startDay = Timeline.day(c.createdSec) + r.nextInt(30);
        if (startDay > time.endDay) return;
        int plan = Sampling.pick(r, PLAN_CUMULATIVE);
        int contract = Sampling.pick(r, CONTRACT_CUMULATIVE);
        // committed contracts are mostly billed yearly, month-to-month monthly (a few weekly trials)
        String period = contract > 0 ? (Sampling.chance(r, 0.7) ? "year" : "month")
                : (Sampling.chance(r, 0.05) ? "week" : "month");
        double theta = Sampling.beta(r, PLAN_CHURN[plan][0], PLAN_CHURN[plan][1]);
        int periods = 1 + Sampling.geometric(r, theta, 10_000); // periods paid before cancelling
        LocalDate start = Timeline.date(startDay);
        LocalDate periodsEnd = switch (period) {
            case "week" -> start.plusWeeks(periods);
            case "year" -> start.plusYears(periods);
            default -> start.plusMonths(periods);
        };
        // the cancellation falls in the last paid period: up to 3 weeks before it runs out
        long endDay = Math.max(startDay, periodsEnd.toEpochDay() - 1 - r.nextInt(period.equals("week") ? 7 : 21));
        boolean cancelled = endDay <= time.endDay;
        long cents = switch (period) {
            case "week" -> PLAN_MONTHLY_CENTS[plan] * 12 / 52;
            case "year" -> PLAN_MONTHLY_CENTS[plan] * 12 * 85 / 100; // a yearly prepayment earns 15% off
            default -> PLAN_MONTHLY_CENTS[plan];
        };
        subscriptions.write("U" + c.pad + "-1", c.id, PLANS[plan], CONTRACT_TYPES[contract], Fmt.date(startDay),
                cancelled ? Fmt.date(endDay) : "", cancelled ? "cancelled" : "active", Fmt.money(cents), period);
    }
}
