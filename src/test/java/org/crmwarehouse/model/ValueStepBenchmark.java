package org.crmwarehouse.model;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.model.clv.GammaGammaModel;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.model.clv.SpendPattern;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.EngineDialect;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelParameter;

/**
 * Benchmark of the value step (not a test; surefire does not run it): int_customer_purchase_summary
 * (the real SQL), mart_model_fit (ModelFitModel) and int_customer_value_model (CustomerValueModel)
 * on a generated orders.csv, each timed, plus BgNbdModel.fit and GammaGammaModel.fit alone on the
 * same patterns ModelFitModel reads.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -Xmx1g [-Dvalue_bench_reuse=true] -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     org.crmwarehouse.model.ValueStepBenchmark /tmp/gen10m/orders.csv 2026-06-30 [/tmp/value-bench.duckdb]
 * </pre>
 * With value_bench_reuse the database an earlier run loaded is kept (10M customers: 5 min of load).
 */
public final class ValueStepBenchmark {

    private ValueStepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path orders = Path.of(args[0]);
        LocalDate businessDate = LocalDate.parse(args.length > 1 ? args[1] : "2026-06-30");
        Path dbFile = Path.of(args.length > 2 ? args[2] : "/tmp/value-bench.duckdb");
        // -Dvalue_bench_reuse=true: keep a database whose stg_orders an earlier run loaded (10M: 5 min)
        boolean reuse = Boolean.getBoolean("value_bench_reuse") && Files.exists(dbFile);
        if (!reuse) {
            Files.deleteIfExists(dbFile);
            Files.deleteIfExists(Path.of(dbFile + ".wal"));
        }
        ModelCatalog catalog = ModelCatalog.packaged(Contract.standard());
        System.out.printf("value step benchmark: %s, business_date %s, %d cores, max heap %d MB%n", orders,
                businessDate, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + dbFile)) {
            writeParameters(db, catalog, businessDate);
            new EngineDialect().defineFunctions(db);

            long t0 = System.nanoTime();
            if (reuse) {
                for (String table : List.of("int_customer_purchase_summary", ModelFitModel.NAME, CustomerValueModel.NAME,
                        "int_subscription_tenure", CustomerValueModel.FORECASTS)) {
                    Db.execute(db, "DROP TABLE IF EXISTS " + table);
                }
                System.out.printf("load: reusing %s, %d order lines%n", dbFile,
                        Db.queryLong(db, "SELECT count(*) FROM stg_orders"));
            } else {
                load(db, catalog, orders);
            }
            // no subscriptions: mart_model_fit's sBG part reads an empty tenure table, as a night without them
            Db.execute(db, "CREATE TABLE int_subscription_tenure (plan VARCHAR, billing_period VARCHAR,"
                    + " churn_period BIGINT, tenure_periods BIGINT, is_cancelled BOOLEAN)");
            heap("after load");

            long stepStart = System.nanoTime();
            t0 = System.nanoTime();
            for (String model : List.of("int_customer_transactions", "int_customer_purchase_summary")) {
                Db.execute(db, new EngineDialect().materialize(model, catalog.model(model).sql()));
            }
            long summaryMs = ms(t0);
            t0 = System.nanoTime();
            new ModelFitModel().build(db);
            long fitModelMs = ms(t0);
            t0 = System.nanoTime();
            new CustomerValueModel().build(db);
            long predictMs = ms(t0);
            long stepMs = ms(stepStart);
            heap("after value step");

            long customers = Db.queryLong(db, "SELECT count(*) FROM int_customer_purchase_summary");
            long patterns = Db.queryLong(db, "SELECT count(*) FROM (SELECT DISTINCT frequency, recency, age"
                    + " FROM int_customer_purchase_summary)");
            long spendPatterns = Db.queryLong(db, "SELECT count(*) FROM (SELECT DISTINCT frequency, repeat_mean_revenue"
                    + " FROM int_customer_purchase_summary WHERE frequency > 0 AND repeat_mean_revenue > 0)");
            long repeaters = Db.queryLong(db, "SELECT count(*) FROM int_customer_purchase_summary WHERE frequency > 0");
            System.out.printf("customers (int_customer_purchase_summary): %d, repeat customers: %d%n", customers,
                    repeaters);
            System.out.printf("distinct (x, t_x, T) patterns: %d; distinct (x, m_x) spend patterns: %d%n", patterns,
                    spendPatterns);

            // The fits alone, on the patterns read with ModelFitModel's own queries.
            ValueParameters parameters = ValueParameters.read(db);
            t0 = System.nanoTime();
            List<PurchasePattern> purchases = ModelFitModel.purchasePatterns(db, parameters);
            long readPurchasesMs = ms(t0);
            t0 = System.nanoTime();
            List<SpendPattern> spends = ModelFitModel.spendPatterns(db, parameters);
            long readSpendsMs = ms(t0);
            t0 = System.nanoTime();
            BgNbdModel bg = BgNbdModel.fit(purchases, parameters.timeUnit());
            long bgMs = ms(t0);
            t0 = System.nanoTime();
            GammaGammaModel gg = GammaGammaModel.fit(spends);
            long ggMs = ms(t0);
            System.out.printf("pattern queries: purchases %d ms, spends %d ms%n", readPurchasesMs, readSpendsMs);
            System.out.printf("BG/NBD fit alone: %d ms on %d patterns (%d likelihood evaluations, converged %s)%n",
                    bgMs, purchases.size(), bg.fitResult().iterations(), bg.fitResult().converged());
            System.out.printf("Gamma-Gamma fit alone: %d ms on %d patterns (%d likelihood evaluations, converged %s)%n",
                    ggMs, spends.size(), gg.fitResult().iterations(), gg.fitResult().converged());

            System.out.println("mart_model_fit:");
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT model, time_unit, parameter,"
                    + " estimate, std_error, log_likelihood, customers, patterns, iterations, converged, note"
                    + " FROM mart_model_fit")) {
                while (rs.next()) {
                    System.out.printf("  %-11s %-4s %-5s est %-12.6g se %-12.4g ll %-14.6g customers %d patterns %d"
                            + " iterations %d converged %s%s%n", rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getDouble(4), rs.getDouble(5), rs.getDouble(6), rs.getLong(7), rs.getInt(8),
                            rs.getInt(9), rs.getBoolean(10), rs.getString(11) == null ? "" : " note " + rs.getString(11));
                }
            }
            System.out.printf("int_customer_value_model rows: %d%n",
                    Db.queryLong(db, "SELECT count(*) FROM int_customer_value_model"));
            System.out.printf("timings: int_customer_purchase_summary %d ms, mart_model_fit (ModelFitModel.build)"
                    + " %d ms, int_customer_value_model (CustomerValueModel.build) %d ms%n", summaryMs, fitModelMs,
                    predictMs);
            System.out.printf("whole value step (summary + fit + predictions): %d ms%n", stepMs);
            heap("end");
        }
    }

    /** valid_orders from the CSV, then stg_orders by its packaged SQL. */
    private static void load(Connection db, ModelCatalog catalog, Path orders) throws SQLException {
        long t0 = System.nanoTime();
            // valid_orders as the validate step types it (DECIMAL(18,4), TIMESTAMP, BIGINT); rows
        // failing the contract's required/allowed rules are dropped, as quarantine would; malformed
        // CSV records are skipped, as the extract step rejects them. (Duplicate keys are kept.)
        Db.execute(db, "CREATE TABLE valid_orders AS SELECT order_id, TRY_CAST(line_no AS BIGINT) AS line_no,"
                + " customer_id, TRY_CAST(order_time AS TIMESTAMP) AS order_time, order_type, product_id,"
                + " product_name, category, TRY_CAST(quantity AS DECIMAL(18,4)) AS quantity,"
                + " TRY_CAST(unit_price AS DECIMAL(18,4)) AS unit_price,"
                + " TRY_CAST(unit_cost AS DECIMAL(18,4)) AS unit_cost,"
                + " TRY_CAST(discount AS DECIMAL(18,4)) AS discount, channel, salesperson, department,"
                + " CAST(NULL AS BIGINT) AS _line"
                + " FROM read_csv(" + Sql.literal(orders.toString()) + ", header = true, all_varchar = true, ignore_errors = true)"
                + " WHERE order_id IS NOT NULL AND customer_id IS NOT NULL"
                + " AND TRY_CAST(order_time AS TIMESTAMP) IS NOT NULL AND order_type IN ('sale', 'return')"
                + " AND TRY_CAST(quantity AS DECIMAL(18,4)) >= 0 AND TRY_CAST(unit_price AS DECIMAL(18,4)) >= 0");
        long validMs = ms(t0);
        t0 = System.nanoTime();
        Db.execute(db, "CREATE TABLE stg_orders AS\n" + catalog.model("stg_orders").sql());
        long stagingMs = ms(t0);
        Db.execute(db, "DROP TABLE valid_orders");
        System.out.printf("load: valid_orders %d ms, stg_orders (real SQL) %d ms, %d order lines%n", validMs,
                stagingMs, Db.queryLong(db, "SELECT count(*) FROM stg_orders"));
    }

    /** run_parameters as ModelRunner.writeParameters writes it: defaults, overridden by -D<parameter>=value. */
    private static void writeParameters(Connection db, ModelCatalog catalog, LocalDate businessDate)
            throws SQLException {
        List<String> columns = new ArrayList<>();
        columns.add("DATE " + Sql.literal(businessDate.toString()) + " AS business_date");
        columns.add("CAST(NULL AS VARCHAR) AS published_warehouse");
        for (ModelParameter p : catalog.parameters()) {
            columns.add("CAST(" + Sql.literal(System.getProperty(p.name(), String.valueOf(p.defaultValue()))) + " AS "
                    + p.type() + ") AS " + p.name());
        }
        Db.execute(db, "CREATE OR REPLACE TABLE run_parameters AS SELECT " + String.join(", ", columns));
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void heap(String when) {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("heap %s: used %d MB, peak (sum of heap pools' peaks) %d MB%n", when,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20, peak >> 20);
    }
}
