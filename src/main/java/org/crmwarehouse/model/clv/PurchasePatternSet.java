package org.crmwarehouse.model.clv;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Column-oriented, de-duplicated view of a list of {@link PurchasePattern}s for fast likelihood
 * sums. Terms that depend only on the frequency x, or only on a time value (t_x or T), are computed
 * once per distinct value per evaluation; the per-pattern work is then a few multiplications and
 * one log-sum-exp. Sums run over fixed chunks in parallel and are added in a fixed order, so a
 * likelihood is bit-for-bit reproducible.
 */
final class PurchasePatternSet {

    private static final int CHUNK = 16_384;

    final int size;
    final long customers;
    final double[] weight;
    /** Distinct frequencies and, per pattern, the index of its frequency. */
    final int[] distinctFrequencies;
    final int[] frequencyIndex;
    /** Distinct time values (recencies and ages together) and, per pattern, their indices. */
    final double[] distinctTimes;
    final int[] recencyIndex;
    final int[] ageIndex;
    /** Distinct (frequency, time) pairs and, per pattern, the pair of its recency and of its age. */
    final int[] pairFrequencyIndex;
    final int[] pairTimeIndex;
    final int[] recencyPair;
    final int[] agePair;

    private PurchasePatternSet(List<PurchasePattern> patterns) {
        size = patterns.size();
        weight = new double[size];
        frequencyIndex = new int[size];
        recencyIndex = new int[size];
        ageIndex = new int[size];
        recencyPair = new int[size];
        agePair = new int[size];
        Map<Integer, Integer> frequencies = new HashMap<>();
        Map<Double, Integer> times = new HashMap<>();
        Map<Long, Integer> pairs = new HashMap<>();
        long total = 0;
        for (int i = 0; i < size; i++) {
            PurchasePattern p = patterns.get(i);
            weight[i] = p.customers();
            total += p.customers();
            frequencyIndex[i] = frequencies.computeIfAbsent(p.frequency(), k -> frequencies.size());
            recencyIndex[i] = times.computeIfAbsent(p.recency(), k -> times.size());
            ageIndex[i] = times.computeIfAbsent(p.age(), k -> times.size());
            recencyPair[i] = pairs.computeIfAbsent(pairKey(frequencyIndex[i], recencyIndex[i]), k -> pairs.size());
            agePair[i] = pairs.computeIfAbsent(pairKey(frequencyIndex[i], ageIndex[i]), k -> pairs.size());
        }
        customers = total;
        distinctFrequencies = new int[frequencies.size()];
        frequencies.forEach((x, index) -> distinctFrequencies[index] = x);
        distinctTimes = new double[times.size()];
        times.forEach((t, index) -> distinctTimes[index] = t);
        pairFrequencyIndex = new int[pairs.size()];
        pairTimeIndex = new int[pairs.size()];
        pairs.forEach((key, index) -> {
            pairFrequencyIndex[index] = (int) (key >>> 32);
            pairTimeIndex[index] = (int) (long) key;
        });
    }

    static PurchasePatternSet of(List<PurchasePattern> patterns) {
        return new PurchasePatternSet(patterns);
    }

    private static long pairKey(int frequencyIndex, int timeIndex) {
        return ((long) frequencyIndex << 32) | timeIndex;
    }

    /** A per-pattern term, evaluated for pattern index i. */
    @FunctionalInterface
    interface PatternTerm {
        double value(int i);
    }

    /** Per-pattern terms, several at once (a log-likelihood and its gradient): fills out for pattern i. */
    @FunctionalInterface
    interface PatternTerms {
        void values(int i, double[] out);
    }

    /** Sum over patterns of customers * term. */
    double weightedSum(PatternTerm term) {
        return weightedSum(size, weight, term);
    }

    /** out[c] = sum over patterns of customers * terms(i)[c], c = 0..count-1. */
    double[] weightedSums(int count, PatternTerms terms) {
        return weightedSums(size, weight, count, terms);
    }

    static double weightedSum(int size, double[] weight, PatternTerm term) {
        int chunks = (size + CHUNK - 1) / CHUNK;
        double[] partial = new double[chunks];
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(chunk -> {
            double sum = 0;
            int end = Math.min(size, (chunk + 1) * CHUNK);
            for (int i = chunk * CHUNK; i < end; i++) {
                sum += weight[i] * term.value(i);
            }
            partial[chunk] = sum;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    static double[] weightedSums(int size, double[] weight, int count, PatternTerms terms) {
        int chunks = (size + CHUNK - 1) / CHUNK;
        double[][] partial = new double[chunks][count];
        IntStream range = IntStream.range(0, chunks);
        (chunks > 1 ? range.parallel() : range).forEach(chunk -> {
            double[] sums = partial[chunk];
            double[] values = new double[count];
            int end = Math.min(size, (chunk + 1) * CHUNK);
            for (int i = chunk * CHUNK; i < end; i++) {
                terms.values(i, values);
                for (int c = 0; c < count; c++) {
                    sums[c] += weight[i] * values[c];
                }
            }
        });
        double[] total = new double[count];
        for (double[] p : partial) {
            for (int c = 0; c < count; c++) {
                total[c] += p[c];
            }
        }
        return total;
    }

    /** Fills out[k] = f(k) for k = 0..n-1, in parallel when n is large. */
    static void fill(double[] out, PatternTerm f) {
        IntStream range = IntStream.range(0, out.length);
        (out.length > CHUNK ? range.parallel() : range).forEach(k -> out[k] = f.value(k));
    }
}
