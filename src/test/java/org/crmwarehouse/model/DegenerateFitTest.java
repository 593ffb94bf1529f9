package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.model.clv.FitResult;
import org.crmwarehouse.model.clv.FitUsability;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.transform.NightWarnings;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 4, degenerate fits. 85 accounts that buy at their own steady Poisson rate (0.1 to
 * 0.7 a week) and never leave: BG/NBD "converges" with its dropout Beta collapsed (b in the
 * 267,458 and a = 5.4e-4: no account ever drops out), like the issue's a = 5e-5, b = 40,079. The
 * fit must be flagged in mart_model_fit (usable = false, the reason), its predictions not used
 * (p_alive NULL, so churn under churn_definition p_alive falls back to inactivity), and value
 * falls back to the historical value, labelled. Expected revenue per account is summed here from
 * the generated orders; the tiers follow it (top floor(0.05 x 85) = 4 accounts VIP).
 */
class DegenerateFitTest {
    private static final LocalDate END = LocalDate.of(2026, 3, 31);

    @Test
    void aConvergedDegenerateFitIsFlaggedAndItsPredictionsAreNotUsed(@TempDir Path dir) throws Exception {
        Map<String, BigDecimal> revenue = writeNeverLeavingAccounts(dir);
        Files.writeString(dir.resolve("job.yaml"), """
                name: degenerate
                business_date: 2026-03-31
                sources:
                  orders: {path: orders.csv}
                parameters:
                  churn_definition: p_alive
                """);
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(dir.resolve("job.yaml"));
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, config.businessDate());
            new ModelRunner(ModelCatalog.packaged(contract)).run(db, config.businessDate(), config.parameters());

            assertThat(Db.queryStrings(db, "SELECT DISTINCT converged || '|' || usable FROM mart_model_fit"
                    + " WHERE model = 'BG/NBD'")).containsExactly("true|false");
            String reason = Db.queryStrings(db, "SELECT DISTINCT flag_reason FROM mart_model_fit WHERE model = 'BG/NBD'")
                    .get(0);
            assertThat(reason).contains("b = ").contains("outside [1e-04, 1e+04]");
            double b = Double.parseDouble(Db.queryStrings(db, "SELECT estimate FROM mart_model_fit WHERE model = 'BG/NBD'"
                    + " AND parameter = 'b'").get(0));
            assertThat(b).isGreaterThan(FitUsability.SHAPE_MAX);
            // not used: no prediction, and the reason travels to the value marts
            assertThat(Db.queryLong(db, "SELECT count(*) FROM int_customer_value_model WHERE p_alive IS NULL AND ltv IS NULL"
                    + " AND prediction_note LIKE 'BG/NBD fit not usable: %'")).isEqualTo(85);
            assertThat(Db.queryStrings(db, "SELECT DISTINCT churn_basis FROM int_customer_activity"))
                    .containsExactly("inactivity (no model)");
            assertThat(NightWarnings.read(db)).singleElement().asString().startsWith("mart_model_fit: BG/NBD fit is not usable");

            List<String> byRevenue = revenue.entrySet().stream()
                    .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey).toList();
            Map<String, String> tiers = new HashMap<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT customer_id, value_score,"
                    + " historical_revenue, potential_value, value_basis, potential_note, value_tier FROM mart_customer_value")) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    assertThat(rs.getBigDecimal(2)).as(id).isEqualByComparingTo(revenue.get(id));
                    assertThat(rs.getBigDecimal(3)).as(id).isEqualByComparingTo(revenue.get(id));
                    assertThat(rs.getObject(4)).as(id).isNull();
                    assertThat(rs.getString(5)).isEqualTo("revenue");
                    assertThat(rs.getString(6)).startsWith("BG/NBD fit not usable: ");
                    tiers.put(id, rs.getString(7));
                }
            }
            assertThat(tiers).hasSize(85);
            assertThat(byRevenue.subList(0, 4)).allMatch(id -> tiers.get(id).equals("VIP"));
            assertThat(tiers.values().stream().filter("VIP"::equals)).hasSize(4);
        }
    }

    /** The criteria on hand-made fits: CDNOW's published BG/NBD is usable; the issue's case is not. */
    @Test
    void theCriteria() {
        FitResult cdnow = new FitResult(BgNbdModel.NAME, Map.of("r", 0.243, "alpha", 4.414, "a", 0.793, "b", 2.426),
                Map.of("r", 0.0125, "alpha", 0.38, "a", 0.185, "b", 0.705), -9582.4, 2357, 1000, 300, true);
        assertThat(FitUsability.flagReason(cdnow)).isNull();
        FitResult issue = new FitResult(BgNbdModel.NAME, Map.of("r", 2.0, "alpha", 5.0, "a", 5e-5, "b", 40_079.0),
                Map.of("r", 0.3, "alpha", 1.0, "a", 1e-5, "b", 1e4), -500, 85, 85, 300, true);
        assertThat(FitUsability.flagReason(issue)).contains("a = 5.000e-05 is outside").contains("b = 4.008e+04 is outside");
        FitResult flat = new FitResult(BgNbdModel.NAME, Map.of("r", 0.5, "alpha", 3.0, "a", 0.8, "b", 2.0),
                Map.of("r", 0.1, "alpha", 31.0, "a", 0.2, "b", 0.5), -500, 85, 85, 300, true);
        assertThat(FitUsability.flagReason(flat)).isEqualTo("standard error of alpha (31.00) is over 10 times its "
                + "estimate (3.000): the data do not determine it");
        FitResult nan = new FitResult(BgNbdModel.NAME, Map.of("r", 0.5, "alpha", 3.0, "a", 0.8, "b", 2.0),
                Map.of("r", 0.1, "alpha", Double.NaN, "a", 0.2, "b", 0.5), -500, 85, 85, 300, true);
        assertThat(FitUsability.flagReason(nan)).isEqualTo("standard error of alpha is not finite");
    }

    /** 85 accounts, each first buying in the year before END and then at its own rate, never leaving. */
    private static Map<String, BigDecimal> writeNeverLeavingAccounts(Path dir) throws Exception {
        Random random = new Random(4); // a seed whose fit converges (others fail outright: b on the bound)
        List<String> csv = new ArrayList<>();
        csv.add("order_id,line_no,customer_id,order_time,order_type,quantity,unit_price");
        Map<String, BigDecimal> revenue = new HashMap<>();
        for (int i = 1; i <= 85; i++) {
            String customer = String.format("A%03d", i);
            int ageDays = 140 + random.nextInt(280);
            double perDay = (0.1 + random.nextDouble() * 0.6) / 7;
            double day = 0;
            int order = 0;
            while (day <= ageDays) {
                LocalDate date = END.minusDays(ageDays - (long) day);
                BigDecimal price = new BigDecimal(20 + random.nextInt(60)).setScale(2);
                csv.add(customer + "-" + (++order) + ",1," + customer + "," + date + " 10:00:00,sale,1," + price);
                revenue.merge(customer, price, BigDecimal::add);
                day += Math.ceil(-Math.log(1 - random.nextDouble()) / perDay);
            }
        }
        Files.write(dir.resolve("orders.csv"), csv);
        return revenue;
    }
}
