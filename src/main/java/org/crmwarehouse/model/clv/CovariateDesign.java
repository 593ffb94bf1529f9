package org.crmwarehouse.model.clv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Categorical covariates as 0/1 dummy variables: per attribute (column) one base level, which has
 * no dummy, and one dummy for each other level. A missing value (null) is a level of its own,
 * {@value #MISSING}.
 */
public final class CovariateDesign {

    /** The level of a customer whose attribute is missing. */
    public static final String MISSING = "(missing)";
    /** Most dummies (levels other than the base, over all attributes) a fit takes. */
    public static final int MAX_DUMMIES = 20;

    private final List<String> columns;
    /** Per column, its levels with the base level first. */
    private final List<List<String>> levels;
    private final List<Map<String, Integer>> dummyIndex = new ArrayList<>();
    private final List<String> dummyNames = new ArrayList<>();

    private CovariateDesign(List<String> columns, List<List<String>> levels) {
        if (columns.size() != levels.size() || columns.isEmpty()) {
            throw new IllegalArgumentException("need levels for each of the columns " + columns);
        }
        this.columns = List.copyOf(columns);
        this.levels = levels.stream().map(List::copyOf).toList();
        for (int c = 0; c < columns.size(); c++) {
            Map<String, Integer> index = new HashMap<>();
            List<String> columnLevels = this.levels.get(c);
            for (String level : columnLevels.subList(1, columnLevels.size())) {
                index.put(level, dummyNames.size());
                dummyNames.add(columns.get(c) + "=" + level);
            }
            dummyIndex.add(index);
        }
    }

    /** A design with given levels per column, the first of each the base level. */
    public static CovariateDesign withLevels(List<String> columns, List<List<String>> levels) {
        return new CovariateDesign(columns, levels);
    }

    /**
     * The design of the observed level combinations: per column the base level is the level with
     * the most customers (ties: the first by name), the other levels follow by name.
     *
     * @throws ModelFitException when the levels need more than {@value #MAX_DUMMIES} dummies
     */
    public static CovariateDesign of(List<String> columns, Map<List<String>, Long> customersByLevels) {
        List<List<String>> levels = new ArrayList<>();
        int dummies = 0;
        StringBuilder counts = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            Map<String, Long> customers = new TreeMap<>();
            for (Map.Entry<List<String>, Long> e : customersByLevels.entrySet()) {
                customers.merge(level(e.getKey().get(c)), e.getValue(), Long::sum);
            }
            String base = customers.entrySet().stream()
                    .max(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                    .map(Map.Entry::getKey).orElse(MISSING);
            List<String> columnLevels = new ArrayList<>();
            columnLevels.add(base);
            customers.keySet().stream().filter(l -> !l.equals(base)).forEach(columnLevels::add);
            levels.add(columnLevels);
            dummies += columnLevels.size() - 1;
            counts.append(counts.length() == 0 ? "" : ", ").append(columns.get(c)).append(" has ")
                    .append(columnLevels.size()).append(" levels");
        }
        if (dummies > MAX_DUMMIES) {
            throw new ModelFitException("value_covariates", "the covariates need " + dummies + " dummy variables, more than "
                    + MAX_DUMMIES + " (" + counts + "): choose attributes with fewer distinct values", null);
        }
        return new CovariateDesign(columns, levels);
    }

    /** The level of a value: itself, or {@value #MISSING} when null. */
    public static String level(String value) {
        return value == null ? MISSING : value;
    }

    /** Indices of the dummies that are 1 for a customer with these values (one per column). */
    int[] activeDummies(List<String> values) {
        List<Integer> active = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            String level = level(values.get(c));
            Integer d = dummyIndex.get(c).get(level);
            if (d != null) {
                active.add(d);
            } else if (!level.equals(levels.get(c).get(0))) {
                throw new IllegalArgumentException("level '" + level + "' of " + columns.get(c) + " is not in the design");
            }
        }
        return active.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Why the coefficients cannot be identified from these profiles (the active dummies of each
     * observed level combination), or null: a dummy that is a linear combination of the constant
     * and the dummies before it (two attributes that mark the same customers, such as
     * customer_type=company and gender=(missing) when companies have no gender) has no unique
     * estimate, and the fit would publish an arbitrary split with huge standard errors.
     */
    String unidentified(List<int[]> profiles) {
        int n = dummies() + 1;
        double[][] rows = new double[profiles.size()][n];
        for (int p = 0; p < profiles.size(); p++) {
            rows[p][0] = 1;
            for (int d : profiles.get(p)) {
                rows[p][d + 1] = 1;
            }
        }
        for (int k = 1; k < n; k++) {
            double[][] leading = new double[rows.length][k + 1];
            for (int p = 0; p < rows.length; p++) {
                System.arraycopy(rows[p], 0, leading[p], 0, k + 1);
            }
            int rank = leading.length == 0 ? 0
                    : new org.hipparchus.linear.SingularValueDecomposition(
                            org.hipparchus.linear.MatrixUtils.createRealMatrix(leading)).getRank();
            if (rank < k + 1) {
                String name = dummyNames.get(k - 1);
                String same = null;
                for (int j = 0; j < k - 1 && same == null; j++) {
                    boolean equal = true;
                    for (double[] row : rows) {
                        equal &= row[j + 1] == row[k];
                    }
                    same = equal ? dummyNames.get(j) : null;
                }
                return "the covariate level " + name + " is determined by the other levels"
                        + (same == null ? "" : " (it marks the same customers as " + same + ")")
                        + ": its coefficients cannot be estimated; drop one of the covariates " + columns;
            }
        }
        return null;
    }

    int dummyIndex(int column, String level) {
        return dummyIndex.get(column).get(level);
    }

    public List<String> columns() {
        return columns;
    }

    public String baseLevel(int column) {
        return levels.get(column).get(0);
    }

    /** The levels of a column other than its base level, in dummy order. */
    public List<String> otherLevels(int column) {
        List<String> l = levels.get(column);
        return l.subList(1, l.size());
    }

    public int dummies() {
        return dummyNames.size();
    }

    /** "column=level" of each dummy, in order. */
    public List<String> dummyNames() {
        return dummyNames;
    }

    /** Levels per column (base first), for messages. */
    public Map<String, List<String>> levels() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            out.put(columns.get(c), levels.get(c));
        }
        return out;
    }
}
