package org.crmwarehouse.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.transform.SqlModel;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: every model of the sample night (data-samples, jobs/nightly.yaml) built by Spark SQL
 * equals the DuckDB night's table as a multiset. The independent method is DuckDB itself: the
 * same validated inputs, exported as Parquet, feed both engines.
 *
 * <p>Values compare exactly (decimals, integers of any width, strings, dates, timestamps in UTC,
 * lists element by element) except floating-point numbers, which compare to a relative tolerance
 * of {@value #RELATIVE} (absolute {@value #ABSOLUTE} near zero): sums, averages and fits of
 * DOUBLE columns add in an order that differs between the engines (Spark adds per partition,
 * then the partial sums), so their last bits may differ; which columns are DOUBLE is each
 * model's yml (every DOUBLE column of every model gets this tolerance, nothing else does).
 *
 * <p>Rounding a DOUBLE goes through the seam's {@code round_double} on both engines, so the rule
 * is the same; what remains is the DOUBLE itself, whose last bit depends on the order a sum or a
 * product is taken in. Where such a value lies within an ulp of a half at the rounded place, the
 * two engines' decimals are one unit apart: the columns in {@link #FLOAT_ORDER_LAST_PLACE} (seen on
 * the sample: 29 of 78,838 mart_funnel rows, spend is a sum of daily spends; 1 of 1,468
 * mart_survival rows, survival is a product of ratios) may differ by exactly that, nothing else.
 * The fits' standard errors and the back-test's predictions get {@link #LOOSER} (the same as
 * cli/SparkNightEqualityTest states), and warehouse_models' engine row is compared apart.
 *
 * <p>Acceptance profile: 233-442 s on this 2-core machine with other Spark tests beside it
 * (2026-12-04); every model table of the sample night, intermediate ones included, is equal.
 */
@Tag("acceptance")
class SparkModelsEqualityTest {
    static final Set<String> FLOAT_ORDER_LAST_PLACE = Set.of("mart_funnel.spend", "mart_funnel.cost_per_lead",
            "mart_funnel.cost_per_call", "mart_funnel.cost_per_deal", "mart_funnel.return_on_spend",
            "mart_survival.survival", "mart_survival.ci_lower", "mart_survival.ci_upper");

    static final double RELATIVE = 1e-9;
    static final double ABSOLUTE = 1e-12;
    static final Map<String, Double> LOOSER = Map.of("mart_model_fit.std_error", 1e-6,
            "mart_model_backtest.predicted", 1e-6);

    @TempDir
    Path tmp;

    @Test
    void everyModelOfTheSampleNightEqualsDuckDbs() throws Exception {
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(Path.of("jobs/nightly.yaml"));
        LocalDate date = config.businessDate();
        ModelCatalog catalog = ModelCatalog.packaged(contract);
        Path work = tmp.resolve("spark-work");
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, date);
            exportTables(db, work);
            new ModelRunner(catalog).run(db, date, config.parameters());

            SparkSession spark = SparkSessions.local("spark-models-equality");
            try {
                new SparkModelRunner(catalog).run(new SparkTables(spark, work), date, config.parameters(), null, Set.of());
            } finally {
                spark.stop();
            }

            List<String> differences = new ArrayList<>();
            List<String> compared = new ArrayList<>();
            for (SqlModel model : catalog.models()) {
                compared.add(model.name());
                String name = model.name();
                differences.addAll(name.equals("warehouse_models")
                        ? compare(db, name, "(SELECT * FROM warehouse_models WHERE layer <> 'engine')",
                                "(SELECT * FROM " + parquet(work, name) + " WHERE layer <> 'engine')")
                        : compare(db, name, name, parquet(work, name)));
            }
            for (String table : List.of("run_parameters", "run_parameter_sources", "audit_warnings")) {
                differences.addAll(compare(db, table, parquet(work, table)));
            }
            // the engine seam's row names the engine and its file; the models' rows are the same
            differences.addAll(compare(db, "(SELECT * FROM " + ModelRunner.MODEL_VERSIONS + " WHERE layer <> 'engine')",
                    "(SELECT * FROM " + parquet(work, ModelRunner.MODEL_VERSIONS) + " WHERE layer <> 'engine')"));
            assertThat(Db.queryStrings(db, "SELECT model FROM " + parquet(work, ModelRunner.MODEL_VERSIONS)
                    + " WHERE layer = 'engine'")).containsExactly("spark");
            assertThat(compared).hasSizeGreaterThan(60);
            assertThat(differences).as("Spark's models against DuckDB's").isEmpty();
        }
    }

    /** The post-validate work database as a SparkTables folder: a Parquet file per table. */
    static void exportTables(Connection db, Path work) throws Exception {
        for (String table : Db.queryStrings(db, "SELECT table_name FROM information_schema.tables"
                + " WHERE table_type = 'BASE TABLE' ORDER BY table_name")) {
            Path folder = work.resolve(table);
            Files.createDirectories(folder);
            Db.execute(db, "COPY " + table + " TO " + Sql.literal(folder.resolve("part-00000.parquet").toString())
                    + " (FORMAT parquet)");
            Files.createFile(folder.resolve("_SUCCESS"));
        }
    }

    static String parquet(Path work, String table) {
        return "read_parquet(" + Sql.literal(work.resolve(table).resolve("*.parquet").toString()) + ")";
    }

    /** The differences between two relations as multisets: columns, row count, then rows in order. */
    static List<String> compare(Connection db, String expected, String actual) throws SQLException {
        return compare(db, expected, expected, actual);
    }

    static List<String> compare(Connection db, String name, String expected, String actual) throws SQLException {
        Table want = read(db, expected);
        Table got = read(db, actual);
        if (!want.columns.equals(got.columns)) {
            return List.of(name + ": columns " + got.columns + " instead of " + want.columns);
        }
        if (want.rows.size() != got.rows.size()) {
            return List.of(name + ": " + got.rows.size() + " rows instead of " + want.rows.size());
        }
        List<String> differences = new ArrayList<>();
        for (int r = 0; r < want.rows.size() && differences.size() < 3; r++) {
            List<Object> w = want.rows.get(r);
            List<Object> g = got.rows.get(r);
            for (int c = 0; c < w.size(); c++) {
                String column = name + "." + want.columns.get(c);
                if (!same(w.get(c), g.get(c), LOOSER.getOrDefault(column, RELATIVE))
                        && !(FLOAT_ORDER_LAST_PLACE.contains(column) && oneLastPlaceApart(w.get(c), g.get(c)))) {
                    differences.add(name + "." + want.columns.get(c) + ": " + g.get(c) + " instead of " + w.get(c)
                            + " in row " + w);
                    break;
                }
            }
        }
        return differences;
    }

    record Table(List<String> columns, List<List<Object>> rows) {
    }

    static Table read(Connection db, String relation) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + relation)) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(normal(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparing(SparkModelsEqualityTest::sortKey));
        return new Table(columns, rows);
    }

    /** A value both engines' files give alike: integers and decimals as BigDecimal, times in UTC. */
    static Object normal(Object v) throws SQLException {
        if (v == null || v instanceof Double || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros();
        }
        if (v instanceof BigInteger || v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte) {
            return new BigDecimal(v.toString()).stripTrailingZeros();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof LocalDate) {
            return v;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (v instanceof Array a) {
            List<Object> list = new ArrayList<>();
            for (Object e : (Object[]) a.getArray()) {
                list.add(normal(e));
            }
            return list;
        }
        return v.toString();
    }

    /** Sorts rows alike on both sides: doubles to 8 significant digits, so last-bit noise keeps the order. */
    static String sortKey(List<Object> row) {
        StringBuilder key = new StringBuilder();
        for (Object v : row) {
            key.append(v instanceof Double d ? String.format("%.8g", d) : String.valueOf(v)).append('\u0001');
        }
        return key.toString();
    }

    /** Two decimals one unit of the last place (of the wider scale) apart. */
    static boolean oneLastPlaceApart(Object want, Object got) {
        if (!(want instanceof BigDecimal w && got instanceof BigDecimal g)) {
            return false;
        }
        int scale = Math.max(w.scale(), g.scale());
        return w.subtract(g).abs().compareTo(BigDecimal.ONE.movePointLeft(scale)) <= 0;
    }

    static boolean same(Object want, Object got) {
        return same(want, got, RELATIVE);
    }

    static boolean same(Object want, Object got, double relative) {
        if (want == null || got == null) {
            return want == got;
        }
        if (want instanceof BigDecimal w && got instanceof BigDecimal g) {
            return w.compareTo(g) == 0;
        }
        if (want instanceof Number w && got instanceof Number g) {
            double a = w.doubleValue();
            double b = g.doubleValue();
            if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) {
                return Double.compare(a, b) == 0;
            }
            return Math.abs(a - b) <= Math.max(ABSOLUTE, relative * Math.max(Math.abs(a), Math.abs(b)));
        }
        if (want instanceof List<?> w && got instanceof List<?> g) {
            if (w.size() != g.size()) {
                return false;
            }
            for (int i = 0; i < w.size(); i++) {
                if (!same(w.get(i), g.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return want.equals(got);
    }
}
