package org.crmwarehouse.transform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.crmwarehouse.sql.Sql;

/**
 * A/B benchmark of one SQL model (not a test; surefire does not run it): the packaged SQL (A) and
 * a candidate file (B) are built alternately, several rounds, over the tables of a published
 * warehouse (opened read-only), so that both see the same data and the same machine; each build
 * prints its time and a content hash (row count and sum of row hashes). Dependencies that are not
 * published (intermediate models) are built first from their packaged SQL. Exits 1 when the
 * contents differ. A change to a model is reported as the ratio of B's median time to A's.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -Xmx1g -cp target/classes:target/test-classes:$(cat cp.txt) org.crmwarehouse.transform.ModelAbBenchmark \
 *     var/bench/out/warehouse.duckdb mart_funnel /tmp/mart_funnel_candidate.sql [rounds, default 2]
 * </pre>
 */
public final class ModelAbBenchmark {

    private ModelAbBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path warehouse = Path.of(args[0]);
        String modelName = args[1];
        String candidate = Files.readString(Path.of(args[2]));
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        ModelCatalog catalog = ModelCatalog.packaged(Contract.standard());
        SqlModel model = catalog.model(modelName);
        try (Connection db = Db.inMemory()) {
            Db.execute(db, "ATTACH " + Sql.literal(warehouse.toAbsolutePath().toString()) + " AS w (READ_ONLY)");
            Set<String> published = new LinkedHashSet<>(Db.queryStrings(db,
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'w'"));
            for (String table : published) {
                if (!table.equals(modelName)) {
                    Db.execute(db, "CREATE VIEW " + table + " AS SELECT * FROM w." + table);
                }
            }
            LocalDate businessDate = LocalDate.parse(Db.queryStrings(db,
                    "SELECT business_date::VARCHAR FROM w.warehouse_info").get(0));
            new EngineDialect().defineFunctions(db);
            new ModelRunner(catalog).writeParameters(db, businessDate, Map.of(), null);
            published.add("run_parameters");
            for (SqlModel dependency : missingDependencies(catalog, model, published)) {
                long started = System.nanoTime();
                if (catalog.javaModel(dependency.name()).isPresent()) {
                    catalog.javaModel(dependency.name()).get().build(db);
                } else {
                    Db.execute(db, "CREATE TABLE " + dependency.name() + " AS " + dependency.sql());
                }
                System.out.printf(Locale.ROOT, "built %s (not published): %.1f s%n", dependency.name(),
                        (System.nanoTime() - started) / 1e9);
            }
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            Set<String> contents = new LinkedHashSet<>();
            for (int round = 1; round <= rounds; round++) {
                a.add(build(db, "A", round, model.sql(), contents));
                b.add(build(db, "B", round, candidate, contents));
            }
            System.out.printf(Locale.ROOT, "%s: B/A = %.2f (median %.1f s against %.1f s); contents %s%n", modelName,
                    median(b) / median(a), median(b), median(a), contents.size() == 1 ? "identical" : "DIFFER");
            if (contents.size() != 1) {
                System.exit(1);
            }
        }
    }

    private static double build(Connection db, String label, int round, String sql, Set<String> contents)
            throws Exception {
        Db.execute(db, "DROP TABLE IF EXISTS ab_result");
        long started = System.nanoTime();
        Db.execute(db, "CREATE TABLE ab_result AS " + sql);
        double seconds = (System.nanoTime() - started) / 1e9;
        String content = QueryRows.of(db, "SELECT count(*), sum(hash(r)::HUGEINT) FROM ab_result r", " rows, hash ", "")
                .get(0);
        contents.add(content);
        System.out.printf(Locale.ROOT, "%s round %d: %.1f s, %s%n", label, round, seconds, content);
        return seconds;
    }

    /** The model's dependencies that the warehouse does not publish, in build order, recursively. */
    private static List<SqlModel> missingDependencies(ModelCatalog catalog, SqlModel model, Set<String> published) {
        Set<String> needed = new LinkedHashSet<>();
        collect(catalog, model, published, needed);
        return catalog.models().stream().filter(m -> needed.contains(m.name())).toList();
    }

    private static void collect(ModelCatalog catalog, SqlModel model, Set<String> published, Set<String> needed) {
        for (String dependency : model.dependencies()) {
            if (published.contains(dependency) || needed.contains(dependency)) {
                continue;
            }
            SqlModel m = catalog.models().stream().filter(x -> x.name().equals(dependency)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(model.name() + " reads " + dependency
                            + ", which the warehouse does not publish and no model builds"));
            collect(catalog, m, published, needed);
            needed.add(dependency);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
