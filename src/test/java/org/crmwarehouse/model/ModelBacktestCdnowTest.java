package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 1 on the published exercise: the shipped jobs/cdnow.yaml at its business date
 * 1998-06-30 with a 39-week holdout, so the back-test's calibration period is the papers' weeks
 * 1-39 (to 1997-09-30) and its holdout their weeks 40-78. The BG/NBD calibration fit is the
 * published one (Fader, Hardie &amp; Lee 2005: r 0.243, alpha 4.414, a 0.793, b 2.426) and its
 * expected repeat purchases in weeks 40-78 sum to the published 1,653.4 (the paper's figure; the
 * sum of the conditional expectations over the 2,357 customers). What happened is counted here
 * from the raw CDNOW file in plain Java: purchases on one day are one transaction, per customer
 * and calibration frequency. The night runs in-process (extract, validate, models; no publish).
 * Skips without ../shared/datasets.
 */
class ModelBacktestCdnowTest {
    private static final Path SAMPLE = Path.of("../shared/datasets/CDNOW_sample.txt");
    private static final String CALIBRATION_END = "19970930";

    @Test
    void bgNbdBacktestReproducesThePublishedWeeks40To78Forecast(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.exists(SAMPLE), "../shared/datasets absent: " + SAMPLE.toAbsolutePath());
        // the raw file: master id -> day -> dollars (one transaction per customer-day)
        Map<String, TreeMap<String, BigDecimal>> days = new HashMap<>();
        for (String line : Files.readAllLines(SAMPLE, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                String[] f = line.trim().split("\\s+");
                days.computeIfAbsent(f[0], k -> new TreeMap<>()).merge(f[2], new BigDecimal(f[4]), BigDecimal::add);
            }
        }
        long customers = 0;
        long holdout = 0;
        long byWeek52 = 0;
        BigDecimal holdoutDollars = BigDecimal.ZERO;
        long[] bucketCustomers = new long[8];
        long[] bucketHoldout = new long[8];
        for (TreeMap<String, BigDecimal> d : days.values()) {
            if (d.firstKey().compareTo(CALIBRATION_END) > 0) {
                continue;
            }
            customers++;
            TreeSet<String> all = new TreeSet<>(d.keySet());
            int x = all.headSet(CALIBRATION_END, true).size() - 1;
            long later = all.tailSet(CALIBRATION_END, false).size();
            holdout += later;
            byWeek52 += all.subSet(CALIBRATION_END, false, "19971230", true).size(); // 13 weeks = 91 days later
            holdoutDollars = holdoutDollars.add(d.tailMap(CALIBRATION_END, false).values().stream()
                    .reduce(BigDecimal.ZERO, BigDecimal::add));
            bucketCustomers[Math.min(x, 7)]++;
            bucketHoldout[Math.min(x, 7)] += later;
        }
        assertThat(customers).isEqualTo(2_357);

        try (Connection db = Db.inMemory()) {
            runShippedConfig(db, dir);
            assertThat(Db.queryStrings(db, "SELECT DISTINCT CAST(calibration_end AS VARCHAR) || ' ' || holdout_periods"
                    + " || ' ' || time_unit FROM mart_model_backtest")).containsExactly("1997-09-30 39 week");
            assertThat(figure(db, "BG/NBD", "total_repeat_purchases", "predicted", "true")).isCloseTo(1653.4, within(0.05));
            assertThat(figure(db, "BG/NBD", "total_repeat_purchases", "actual", "true")).isEqualTo(holdout);
            assertThat(figure(db, "BG/NBD", "total_repeat_purchases", "customers", "true")).isEqualTo(customers);
            assertThat(figure(db, "BG/NBD", "cumulative_repeat_purchases", "predicted", "period = 39"))
                    .isCloseTo(1653.4, within(0.05));
            assertThat(figure(db, "BG/NBD", "cumulative_repeat_purchases", "actual", "period = 13")).isEqualTo(byWeek52);
            assertThat(figure(db, "BG/NBD", "cumulative_repeat_purchases", "actual", "period = 39")).isEqualTo(holdout);
            assertThat(Db.queryStrings(db, "SELECT note FROM mart_model_backtest WHERE measure = 'total_repeat_purchases'"))
                    .singleElement().asString().contains("alpha = 4.414").contains("b = 2.426");
            for (int b = 0; b < 8; b++) {
                String bucket = "bucket = '" + (b == 7 ? "7+" : b) + "'";
                assertThat(figure(db, "BG/NBD", "purchases_by_frequency", "customers", bucket)).isEqualTo(bucketCustomers[b]);
                assertThat(figure(db, "BG/NBD", "purchases_by_frequency", "actual", bucket))
                        .isCloseTo((double) bucketHoldout[b] / bucketCustomers[b], within(1e-9));
            }
            // spend: the holdout's dollars (to the cent through the mapping's unit prices)
            assertThat(figure(db, "BG/NBD", "total_spend", "actual", "true"))
                    .isCloseTo(holdoutDollars.doubleValue(), within(0.5));
            assertThat(figure(db, "Gamma-Gamma", "mean_spend_per_purchase", "actual", "true"))
                    .isCloseTo(holdoutDollars.doubleValue() / holdout, within(0.001));
            // the Gamma-Gamma calibration fit is the published one (Fader & Hardie 2013: p 6.25, q 3.74, gamma 15.44)
            assertThat(Db.queryStrings(db, "SELECT note FROM mart_model_backtest WHERE model = 'Gamma-Gamma'"))
                    .singleElement().asString().contains("p = 6.25").contains("q = 3.74").contains("gamma = 15.4");
            double mae = figure(db, "BG/NBD", "mean_absolute_error", "error", "true");
            assertThat(mae).isPositive();
            // the night's own fit (to 1998-06-30) is unchanged: BG/NBD, value_purchase_model's default
            assertThat(Db.queryStrings(db, "SELECT DISTINCT model_choice FROM mart_model_fit WHERE model = 'BG/NBD'"))
                    .containsExactly("value_purchase_model: bgnbd");
        }
    }

    /** jobs/cdnow.yaml as shipped, its dataset path made absolute, with a 39-week holdout. */
    private static void runShippedConfig(Connection db, Path dir) throws Exception {
        String shipped = Files.readString(Path.of("jobs/cdnow.yaml"), StandardCharsets.UTF_8);
        assertThat(shipped).contains("\nbusiness_date: 1998-06-30\n").contains("path: ../../shared/datasets/CDNOW_sample.txt");
        Path job = Files.writeString(dir.resolve("cdnow.yaml"), shipped.replace("path: ../../shared/datasets/CDNOW_sample.txt",
                "path: " + SAMPLE.toAbsolutePath().normalize()) + "parameters: {value_backtest_holdout_periods: 39}\n");
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(job);
        new SourceExtractor(contract).extract(db, config);
        new ContractValidator(contract).validate(db, config, config.businessDate());
        new ModelRunner(ModelCatalog.packaged(contract)).run(db, config.businessDate(), config.parameters());
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
}
