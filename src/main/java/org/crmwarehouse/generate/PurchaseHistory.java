package org.crmwarehouse.generate;

import static org.crmwarehouse.generate.BehaviourModel.*;

import java.io.IOException;
import java.util.SplittableRandom;

/** Orders (one row per line), their occasional returns, and one invoice per sale order. */
final class PurchaseHistory {
    private static final int MAX_ORDERS = 300;
    private final Timeline time;
    private final CsvTable orders;
    private final CsvTable payments;
    // the current order's lines, kept only to build a return from them
    private final int[] lineProduct = new int[5];
    private final int[] lineQty = new int[5];
    private final int[] linePct = new int[5];

    PurchaseHistory(Timeline time, CsvTable orders, CsvTable payments) {
        this.time = time;
        this.orders = orders;
        this.payments = payments;
    }

    /** BG/NBD-like: the first purchase is the deal that made the customer; then purchases at rate lambda
     *  (thinned by seasonality) until the customer drops out (probability p after each purchase) or time runs out. */
    void write(CustomerContext c) throws IOException {
        SplittableRandom r = c.random;
        double lambda = Sampling.gamma(r, PURCHASE_R, PURCHASE_ALPHA_DAYS);
        double p = Sampling.beta(r, DROPOUT_A, DROPOUT_B);
        long t = c.createdSec;
        int seq = 0;
        c.droppedOut = false;
        while (true) {
            seq = order(c, seq + 1, t);
            c.lastOrderSec = t;
            if (r.nextDouble() < p) {
                c.droppedOut = true;
                return;
            }
            do {
                t += (long) (Sampling.exponential(r, lambda * SEASON_MAX) * Timeline.DAY) + 1;
                if (t > time.endSec || seq >= MAX_ORDERS) return;
            } while (r.nextDouble() * SEASON_MAX >= season(Timeline.day(t)));
        }
    }

    /** Writes sale order number seq at time t (and maybe a return after it); returns the last order number used. */
    private int order(CustomerContext c, int seq, long t) throws IOException {
        SplittableRandom r = c.random;
        String orderId = "O" + c.pad + "-" + seq;
        String when = Fmt.timestamp(t);
        int ch = Sampling.pick(r, ORDER_CHANNEL_CUMULATIVE);
        String channel = ORDER_CHANNELS[ch];
        String seller = r.nextDouble() < 0.8 ? c.owner : time.salesperson(r.nextInt(time.salespeople));
        String dept = department(ch, c);
        int lines = 1 + Sampling.pick(r, LINES_CUMULATIVE);
        long total = 0;
        for (int l = 0; l < lines; l++) {
            int prod = Sampling.pick(r, PRODUCT_CUMULATIVE);
            Product pr = PRODUCTS[prod];
            int qty = pr.category().equals("countertops") ? 2 + r.nextInt(5)
                    : r.nextDouble() < 0.75 ? 1 : r.nextDouble() < 0.6 ? 2 : 3 + r.nextInt(3);
            int pct = r.nextDouble() < 0.25 ? 5 * (1 + r.nextInt(6)) : 0;
            lineProduct[l] = prod;
            lineQty[l] = qty;
            linePct[l] = pct;
            total += Math.round(qty * pr.priceCents() * (100 - pct) / 100.0);
            orders.write(line(orderId, l + 1, c, when, "sale", pr, qty, pct, r, channel, seller, dept));
        }
        if (seq == 1) c.firstOrderCents = total;
        invoice(c, seq, orderId, total, Timeline.day(t), ch == 2 ? 60 : 30, seller);
        if (r.nextDouble() < RETURN_SHARE) {
            long back = t + (1 + r.nextInt(30)) * Timeline.DAY + r.nextInt(3600);
            if (back <= time.endSec) {
                int l = r.nextInt(lines);
                Product pr = PRODUCTS[lineProduct[l]];
                orders.write(line("O" + c.pad + "-" + (seq + 1), 1, c, Fmt.timestamp(back), "return", pr,
                        1 + r.nextInt(lineQty[l]), linePct[l], r, channel, seller, dept));
                return seq + 1;
            }
        }
        return seq;
    }

    private String[] line(String orderId, int lineNo, CustomerContext c, String when, String type, Product pr, int qty,
                          int pct, SplittableRandom r, String channel, String seller, String dept) {
        return new String[] {orderId, Integer.toString(lineNo), c.id, when, type, pr.id(), pr.name(), pr.category(),
            Integer.toString(qty), Fmt.money(pr.priceCents()), r.nextDouble() < 0.95 ? Fmt.money(pr.costCents()) : "",
            pct == 0 ? "" : Fmt.fraction(pct), channel, seller, dept};
    }

    private static String department(int channel, CustomerContext c) {
        return switch (channel) {
            case 0 -> "Shop " + c.city;
            case 1 -> "E-commerce";
            case 2 -> "Dealer network " + Demography.REGIONS[c.region];
            default -> "Call centre";
        };
    }

    /** Most invoices are paid on time, some late, some partly, some never; nothing is paid after the business date. */
    private void invoice(CustomerContext c, int seq, String orderId, long cents, long issueDay, int terms, String seller)
            throws IOException {
        SplittableRandom r = c.random;
        long due = issueDay + terms;
        double u = r.nextDouble();
        long paidDay;
        long paidCents = cents;
        if (u < 0.72) paidDay = issueDay + r.nextInt(terms + 1);
        else if (u < 0.87) paidDay = due + 1 + (long) Sampling.exponential(r, 1 / 25.0);
        else if (u < 0.93) {
            paidDay = issueDay + r.nextInt(terms + 1);
            paidCents = Math.round(cents * (0.3 + 0.6 * r.nextDouble()));
        } else paidDay = Long.MAX_VALUE;
        String method = PAYMENT_METHODS[Sampling.pick(r, PAYMENT_METHOD_CUMULATIVE)];
        boolean paid = paidDay <= time.endDay;
        payments.write("I" + c.pad + "-" + seq, c.id, orderId, Fmt.money(cents), Fmt.date(issueDay), Fmt.date(due),
                paid ? Fmt.date(paidDay) : "", paid ? Fmt.money(paidCents) : "", paid ? method : "", seller);
    }
}
