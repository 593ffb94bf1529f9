package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * mart_model_backtest and value_purchase_model: auto on a small simulated shop: 250 customers
 * acquired in January 2024, each buying at a Poisson rate (Gamma-mixed) and dropping out after a
 * purchase with a Beta-mixed probability, until the business date 2025-06-30; the back-test holds
 * out the last 26 weeks. The actual figures of the mart (per calibration-frequency bucket, per
 * holdout period, totals, spend) are counted here from the simulated purchases, not by the
 * pipeline; auto must pick the candidate with the smallest mean absolute error and say so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelBacktestTest {
    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private static final LocalDate BUSINESS_DATE = LocalDate.of(2025, 6, 30);
    private static final LocalDate CALIBRATION_END = BUSINESS_DATE.minusDays(26 * 7);

    @TempDir
    static Path dir;

    /** Purchase days and cents per day of each simulated customer. */
    private static final Map<String, Map<LocalDate, Long>> purchases = new HashMap<>();
    private static Connection db;
    private static ModelCatalog catalog;

    @BeforeAll
    static void simulate() throws Exception {
        Random random = new Random(20070615);
        List<String> csv = new ArrayList<>();
        csv.add("order_id,line_no,customer_id,order_time,order_type,quantity,unit_price");
        int order = 0;
        for (int c = 0; c < 250; c++) {
            String id = String.format(Locale.ROOT, "C%03d", c);
            double lambda = gamma(random, 0.8) / 4.0; // per week: Gamma(0.8, alpha = 4)
            double p = beta(random, 1.0, 3.0);
            double week = random.nextInt(28) / 7.0; // acquired in the first four weeks
            double end = (BUSINESS_DATE.toEpochDay() - START.toEpochDay() + 1) / 7.0;
            Map<LocalDate, Long> days = new java.util.TreeMap<>();
            while (week < end) {
                LocalDate day = START.plusDays((long) Math.floor(week * 7));
                long cents = 1000 + random.nextInt(4000);
                days.merge(day, cents, Long::sum);
                csv.add("R" + (++order) + ",1," + id + "," + day + " 10:00:00,sale,1," + cents / 100 + "." + String.format(
                        Locale.ROOT, "%02d", cents % 100));
                if (days.size() > 1 && random.nextDouble() < p) {
                    break;
                }
                week += -Math.log(1 - random.nextDouble()) / lambda;
            }
            purchases.put(id, days);
        }
        Files.write(dir.resolve("orders.csv"), csv);
        db = Db.inMemory();
        run(db, "auto", 26);
    }

    @Test
    @Order(1)
    void autoChoosesTheSmallestBacktestErrorAndTheActualsAreTheSimulatedOnes() throws Exception {
        {
            // what happened, counted from the simulation: customer-days after the calibration end
            long customers = 0;
            long total = 0;
            long byWeek13 = 0;
            long cents = 0;
            long[] bucketCustomers = new long[8];
            long[] bucketPurchases = new long[8];
            for (Map<LocalDate, Long> days : purchases.values()) {
                TreeSet<LocalDate> all = new TreeSet<>(days.keySet());
                if (all.first().isAfter(CALIBRATION_END)) {
                    continue;
                }
                customers++;
                int x = all.headSet(CALIBRATION_END, true).size() - 1;
                long holdout = all.tailSet(CALIBRATION_END, false).size();
                total += holdout;
                byWeek13 += all.subSet(CALIBRATION_END, false, CALIBRATION_END.plusDays(91), true).size();
                cents += days.entrySet().stream().filter(e -> e.getKey().isAfter(CALIBRATION_END))
                        .mapToLong(Map.Entry::getValue).sum();
                bucketCustomers[Math.min(x, 7)]++;
                bucketPurchases[Math.min(x, 7)] += holdout;
            }
            assertThat(customers).isEqualTo(250);
            Map<String, Double> mae = new HashMap<>();
            for (String model : PurchaseModels.CANDIDATES) {
                assertThat(figure(db, model, "total_repeat_purchases", "actual")).isEqualTo(total);
                assertThat(figure(db, model, "cumulative_repeat_purchases", "actual", "period = 13")).isEqualTo(byWeek13);
                assertThat(figure(db, model, "cumulative_repeat_purchases", "actual", "period = 26")).isEqualTo(total);
                assertThat(figure(db, model, "total_spend", "actual")).isCloseTo(cents / 100.0, within(0.005));
                for (int b = 0; b < 8; b++) {
                    if (bucketCustomers[b] > 0) {
                        String bucket = "bucket = '" + (b == 7 ? "7+" : b) + "'";
                        assertThat(figure(db, model, "purchases_by_frequency", "customers", bucket))
                                .isEqualTo(bucketCustomers[b]);
                        assertThat(figure(db, model, "purchases_by_frequency", "actual", bucket))
                                .isCloseTo((double) bucketPurchases[b] / bucketCustomers[b], within(1e-9));
                    }
                }
                mae.put(model, figure(db, model, "mean_absolute_error", "error"));
                assertThat(mae.get(model)).isPositive();
            }
            String best = mae.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            List<String> chosen = Db.queryStrings(db, "SELECT DISTINCT model || ' | ' || model_choice FROM mart_model_fit"
                    + " WHERE model_choice IS NOT NULL");
            assertThat(chosen).hasSize(1);
            assertThat(chosen.get(0)).startsWith(best + " | value_purchase_model: auto: smallest back-test mean absolute"
                    + " error of holdout purchases per customer (250 customers, 26 weeks after " + CALIBRATION_END + ")");
            mae.forEach((model, error) -> assertThat(chosen.get(0))
                    .contains(model + " " + String.format(Locale.ROOT, "%.4f", error)));
            assertThat(Db.queryLong(db, "SELECT count(DISTINCT model) FROM mart_model_fit WHERE model IN"
                    + " ('BG/NBD', 'Pareto/NBD', 'MBG/NBD') AND converged")).isEqualTo(1);
            assertThat(Db.queryLong(db, "SELECT count(*) FROM int_customer_value_model WHERE expected_purchases > 0"))
                    .isEqualTo(250);
        }
    }

    /** The night's database again with other parameters: only the back-test and the fits are rebuilt. */
    @Test
    @Order(2)
    void anOffOrTooLongHoldoutIsSkippedWithTheReasonAndAutoFallsBackToBgNbd() throws Exception {
        {
            rebuild("auto", 0);
            assertThat(Db.queryStrings(db, "SELECT DISTINCT measure || ' | ' || note FROM mart_model_backtest"))
                    .containsExactly("skipped | back-test off: value_backtest_holdout_periods = 0");
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_backtest")).isEqualTo(4);
            assertThat(Db.queryStrings(db, "SELECT DISTINCT model || ' | ' || model_choice FROM mart_model_fit"
                    + " WHERE model_choice IS NOT NULL")).singleElement().asString()
                    .startsWith("BG/NBD | value_purchase_model: auto, no back-test to choose by (")
                    .endsWith("): BG/NBD, the default");
        }
        {
            rebuild("bgnbd", 200);
            assertThat(Db.queryStrings(db, "SELECT model || ' | ' || measure || ' | ' || note FROM mart_model_backtest"
                    + " ORDER BY model")).containsExactly(
                    "BG/NBD | skipped | skipped: no customer bought on or before the calibration end "
                            + BUSINESS_DATE.minusDays(1400) + " (business_date minus 200 weeks): the holdout reaches"
                            + " before the first order",
                    "Gamma-Gamma | skipped | skipped: no customer bought on or before the calibration end "
                            + BUSINESS_DATE.minusDays(1400) + " (business_date minus 200 weeks): the holdout reaches"
                            + " before the first order");
            assertThat(Db.queryStrings(db, "SELECT DISTINCT model_choice FROM mart_model_fit WHERE model = 'BG/NBD'"))
                    .containsExactly("value_purchase_model: bgnbd");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    /** Rebuilds the back-test's models and mart_model_fit under other parameters (ModelRunner's order). */
    private static void rebuild(String purchaseModel, int holdout) throws SQLException {
        Db.execute(db, "UPDATE run_parameters SET value_purchase_model = '" + purchaseModel
                + "', value_backtest_holdout_periods = " + holdout);
        for (String model : List.of("int_customer_backtest_summary", "int_backtest_holdout_periods",
                ModelBacktestModel.NAME, ModelFitModel.NAME)) {
            if (catalog.javaModel(model).isPresent()) {
                catalog.javaModel(model).get().build(db);
            } else {
                Db.execute(db, "CREATE OR REPLACE TABLE " + model + " AS " + catalog.model(model).sql());
            }
        }
    }

    private static void run(Connection db, String purchaseModel, int holdout) throws Exception {
        Path job = dir.resolve("job-" + purchaseModel + "-" + holdout + ".yaml");
        Files.writeString(job, """
                name: simulated
                business_date: %s
                sources:
                  orders: {path: orders.csv}
                parameters:
                  value_purchase_model: %s
                  value_backtest_holdout_periods: %d
                """.formatted(BUSINESS_DATE, purchaseModel, holdout));
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(job);
        new SourceExtractor(contract).extract(db, config);
        new ContractValidator(contract).validate(db, config, config.businessDate());
        catalog = ModelCatalog.packaged(contract);
        new ModelRunner(catalog).run(db, config.businessDate(), config.parameters());
    }

    private static double figure(Connection db, String model, String measure, String column) throws SQLException {
        return figure(db, model, measure, column, "true");
    }

    private static double figure(Connection db, String model, String measure, String column, String where)
            throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT " + column
                + " FROM mart_model_backtest WHERE model = '" + model + "' AND measure = '" + measure + "' AND " + where)) {
            assertThat(rs.next()).as(model + " " + measure + " " + where).isTrue();
            double value = rs.getDouble(1);
            assertThat(rs.next()).as("one row").isFalse();
            return value;
        }
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang (shape < 1 through the boost U^(1/shape)). */
    private static double gamma(Random random, double shape) {
        if (shape < 1) {
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = random.nextGaussian();
            double v = Math.pow(1 + c * z, 3);
            if (v > 0 && Math.log(random.nextDouble()) < z * z / 2 + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    private static double beta(Random random, double a, double b) {
        double x = gamma(random, a);
        return x / (x + gamma(random, b));
    }
}
