package org.crmwarehouse.spark;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/**
 * Compares two nights' published Parquet ({@code marts/<table>/business_date=<d>/<table>.parquet})
 * table by table as multisets, read back by DuckDB (an engine independent of Spark's writer):
 * the same tables, the same column names and types, exactly the same number of rows, and equal
 * rows. Values are compared exactly except DOUBLE and FLOAT columns, whose sums and averages
 * depend on the order the engine adds them in: those are equal within {@link #RELATIVE_TOLERANCE}
 * of the larger magnitude (or {@link #ABSOLUTE_TOLERANCE} near zero), unless the caller states a
 * looser tolerance for a named column ({@code table.column}). Rows are matched after sorting on
 * the exact columns first, so a float difference cannot reorder them.
 *
 * <p>DECIMAL columns are exact, with one stated allowance. Models round a DOUBLE through the engine
 * seam's {@code round_double}, which both engines compute alike, but the DOUBLE itself may end an
 * ulp apart when it is a sum or product taken in another order (mart_funnel's spend, a sum of daily
 * spends; mart_survival's product of ratios), and within an ulp of a half at the rounded place the
 * two decimals are one unit apart. Up to {@link #LAST_PLACE_SHARE} of a table's rows (at least one)
 * may differ by exactly one unit in the last place of a DECIMAL column (measured on the sample
 * night, 2026-12-04: 29 of 78,838 mart_funnel rows, 1 of 1,468 mart_survival rows, none elsewhere);
 * more, or a larger difference, is a difference. The engine's own
 * row of warehouse_models (its name and the hash of its seam file) differs by design and is left
 * out.
 */
public final class PublishedComparison {
    /** Double precision carries ~16 digits; summing the same values in another order loses a few. */
    public static final double RELATIVE_TOLERANCE = 1e-9;
    public static final double ABSOLUTE_TOLERANCE = 1e-9;
    /** The share of a table's rows that may differ by one unit in a DECIMAL's last place (see above). */
    public static final double LAST_PLACE_SHARE = 0.001;
    private static final String ENGINE_ROWS = "warehouse_models";

    private PublishedComparison() {
    }

    /** The differences between the two nights' published Parquet (empty when they are equal). */
    public static List<String> differences(Path martsA, Path martsB, String datePartition,
            Map<String, Double> looserTolerances) throws Exception {
        List<String> differences = new ArrayList<>();
        TreeSet<String> tablesA = tables(martsA, datePartition);
        TreeSet<String> tablesB = tables(martsB, datePartition);
        if (!tablesA.equals(tablesB)) {
            differences.add("tables differ: " + tablesA + " vs " + tablesB);
        }
        try (Connection db = Db.inMemory()) {
            for (String table : tablesA) {
                if (tablesB.contains(table)) {
                    compare(db, table, martsA.resolve(table).resolve(datePartition).resolve(table + ".parquet"),
                            martsB.resolve(table).resolve(datePartition).resolve(table + ".parquet"),
                            looserTolerances, differences);
                }
            }
        }
        return differences;
    }

    private static TreeSet<String> tables(Path marts, String datePartition) throws Exception {
        try (Stream<Path> list = Files.list(marts)) {
            return list.filter(t -> Files.exists(t.resolve(datePartition).resolve(t.getFileName() + ".parquet")))
                    .map(t -> t.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private record Column(String name, String type) {
        boolean floating() {
            return type.equals("DOUBLE") || type.equals("FLOAT");
        }

        /** One unit in the last decimal place of a DECIMAL(p,s) column, or null for other types. */
        BigDecimal lastPlace() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("DECIMAL\\(\\d+,(\\d+)\\)").matcher(type);
            return m.matches() ? BigDecimal.ONE.movePointLeft(Integer.parseInt(m.group(1))) : null;
        }
    }

    static void compare(Connection db, String table, Path a, Path b, Map<String, Double> looser, List<String> out)
            throws Exception {
        List<Column> columnsA = columns(db, a);
        List<Column> columnsB = columns(db, b);
        if (!columnsA.equals(columnsB)) {
            out.add(table + ": columns differ: " + columnsA + " vs " + columnsB);
            return;
        }
        String where = table.equals(ENGINE_ROWS) ? " WHERE model NOT IN ('duckdb', 'spark')" : "";
        List<List<Object>> rowsA = rows(db, a, columnsA, where);
        List<List<Object>> rowsB = rows(db, b, columnsA, where);
        if (rowsA.size() != rowsB.size()) {
            out.add(table + ": " + rowsA.size() + " rows vs " + rowsB.size());
            return;
        }
        int reported = 0;
        List<String> lastPlace = new ArrayList<>();
        for (int r = 0; r < rowsA.size() && reported < 5; r++) {
            for (int c = 0; c < columnsA.size(); c++) {
                Object x = rowsA.get(r).get(c);
                Object y = rowsB.get(r).get(c);
                Column column = columnsA.get(c);
                boolean equal = column.floating() && x != null && y != null
                        ? close(((Number) x).doubleValue(), ((Number) y).doubleValue(),
                                looser.getOrDefault(table + "." + column.name(), RELATIVE_TOLERANCE))
                        : java.util.Objects.equals(x, y);
                if (!equal && x instanceof BigDecimal dx && y instanceof BigDecimal dy && column.lastPlace() != null
                        && dx.subtract(dy).abs().compareTo(column.lastPlace()) == 0) {
                    lastPlace.add(table + " row " + r + " column " + column.name() + ": " + x + " vs " + y);
                    continue;
                }
                if (!equal) {
                    out.add(table + " row " + r + " column " + column.name() + ": " + x + " vs " + y);
                    reported++;
                    break;
                }
            }
        }
        if (lastPlace.size() > Math.max(1, (long) (LAST_PLACE_SHARE * rowsA.size()))) {
            out.add(table + ": " + lastPlace.size() + " of " + rowsA.size() + " rows differ by one unit in a "
                    + "DECIMAL's last place, more than a DOUBLE's summation order explains: " + lastPlace.subList(0,
                            Math.min(5, lastPlace.size())));
        }
    }

    static boolean close(double x, double y, double relative) {
        if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
            return Double.compare(x, y) == 0;
        }
        return Math.abs(x - y) <= Math.max(ABSOLUTE_TOLERANCE, relative * Math.max(Math.abs(x), Math.abs(y)));
    }

    private static List<Column> columns(Connection db, Path file) throws Exception {
        List<Column> columns = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet("
                + Sql.literal(file) + ")")) {
            while (rs.next()) {
                columns.add(new Column(rs.getString(1), rs.getString(2)));
            }
        }
        return columns;
    }

    /** Every row, values as Java objects (nested values as their text), sorted exact columns first. */
    private static List<List<Object>> rows(Connection db, Path file, List<Column> columns, String where)
            throws Exception {
        List<String> order = new ArrayList<>();
        columns.stream().filter(c -> !c.floating()).forEach(c -> order.add(Sql.identifier(c.name())));
        columns.stream().filter(Column::floating).forEach(c -> order.add(Sql.identifier(c.name())));
        List<List<Object>> rows = new ArrayList<>();
        String select = columns.stream().map(c -> c.floating() || simple(c.type()) ? Sql.identifier(c.name())
                : "CAST(" + Sql.identifier(c.name()) + " AS VARCHAR)").collect(java.util.stream.Collectors.joining(", "));
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT " + select + " FROM read_parquet("
                + Sql.literal(file) + ")" + where + (order.isEmpty() ? "" : " ORDER BY " + String.join(", ", order)))) {
            int n = columns.size();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof BigDecimal d ? d.stripTrailingZeros() : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static boolean simple(String type) {
        return !type.contains("[") && !type.startsWith("STRUCT") && !type.startsWith("MAP") && !type.startsWith("UNION");
    }
}
