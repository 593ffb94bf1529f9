package org.crmwarehouse.model.clv;

/**
 * A fitted "buy till you die" purchase-count model (BG/NBD or Pareto/NBD) and its per-customer
 * predictions. Times and horizons are in {@link #timeUnit()}.
 */
public interface PurchaseCountModel {

    /** The unit of recency, age and horizons. */
    TimeUnit timeUnit();

    /** The maximum-likelihood fit the parameters come from, or null for given parameters. */
    FitResult fitResult();

    /** P(alive | x, t_x, T): the probability that the customer is still active at T. */
    double probabilityAlive(PurchasePattern pattern);

    /** E[Y(t) | x, t_x, T]: expected number of purchases in (T, T + t]. */
    double expectedPurchases(PurchasePattern pattern, double t);

    /**
     * Expected purchases in each of the next {@code periods} unit periods: element k-1 is
     * E[Y(k)] - E[Y(k-1)], k = 1..periods. A discounted lifetime value over the horizon is then
     * sum_k margin * increment_k / (1 + d)^k, with margin and rate d chosen by the caller.
     */
    default double[] expectedPurchasesPerPeriod(PurchasePattern pattern, int periods) {
        if (periods < 0) {
            throw new IllegalArgumentException("periods must be >= 0, got " + periods);
        }
        double[] increments = new double[periods];
        double previous = 0;
        for (int k = 1; k <= periods; k++) {
            double cumulative = expectedPurchases(pattern, k);
            increments[k - 1] = cumulative - previous;
            previous = cumulative;
        }
        return increments;
    }
}
