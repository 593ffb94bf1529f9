package org.crmwarehouse.model.clv;

/**
 * Subscriptions sharing one observed outcome in a discrete-time contractual setting: cancelled in
 * period {@code periods} (its T, 1 = did not renew after the first period), or, when not {@code
 * cancelled}, still active after {@code periods} whole periods (censored: T &gt; periods).
 */
public record RetentionPattern(int periods, boolean cancelled, long subscriptions) {

    public RetentionPattern {
        if (cancelled ? periods < 1 : periods < 0) {
            throw new IllegalArgumentException("a cancellation is in period >= 1, a survivor after >= 0 periods: "
                    + periods);
        }
        if (subscriptions < 1) {
            throw new IllegalArgumentException("a pattern has at least one subscription: " + subscriptions);
        }
    }
}
