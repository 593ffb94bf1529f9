package org.crmwarehouse.generate;

import static org.crmwarehouse.generate.BehaviourModel.*;

import java.io.IOException;
import java.util.SplittableRandom;

/**
 * The leads of one customer slot and their funnel events. Each customer is the lead that finally converted
 * after a geometric number of lost leads in the same channel, so channel conversion rates come out as modelled.
 */
final class LeadFunnel {
    private static final int MAX_LOST = 40;
    private static final int MAX_EVENTS = 6;

    private final Timeline time;
    private final CampaignPlan campaigns;
    private final AdPerformanceLog ads;
    private final CsvTable leads;
    private final CsvTable events;
    private final String[] types = new String[MAX_EVENTS];
    private final long[] times = new long[MAX_EVENTS];

    LeadFunnel(Timeline time, CampaignPlan campaigns, AdPerformanceLog ads, CsvTable leads, CsvTable events) {
        this.time = time;
        this.campaigns = campaigns;
        this.ads = ads;
        this.leads = leads;
        this.events = events;
    }

    void write(CustomerContext c) throws IOException {
        SplittableRandom r = c.random;
        int lost = Sampling.geometric(r, CHANNELS[c.channel].conversion(), MAX_LOST);
        for (int k = 1; k <= lost; k++) notWon(c, k);
        won(c, lost + 1);
    }

    /** The lead that became this customer: calls, usually a visit and a quote, then the deal at the first order. */
    private void won(CustomerContext c, int seq) throws IOException {
        SplittableRandom r = c.random;
        long cycle = 3600 + (long) Math.min(Sampling.exponential(r, 1 / 20.0), 55) * Timeline.DAY + r.nextInt(86_400);
        long created = c.createdSec - cycle;
        int n = calls(r);
        if (r.nextDouble() < 0.8) types[n++] = "visit";
        if (r.nextDouble() < 0.9) types[n++] = "quote";
        types[n++] = "deal";
        spread(r, created, cycle, n);
        boolean[] man = man(r, MAN_IF_WON);
        String lead = "L" + c.pad + "-" + seq;
        String campaign = campaigns.campaignFor(c.channel, Timeline.day(created), r);
        String referrer = c.referrerIndex >= 0 ? time.customerId(c.referrerIndex) : "";
        leads.write(lead, Fmt.timestamp(created), Fmt.timestamp(times[n - 1]), CHANNELS[c.channel].name(), campaign,
                referrer, bool(man[0]), bool(man[1]), bool(man[2]), c.owner, "won", "", c.id);
        ads.countLead(campaign, Timeline.day(created));
        long quote = Math.round(c.firstOrderCents * (1 + 0.15 * r.nextDouble()));
        writeEvents(lead, campaign, c.owner, n, r, quote, c.firstOrderCents, null);
    }

    /** A lead that did not convert: lost, disqualified, or still open/qualified if its funnel reaches past today. */
    private void notWon(CustomerContext c, int seq) throws IOException {
        SplittableRandom r = c.random;
        long created = c.createdSec + (long) ((r.nextDouble() * 180 - 150) * Timeline.DAY);
        created = Math.max(time.startDay * Timeline.DAY + r.nextInt(86_400), Math.min(created, time.endSec - 7200));
        boolean[] man = man(r, MAN_IF_NOT_WON);
        boolean disqualified = !man[0] && !man[1] && !man[2];
        int n = calls(r);
        if (!disqualified) {
            if (r.nextDouble() < 0.4) {
                types[n++] = "visit";
                if (r.nextDouble() < 0.5) types[n++] = "quote";
            }
            types[n++] = "lost";
        }
        long span = 3600 + (long) (Sampling.exponential(r, 1 / 14.0) * Timeline.DAY);
        spread(r, created, span, n);
        int reached = 0;
        while (reached < n && times[reached] <= time.endSec) reached++;
        String status;
        if (disqualified) status = "disqualified";
        else if (reached == n) status = "lost";
        else status = types[reached - 1].equals("call") ? "open" : "qualified";
        String reason = status.equals("lost") ? LOST_REASONS[Sampling.pick(r, LOST_REASON_CUMULATIVE)] : null;
        String lead = "L" + c.pad + "-" + seq;
        String owner = time.salesperson(r.nextInt(time.salespeople));
        String campaign = campaigns.campaignFor(c.channel, Timeline.day(created), r);
        String referrer = c.channel == REFERRAL && c.index > 0 ? time.customerId(r.nextLong(c.index)) : "";
        leads.write(lead, Fmt.timestamp(created), Fmt.timestamp(times[reached - 1]), CHANNELS[c.channel].name(), campaign,
                referrer, bool(man[0]), bool(man[1]), bool(man[2]), owner, status, reason, "");
        ads.countLead(campaign, Timeline.day(created));
        long quote = Math.round(Math.exp(Math.log(600_000) + 0.8 * Sampling.normal(r)));
        writeEvents(lead, campaign, owner, reached, r, quote, 0, reason);
    }

    private int calls(SplittableRandom r) {
        int n = 1 + (r.nextDouble() < 0.35 ? 1 : 0) + (r.nextDouble() < 0.1 ? 1 : 0);
        for (int i = 0; i < n; i++) types[i] = "call";
        return n;
    }

    /** Strictly increasing event times from created (first) to created + span (last). */
    private void spread(SplittableRandom r, long created, long span, int n) {
        times[0] = created;
        for (int i = 1; i < n; i++) {
            long slot = span / (n - 1);
            times[i] = i == n - 1 ? created + span : created + slot * (i - 1) + 1 + (long) (r.nextDouble() * (slot - 1));
        }
    }

    private void writeEvents(String lead, String campaign, String seller, int n, SplittableRandom r,
                             long quoteCents, long dealCents, String lostReason) throws IOException {
        for (int i = 0; i < n; i++) {
            String type = types[i];
            String outcome = switch (type) {
                case "call" -> EVENT_CALL_OUTCOMES[r.nextInt(EVENT_CALL_OUTCOMES.length)];
                case "visit" -> "visited showroom";
                case "quote" -> "quote sent";
                case "deal" -> "contract signed";
                default -> "closed lost";
            };
            String amount = switch (type) {
                case "quote" -> Fmt.money(quoteCents);
                case "deal" -> Fmt.money(dealCents);
                default -> "";
            };
            events.write("E" + lead.substring(1) + "-" + (i + 1), lead, campaign, type, Fmt.timestamp(times[i]), seller,
                    outcome, type.equals("lost") ? lostReason : "", amount);
        }
    }

    private static boolean[] man(SplittableRandom r, double[] p) {
        return new boolean[] {r.nextDouble() < p[0], r.nextDouble() < p[1], r.nextDouble() < p[2]};
    }

    private static String bool(boolean b) { return b ? "true" : "false"; }
}
