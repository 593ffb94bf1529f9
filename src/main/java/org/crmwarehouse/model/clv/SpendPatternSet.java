package org.crmwarehouse.model.clv;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Column-oriented view of {@link SpendPattern}s for the Gamma-Gamma likelihood. What depends only
 * on the data (ln m_x, m_x x) is computed once; what depends only on x and the parameters (the
 * log-gamma terms, px ln x) once per distinct x per evaluation, so a pattern costs one logarithm.
 * Sums run in parallel over fixed chunks (see {@link PurchasePatternSet#weightedSum}).
 */
final class SpendPatternSet {

    final int size;
    final long customers;
    final double[] weight;
    final int[] distinctFrequencies;
    final int[] frequencyIndex;
    final double[] lnMeanSpend;
    final double[] totalSpend;

    private SpendPatternSet(List<SpendPattern> patterns, double unit) {
        size = patterns.size();
        weight = new double[size];
        frequencyIndex = new int[size];
        lnMeanSpend = new double[size];
        totalSpend = new double[size];
        Map<Integer, Integer> frequencies = new HashMap<>();
        long total = 0;
        for (int i = 0; i < size; i++) {
            SpendPattern s = patterns.get(i);
            double m = s.meanSpend() / unit;
            weight[i] = s.customers();
            total += s.customers();
            frequencyIndex[i] = frequencies.computeIfAbsent(s.frequency(), k -> frequencies.size());
            lnMeanSpend[i] = Math.log(m);
            totalSpend[i] = m * s.frequency();
        }
        customers = total;
        distinctFrequencies = new int[frequencies.size()];
        frequencies.forEach((x, index) -> distinctFrequencies[index] = x);
    }

    /** The patterns with mean spends divided by {@code unit}. */
    static SpendPatternSet of(List<SpendPattern> patterns, double unit) {
        return new SpendPatternSet(patterns, unit);
    }

    /** Sum over patterns of customers * term (fixed chunks, fixed order: reproducible). */
    double weightedSum(PurchasePatternSet.PatternTerm term) {
        return PurchasePatternSet.weightedSum(size, weight, term);
    }

    /** Per-customer sums of several terms at once: out[c] = sum_i customers_i * terms(i)[c]. */
    double[] weightedSums(int count, PurchasePatternSet.PatternTerms terms) {
        return PurchasePatternSet.weightedSums(size, weight, count, terms);
    }
}
