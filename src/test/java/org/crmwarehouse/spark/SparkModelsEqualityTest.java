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
 * <p>Known difference, not yet fixed: the decimal columns in {@link #TIE_ROUNDED} are
 * {@code round(DOUBLE, n)} of a value whose decimal form ends in 5 at the rounded place (34.745):
 * DuckDB rounds the binary double (34.74499.. to 34.74), Spark its shortest decimal form (34.745
 * to 34.75). There, and only there, one unit of the last decimal place is allowed; the fix is a
 * rounding function in the engine seam that both engines compute alike.
 *
 * <p>Measured 556 s under load 13-19 on the shared 2-core machine (DuckDB night, export, Spark
 * night, comparison). NOT YET PASSING, so in neither the default run nor the acceptance profile
 * (tag {@code spark-pending}; run it with {@code mvn -B test -Dtest.groups=spark-pending
 * -Dtest.excludedGroups= -Dtest=SparkModelsEqualityTest}): it compares the intermediate tables too,
 * where more tie-rounded columns than {@link #TIE_ROUNDED} differ, and warehouse_models' engine
 * row and the back-test predictions need the allowances {@code cli/SparkNightEqualityTest} states.
 * The published tables of the same night are compared, and pass, in SparkNightEqualityTest.
 */
@Tag("spark-pending")
class SparkModelsEqualityTest {
    static final Set<String> TIE_ROUNDED = Set.of("mart_ad_performance.cpc", "mart_campaign_chain.cost_per_lead",
            "mart_funnel.spend", "mart_sales_performance.commission", "mart_survival.survival");

    static final double RELATIVE = 1e-9;
    static final double ABSOLUTE = 1e-12;

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
                differences.addAll(compare(db, model.name(), model.name(), parquet(work, model.name())));
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
                if (!same(w.get(c), g.get(c)) && !(TIE_ROUNDED.contains(name + "." + want.columns.get(c))
                        && oneLastPlaceApart(w.get(c), g.get(c)))) {
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
            return Math.abs(a - b) <= Math.max(ABSOLUTE, RELATIVE * Math.max(Math.abs(a), Math.abs(b)));
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
