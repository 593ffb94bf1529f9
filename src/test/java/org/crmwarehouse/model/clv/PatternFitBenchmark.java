package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Test;

/**
 * Fit cost on the pattern set of a large customer base. Not run by default (surefire only picks up
 * *Test classes); run with
 * {@code mvn -B test -Dtest=PatternFitBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Simulates 10,000,000 customers from a BG/NBD process with the published CDNOW parameters,
 * acquired uniformly over two years (T = 1..104 whole weeks), rounds recency to whole weeks,
 * aggregates them into distinct (x, t_x, T) patterns in a HashMap and times the fits.
 */
class PatternFitBenchmark {

    private static final int CUSTOMERS = 10_000_000;
    private static final int MAX_AGE_WEEKS = 104;

    @Test
    void fitsTenMillionCustomersAsPatterns() {
        long start = System.nanoTime();
        List<PurchasePattern> patterns = simulate(0.243, 4.414, 0.793, 2.426, 20260515L);
        double simulationSeconds = seconds(start);
        System.out.printf("simulated %,d customers into %,d distinct patterns in %.1f s (%d cores)%n",
                CUSTOMERS, patterns.size(), simulationSeconds, Runtime.getRuntime().availableProcessors());

        start = System.nanoTime();
        FitResult bgNbd = BgNbdModel.fit(patterns, TimeUnit.WEEK).fitResult();
        double bgNbdSeconds = seconds(start);
        System.out.printf("BG/NBD fit: %.2f s, %d likelihood evaluations, %s, SE %s, LL %.1f%n",
                bgNbdSeconds, bgNbd.iterations(), bgNbd.estimates(), bgNbd.standardErrors(), bgNbd.logLikelihood());

        start = System.nanoTime();
        FitResult paretoNbd = ParetoNbdModel.fit(patterns, TimeUnit.WEEK).fitResult();
        System.out.printf("Pareto/NBD fit: %.2f s, %d likelihood evaluations, %s, LL %.1f%n",
                seconds(start), paretoNbd.iterations(), paretoNbd.estimates(), paretoNbd.logLikelihood());

        assertThat(bgNbd.customers()).isEqualTo(CUSTOMERS);
        // 10M customers recover the simulating parameters closely (weekly rounding of t_x aside)
        assertThat(bgNbd.estimate("r")).isCloseTo(0.243, within(0.01));
        assertThat(bgNbd.estimate("a")).isCloseTo(0.793, within(0.05));
    }

    /**
     * BG/NBD process (Fader, Hardie &amp; Lee 2005, section 3): lambda ~ Gamma(r, alpha),
     * p ~ Beta(a, b); exponential inter-purchase times at rate lambda; after each repeat purchase
     * the customer drops out with probability p.
     */
    private static List<PurchasePattern> simulate(double r, double alpha, double a, double b, long seed) {
        RandomDataGenerator random = new RandomDataGenerator(seed);
        Map<Long, long[]> counts = new HashMap<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            int age = 1 + random.nextInt(MAX_AGE_WEEKS);
            double lambda = random.nextGamma(r, 1 / alpha);
            double p = random.nextBeta(a, b);
            int x = 0;
            double last = 0;
            double t = random.nextExponential(1 / lambda);
            while (t <= age) {
                x++;
                last = t;
                if (random.nextDouble() < p) {
                    break;
                }
                t += random.nextExponential(1 / lambda);
            }
            long recency = Math.round(last);
            long key = ((long) x << 40) | (recency << 20) | age;
            counts.computeIfAbsent(key, k -> new long[1])[0]++;
        }
        List<PurchasePattern> patterns = new ArrayList<>(counts.size());
        counts.forEach((key, n) -> patterns.add(new PurchasePattern((int) (key >>> 40),
                (key >>> 20) & 0xFFFFF, key & 0xFFFFF, n[0])));
        return patterns;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
