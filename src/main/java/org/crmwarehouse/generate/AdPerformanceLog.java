package org.crmwarehouse.generate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The ad platforms' per-ad daily export for the campaigns of the online ad channels (advertising and
 * email_web): one row per ad and active day of its campaign. A campaign's spend is spread over its
 * ads and days (so an export's spend adds up to about the campaign's); spend buys impressions at the
 * ad's cost per impression, and clicks follow from the ad's click-through rate. The leads each campaign
 * produced per day are counted while the leads are written, and each day's leads are spread over
 * the campaign's ads as conversions (plus a few the CRM never saw), so leads <= conversions <= clicks
 * per campaign and day. About 1.5% of rows have unknown spend. Every campaign has its own random
 * stream (stream 22), so adding this file left every other file byte-for-byte as it was.
 */
final class AdPerformanceLog {
    private static final String[] AGE_BANDS = {"18-24", "25-34", "35-44", "45-54", "55+"};
    private static final String[] GENDERS = {"all", "female", "male"};
    private static final String[] INTERESTS = {"home improvement", "interior design", "new home", "cooking"};
    private static final String[] DISPLAY_PLACEMENTS = {"feed", "stories", "video"};
    private static final String[] DEVICES = {"all", "mobile", "desktop"};
    static final double UNKNOWN_SPEND_SHARE = 0.015;

    /**
     * An ad campaign with the leads written for it per day of its activity within the history
     * (index = day - firstDay; a campaign that started before the history is active from its first day,
     * as its spend is planned).
     */
    private record Tally(CampaignPlan.Campaign campaign, long firstDay, int[] leadsPerDay) {}

    private final long seed;
    private final Map<String, Tally> campaigns = new LinkedHashMap<>();

    AdPerformanceLog(long seed, Timeline time, CampaignPlan plan) {
        this.seed = seed;
        for (CampaignPlan.Campaign c : plan.campaigns()) {
            if (isAdChannel(c.channel())) {
                long first = Math.max(c.startDay(), time.startDay);
                campaigns.put(c.id(), new Tally(c, first, new int[(int) (c.lastDay() - first + 1)]));
            }
        }
    }

    private static boolean isAdChannel(int channel) {
        String name = BehaviourModel.CHANNELS[channel].name();
        return name.equals("advertising") || name.equals("email_web");
    }

    /** Counts a (good) lead of this campaign created on this day; leads of other campaigns are not ads'. */
    void countLead(String campaignId, long epochDay) {
        Tally t = campaignId == null ? null : campaigns.get(campaignId);
        if (t == null) return;
        int[] days = t.leadsPerDay();
        int d = (int) (epochDay - t.firstDay());
        if (d < 0 || d >= days.length) {
            throw new IllegalStateException("lead of " + campaignId + " on day " + Fmt.date(epochDay) + " is outside the campaign");
        }
        days[d]++;
    }

    void writeAll(CsvTable out) throws IOException {
        int ci = 0;
        for (Tally t : campaigns.values()) {
            CampaignPlan.Campaign c = t.campaign();
            SplittableRandom r = new SplittableRandom(Sampling.mix(seed, 22, ci++));
            boolean display = BehaviourModel.CHANNELS[c.channel()].name().equals("advertising");
            String platform = display ? (r.nextBoolean() ? "douyin" : "meta") : (r.nextBoolean() ? "baidu" : "google_ads");
            String account = "ACC-" + platform + "-" + (1 + r.nextInt(2));
            int groups = 1 + r.nextInt(2);
            List<String[]> ads = new ArrayList<>(); // ad_group_id, ad_id, age, gender, interest, placement, device
            List<Double> weights = new ArrayList<>();
            List<Double> costPerClickCents = new ArrayList<>();
            List<Double> clickThrough = new ArrayList<>();
            for (int g = 1; g <= groups; g++) {
                String group = c.id() + "-G" + g;
                String age = Sampling.oneOf(r, AGE_BANDS), gender = Sampling.oneOf(r, GENDERS), interest = Sampling.oneOf(r, INTERESTS);
                int n = 1 + r.nextInt(2);
                for (int a = 1; a <= n; a++) {
                    ads.add(new String[] {group, group + "-A" + a, age, gender, interest,
                            display ? Sampling.oneOf(r, DISPLAY_PLACEMENTS) : "search",
                            Sampling.oneOf(r, DEVICES)});
                    weights.add(0.5 + r.nextDouble());
                    costPerClickCents.add(display ? 150 + 300 * r.nextDouble() : 80 + 170 * r.nextDouble());
                    clickThrough.add(display ? 0.006 + 0.014 * r.nextDouble() : 0.02 + 0.04 * r.nextDouble());
                }
            }
            double total = weights.stream().mapToDouble(Double::doubleValue).sum();
            int[] leads = t.leadsPerDay();
            double dailyCents = (double) c.spendCents() / leads.length;
            int[] leadsOfAd = new int[ads.size()];
            for (int d = 0; d < leads.length; d++) {
                // the day's leads, each to an ad drawn by the ads' weights
                Arrays.fill(leadsOfAd, 0);
                for (int l = 0; l < leads[d]; l++) leadsOfAd[pick(r, weights, total)]++;
                for (int a = 0; a < ads.size(); a++) {
                    String[] ad = ads.get(a);
                    long spend, clicks, impressions;
                    if (leadsOfAd[a] == 0 && r.nextDouble() < 0.01) { // paused that day: a row of zeros
                        spend = 0;
                        clicks = 0;
                        impressions = 0;
                    } else {
                        spend = Math.round(dailyCents * weights.get(a) / total * (0.7 + 0.6 * r.nextDouble()));
                        // spend buys impressions at the ad's cost per impression (cost per click x click-through)
                        impressions = Math.round(spend / (costPerClickCents.get(a) * clickThrough.get(a)) * (0.9 + 0.2 * r.nextDouble()));
                        clicks = Math.round(impressions * clickThrough.get(a) * (0.8 + 0.4 * r.nextDouble()));
                    }
                    long conversions = leadsOfAd[a] + (spend == 0 ? 0 : Sampling.poisson(r, 0.05 + 0.2 * leadsOfAd[a]));
                    long qualified = 0;
                    for (long k = 0; k < conversions; k++) if (r.nextDouble() < 0.45) qualified++;
                    clicks = Math.max(clicks, conversions);
                    impressions = Math.max(impressions, clicks);
                    boolean unknownSpend = r.nextDouble() < UNKNOWN_SPEND_SHARE;
                    out.write(Fmt.date(t.firstDay() + d), platform, account, c.id(), ad[0], ad[1],
                            Long.toString(impressions), Long.toString(clicks), unknownSpend ? "" : Fmt.money(spend),
                            Long.toString(conversions), Long.toString(qualified), ad[2], ad[3], ad[4], ad[5], ad[6]);
                }
            }
        }
    }

    private static int pick(SplittableRandom r, List<Double> weights, double total) {
        double u = r.nextDouble() * total;
        for (int i = 0; i < weights.size(); i++) {
            u -= weights.get(i);
            if (u < 0) return i;
        }
        return weights.size() - 1;
    }
}
