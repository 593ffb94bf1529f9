package org.crmwarehouse.generate;

import java.time.LocalDate;

/**
 * The distributions behind the data: channels with their lead volume, conversion and cost; the product catalogue;
 * the repeat-purchase process; seasonality. Figures are plausible, not calibrated (DOMAIN.md sections 1-5).
 */
final class BehaviourModel {

    /** A lead source. costPerLead 0 = unpaid channel, whose leads carry no campaign. */
    record Channel(String name, String code, double leadShare, double conversion, double costPerLead) {
        boolean paid() { return costPerLead > 0; }
    }

    // Advertising's 0.13 and 526/lead echo the worked example (209 calls, 27 deals, 110,000 yuan).
    static final Channel[] CHANNELS = {
        new Channel("advertising", "ADV", 0.15, 0.13, 526),
        new Channel("referral", "REF", 0.06, 0.50, 0),
        new Channel("door_to_door", "D2D", 0.05, 0.22, 180),
        new Channel("directory", "DIR", 0.03, 0.12, 60),
        new Channel("centre_of_influence", "COI", 0.04, 0.45, 0),
        new Channel("exhibition", "EXH", 0.07, 0.30, 350),
        new Channel("club", "CLB", 0.04, 0.35, 0),
        new Channel("friends_relatives", "FRR", 0.07, 0.55, 0),
        new Channel("consultancy", "CON", 0.03, 0.35, 400),
        new Channel("agent", "AGT", 0.05, 0.30, 300),
        new Channel("telephone", "TEL", 0.09, 0.10, 40),
        new Channel("sms", "SMS", 0.04, 0.06, 8),
        new Channel("direct_mail", "DML", 0.03, 0.08, 25),
        new Channel("email_web", "WEB", 0.10, 0.15, 30),
        new Channel("trade_partner", "TRP", 0.05, 0.40, 0),
    };
    static final int REFERRAL = 1;

    /** Customers per channel are proportional to leadShare x conversion: each customer is the success that ends a
     *  geometric run of lost leads in its channel, so channel lead volume comes out proportional to leadShare. */
    static final double[] CUSTOMER_CHANNEL_CUMULATIVE;
    /** Expected leads (won and lost) per customer, over all channels. */
    static final double LEADS_PER_CUSTOMER;

    static {
        double[] w = new double[CHANNELS.length];
        double shares = 0, wins = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = CHANNELS[i].leadShare() * CHANNELS[i].conversion();
            shares += CHANNELS[i].leadShare();
            wins += w[i];
        }
        CUSTOMER_CHANNEL_CUMULATIVE = Sampling.cumulative(w);
        LEADS_PER_CUSTOMER = shares / wins;
    }

    static double customerShare(int channel) {
        double prev = channel == 0 ? 0 : CUSTOMER_CHANNEL_CUMULATIVE[channel - 1];
        return (CUSTOMER_CHANNEL_CUMULATIVE[channel] - prev) / CUSTOMER_CHANNEL_CUMULATIVE[CHANNELS.length - 1];
    }

    // MAN flags given the lead's outcome: winners mostly have money, authority and need, so M+A+N converts best.
    static final double[] MAN_IF_WON = {0.85, 0.80, 0.95};
    static final double[] MAN_IF_NOT_WON = {0.50, 0.45, 0.60};

    static final String[] LOST_REASONS = {"price", "competitor", "no_need", "no_budget", "unreachable", "timing", "no_decision"};
    static final double[] LOST_REASON_CUMULATIVE = Sampling.cumulative(30, 22, 12, 12, 10, 10, 4);

    static final String[] CHURN_REASONS = {"unstable quality", "lack of new products", "poor service",
        "competitor offer", "salesperson left", "price too high", "moved away"};

    /** A catalogue item; money in cents. */
    record Product(String id, String name, String category, long priceCents, long costCents) {}

    static final Product[] PRODUCTS = catalogue();

    private static Product[] catalogue() {
        Object[][] categories = {
            {"cabinets", 0.45, new Object[] {"Base cabinet 60cm", 1800, "Wall cabinet 80cm", 1500, "Tall pantry unit", 4200,
                "Corner carousel unit", 2600, "Full kitchen set (3m)", 28000}},
            {"countertops", 0.35, new Object[] {"Quartz countertop, per m", 1600, "Granite countertop, per m", 1900,
                "Laminate countertop, per m", 450, "Solid-surface countertop, per m", 1200, "Stainless countertop, per m", 2200}},
            {"appliances", 0.15, new Object[] {"Range hood", 2999, "Induction hob", 3499, "Built-in oven", 4999,
                "Dishwasher", 3999, "Steam oven", 5999}},
            {"sinks_taps", 0.30, new Object[] {"Double-bowl sink", 899, "Single-bowl sink", 599, "Pull-out tap", 699,
                "Water purifier", 2599, "Waste disposer", 1599}},
            {"lighting", 0.50, new Object[] {"Under-cabinet LED strip", 199, "Pendant lamp", 459, "Ceiling panel light", 329,
                "Sensor light", 129, "Spotlight set", 389}},
            {"storage", 0.55, new Object[] {"Drawer organiser", 159, "Pull-out basket", 499, "Spice rack", 239,
                "Lift-up wall basket", 899, "Corner \"magic box\"", 1299}},
            {"installation", 0.55, new Object[] {"Measuring service", 200, "Installation service", 1500,
                "Old kitchen removal", 800, "Plumbing adjustment", 600, "Extended warranty 3y", 990}},
            {"accessories", 0.50, new Object[] {"Knife block set", 399, "Soft-close hinge pack", 89, "Handle set", 149,
                "Cutting board set", 129, "Wine rack", 299}},
        };
        Product[] out = new Product[40];
        int n = 0;
        for (Object[] cat : categories) {
            double margin = (Double) cat[1];
            Object[] items = (Object[]) cat[2];
            for (int i = 0; i < items.length; i += 2) {
                long price = ((Integer) items[i + 1]) * 100L;
                double m = margin + ((i / 2) - 2) * 0.02; // spread margins a little within the category
                out[n] = new Product(String.format("P%03d", n + 1), (String) items[i], (String) cat[0], price,
                        Math.round(price * (1 - m)));
                n++;
            }
        }
        return out;
    }

    /** Popularity by catalogue position: cheap, frequent items are bought more often than full kitchens. */
    static final double[] PRODUCT_CUMULATIVE;

    static {
        double[] w = new double[PRODUCTS.length];
        for (int i = 0; i < w.length; i++) w[i] = 1.0 / Math.sqrt(PRODUCTS[i].priceCents() / 10_000.0 + 1);
        PRODUCT_CUMULATIVE = Sampling.cumulative(w);
    }

    static final double[] LINES_CUMULATIVE = Sampling.cumulative(40, 25, 15, 12, 8); // 1..5 lines per order

    static final String[] ORDER_CHANNELS = {"shop", "online", "dealer", "phone"};
    static final double[] ORDER_CHANNEL_CUMULATIVE = Sampling.cumulative(45, 25, 20, 10);

    // Repeat purchases, BG/NBD style (Fader, Hardie & Lee 2005): lambda ~ Gamma(r, alpha) purchases per day,
    // and after each purchase the customer drops out for good with probability p ~ Beta(a, b).
    static final double PURCHASE_R = 0.6;
    static final double PURCHASE_ALPHA_DAYS = 110; // mean rate r/alpha ~ 2 purchases a year
    static final double DROPOUT_A = 0.7;
    static final double DROPOUT_B = 2.8;
    static final double RETURN_SHARE = 0.03;

    /** Relative order intensity by month: Chinese New Year (Jan-Feb) and year-end (Nov-Dec) peaks. */
    private static final double[] SEASON = {1.30, 1.15, 0.90, 0.90, 1.00, 0.95, 0.85, 0.85, 1.00, 1.05, 1.50, 1.60};
    static final double SEASON_MAX = 1.60;

    static double season(long epochDay) {
        return SEASON[LocalDate.ofEpochDay(epochDay).getMonthValue() - 1];
    }

    static final String[] PAYMENT_METHODS = {"cash", "bank_transfer", "card", "cheque", "mobile", "other"};
    static final double[] PAYMENT_METHOD_CUMULATIVE = Sampling.cumulative(10, 35, 20, 3, 30, 2);

    static final String[] CONTACT_CHANNELS = {"phone", "email", "chat", "visit", "sms", "mail", "other"};
    static final double[] CONTACT_CHANNEL_CUMULATIVE = Sampling.cumulative(35, 15, 25, 12, 8, 3, 2);

    static final String[] CONTACT_SUMMARIES = {
        "Follow-up call, customer satisfied",
        "Asked about installation date",
        "Sent new catalogue by e-mail",
        "Complaint: hinge broken, technician booked",
        "Discussed upgrade, wants a quote",
        "Birthday greeting sent",
        "Customer said \"call me after the holiday\"",
        "Visited showroom with family",
        "Reminded about invoice due",
        "Warranty renewal offered, thinking about it",
        "No answer, will retry",
        "Referred a friend; thanked with a voucher",
    };

    static final String[] EVENT_CALL_OUTCOMES = {"interested", "call back later", "no answer", "requested brochure"};

    private BehaviourModel() {}
}
