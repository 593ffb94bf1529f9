package org.crmwarehouse.generate;

import java.util.SplittableRandom;

/** Random variates on SplittableRandom, so every stream is reproducible from its seed alone. */
final class Sampling {
    private Sampling() {}

    /** SplitMix64 finaliser: turns (seed, stream, index) into a well-mixed seed for an independent stream. */
    static long mix(long seed, long stream, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1) + 0xBF58476D1CE4E5B9L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static double exponential(SplittableRandom r, double rate) {
        return -Math.log(1.0 - r.nextDouble()) / rate;
    }

    static double normal(SplittableRandom r) {
        // Marsaglia polar method; one value is discarded, which keeps the stream position simple.
        double u, v, s;
        do {
            u = 2 * r.nextDouble() - 1;
            v = 2 * r.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /** Gamma(shape, rate) by Marsaglia & Tsang (2000), "A simple method for generating gamma variables",
     *  with the shape < 1 boost Gamma(a) = Gamma(a+1) * U^(1/a). */
    static double gamma(SplittableRandom r, double shape, double rate) {
        if (shape < 1) {
            double u = r.nextDouble();
            return gamma(r, shape + 1, rate) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x, v;
            do {
                x = normal(r);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = r.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v / rate;
            if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v / rate;
        }
    }

    /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
    static double beta(SplittableRandom r, double a, double b) {
        double x = gamma(r, a, 1), y = gamma(r, b, 1);
        return x / (x + y);
    }

    /** Failures before the first success with success probability p, capped. */
    static int geometric(SplittableRandom r, double p, int cap) {
        if (p >= 1) return 0;
        int k = (int) Math.floor(Math.log(1 - r.nextDouble()) / Math.log(1 - p));
        return Math.min(k, cap);
    }

    /** Poisson by inversion; fine for the small means used here. */
    static int poisson(SplittableRandom r, double mean) {
        double l = Math.exp(-mean), p = r.nextDouble();
        int k = 0;
        while (p > l) {
            p *= r.nextDouble();
            k++;
        }
        return k;
    }

    /** Index drawn with probability proportional to cumulative weights (last element = total). */
    static int pick(SplittableRandom r, double[] cumulative) {
        double u = r.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
        return cumulative.length - 1;
    }

    static double[] cumulative(double... weights) {
        double[] c = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) c[i] = sum += weights[i];
        return c;
    }

    static <T> T oneOf(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    static boolean chance(SplittableRandom r, double p) {
        return r.nextDouble() < p;
    }
}
