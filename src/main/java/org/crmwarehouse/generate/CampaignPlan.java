package org.crmwarehouse.generate;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two or three campaigns per paid channel per calendar quarter. Ids are computed from (quarter, channel, number),
 * so a lead finds its campaign without a lookup. Spend = expected leads x the channel's cost per lead x noise.
 */
final class CampaignPlan {
    private final long seed;
    private final Timeline time;

    CampaignPlan(long seed, Timeline time) {
        this.seed = seed;
        this.time = time;
    }

    private static int quarterOf(long epochDay) {
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        return d.getYear() * 4 + (d.getMonthValue() - 1) / 3;
    }

    private int campaignsIn(int channel, int quarter) {
        return 2 + (int) Math.floorMod(Sampling.mix(seed, 7, channel * 100_000L + quarter), 2L);
    }

    private static String id(int quarter, int channel, int n) {
        return "K" + quarter / 4 + "Q" + (quarter % 4 + 1) + "-" + BehaviourModel.CHANNELS[channel].code() + "-" + n;
    }

    /** The campaign a lead of this channel created on this day belongs to; null for unpaid channels. */
    String campaignFor(int channel, long epochDay, SplittableRandom r) {
        if (!BehaviourModel.CHANNELS[channel].paid()) return null;
        int q = quarterOf(epochDay);
        return id(q, channel, 1 + r.nextInt(campaignsIn(channel, q)));
    }

    /** One planned campaign: active from startDay to lastDay (its end, or the business date while running). */
    record Campaign(String id, int channel, long startDay, long lastDay, boolean running, long spendCents, String name) {}

    /** Every campaign of the history, in file order (quarter, channel, wave). */
    List<Campaign> campaigns() {
        List<Campaign> out = new ArrayList<>();
        double shares = 0;
        for (BehaviourModel.Channel c : BehaviourModel.CHANNELS) shares += c.leadShare();
        double leadDays = time.endDay - time.startDay + 1;
        for (int q = quarterOf(time.startDay); q <= quarterOf(time.endDay); q++) {
            LocalDate qStart = LocalDate.of(q / 4, (q % 4) * 3 + 1, 1);
            LocalDate qEnd = qStart.plusMonths(3).minusDays(1);
            long activeDays = Math.min(qEnd.toEpochDay(), time.endDay) - Math.max(qStart.toEpochDay(), time.startDay) + 1;
            for (int ch = 0; ch < BehaviourModel.CHANNELS.length; ch++) {
                BehaviourModel.Channel c = BehaviourModel.CHANNELS[ch];
                if (!c.paid()) continue;
                int k = campaignsIn(ch, q);
                double leads = time.scale * BehaviourModel.LEADS_PER_CUSTOMER * c.leadShare() / shares * activeDays / leadDays / k;
                SplittableRandom r = new SplittableRandom(Sampling.mix(seed, 8, ch * 100_000L + q));
                for (int n = 1; n <= k; n++) {
                    long spendCents = Math.round(leads * c.costPerLead() * (0.8 + 0.4 * r.nextDouble()) * 100);
                    boolean running = qEnd.toEpochDay() > time.endDay;
                    out.add(new Campaign(id(q, ch, n), ch, qStart.toEpochDay(), Math.min(qEnd.toEpochDay(), time.endDay),
                            running, spendCents, c.name().replace('_', ' ') + " " + q / 4 + " Q" + (q % 4 + 1) + " wave " + n));
                }
            }
        }
        return out;
    }

    void writeAll(CsvTable out) throws IOException {
        for (Campaign c : campaigns()) {
            out.write(c.id(), c.name(), BehaviourModel.CHANNELS[c.channel()].name(), Fmt.date(c.startDay()),
                    c.running() ? "" : Fmt.date(c.lastDay()), Fmt.money(c.spendCents()), "CNY");
        }
    }
}
