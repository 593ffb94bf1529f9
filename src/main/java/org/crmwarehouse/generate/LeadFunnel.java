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
    /** The random stream of call retries and durations, apart from the customer's (issue 14). */
    static final long CALL_STREAM = 142;
    private static final int MAX_RETRIES = 3;
    /** A retry that did not get through: how likely another follows. */
    private static final double RETRY_AGAIN = 0.45;
    /** Call durations whose length the phone system did not record. */
    private static final double DURATION_UNKNOWN = 0.1;

    private final Timeline time;
    private final CampaignPlan campaigns;
    private final AdPerformanceLog ads;
    private final CsvTable leads;
    private final CsvTable events;
    private final String[] types = new String[MAX_EVENTS];
    private final long[] times = new long[MAX_EVENTS];
    private final long seed;

    LeadFunnel(long seed, Timeline time, CampaignPlan campaigns, AdPerformanceLog ads, CsvTable leads, CsvTable events) {
        this.seed = seed;
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
        writeEvents(lead, campaign, c.owner, n, r, calls(c, seq), quote, c.firstOrderCents, null);
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
        writeEvents(lead, campaign, owner, reached, r, calls(c, seq), quote, 0, reason);
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

    /** The lead's own stream of call retries and durations (the customer's stream stays as it was). */
    private SplittableRandom calls(CustomerContext c, int seq) {
        return new SplittableRandom(Sampling.mix(seed, CALL_STREAM, c.index * 64 + seq));
    }

    /**
     * Unanswered retries before a call that is not the lead's first event (between the previous event
     * and the call), duration 0; each written before its call with its own event id.
     */
    private void writeRetries(String lead, String campaign, String seller, int i, SplittableRandom calls)
            throws IOException {
        if (i == 0 || calls.nextDouble() >= RETRY_AGAIN) return;
        int retries = 1;
        while (retries < MAX_RETRIES && calls.nextDouble() < RETRY_AGAIN) retries++;
        long from = times[i - 1], gap = times[i] - times[i - 1];
        long last = from;
        for (int j = 1; j <= retries; j++) {
            // strictly between the previous event and the call, in order
            long at = Math.max(last + 1, from + (long) (gap * (j - 1 + calls.nextDouble()) / (retries + 1)));
            if (at >= times[i]) break;
            last = at;
            events.write("E" + lead.substring(1) + "-" + (i + 1) + "r" + j, lead, campaign, "call", Fmt.timestamp(at),
                    seller, "no answer", "", "", calls.nextDouble() < DURATION_UNKNOWN ? "" : "0");
        }
    }

    /** A call's duration in seconds: 0 when unanswered, else log-normal around 3 minutes; sometimes unknown. */
    private static String duration(String outcome, SplittableRandom calls) {
        if (calls.nextDouble() < DURATION_UNKNOWN) return "";
        if (outcome.equals("no answer")) return "0";
        return Long.toString(Math.min(86_400, 5 + Math.round(Math.exp(Math.log(180) + 0.8 * Sampling.normal(calls)))));
    }

    private void writeEvents(String lead, String campaign, String seller, int n, SplittableRandom r,
                             SplittableRandom calls, long quoteCents, long dealCents, String lostReason)
            throws IOException {
        for (int i = 0; i < n; i++) {
            String type = types[i];
            if (type.equals("call")) writeRetries(lead, campaign, seller, i, calls);
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
                    outcome, type.equals("lost") ? lostReason : "", amount,
                    type.equals("call") ? duration(outcome, calls) : "");
        }
    }

    private static boolean[] man(SplittableRandom r, double[] p) {
        return new boolean[] {r.nextDouble() < p[0], r.nextDouble() < p[1], r.nextDouble() < p[2]};
    }

    private static String bool(boolean b) { return b ? "true" : "false"; }
}
