package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.crmwarehouse.config.ConfigException;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * value_covariates end to end: a night over the first 800 committed sample customers and their orders with
 * value_covariates: [customer_type] is transformed (the data tests of mart_model_fit and
 * int_customer_value_model pass) and published. Expected figures come from the data itself: the
 * base level is the customer type with the most buying customers (counted here in SQL), each other
 * type has one coefficient per linked parameter, and each customer's p_alive equals the plain
 * BG/NBD formula with the customer type's parameters, computed here from the published rows.
 */
class CovariateNightTest {

    private static final Path SAMPLES = Path.of("data-samples").toAbsolutePath();
    private static final int CUSTOMERS = 800;

    @Test
    void nightWithCustomerTypeCovariatePublishesCoefficientsAndPerRegionPredictions(@TempDir Path dir) throws Exception {
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(job(dir, "  value_covariates: [customer_type]\n"));
        ModelCatalog catalog = ModelCatalog.packaged(contract);
        long coefficientRows;
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, config.businessDate());
            new ModelRunner(catalog).run(db, config.businessDate(), config.parameters());
            new Publisher().publish(db, config, config.businessDate(), catalog);
            List<String> types = Db.queryStrings(db, "SELECT coalesce(c.customer_type, '(missing)') FROM"
                    + " int_customer_purchase_summary s LEFT JOIN stg_customers c USING (customer_id)"
                    + " GROUP BY 1 ORDER BY count(*) DESC, 1");
            String base = types.get(0);
            assertThat(types).containsExactlyInAnyOrder("company", "person");
            // one base parameter each, and per linked parameter (alpha, a, b) one row per type
            assertThat(Db.queryStrings(db, "SELECT parameter FROM mart_model_fit WHERE model = 'BG/NBD'"
                    + " AND parameter NOT LIKE '%:%' ORDER BY parameter")).containsExactly("a", "alpha", "b", "r");
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE model = 'BG/NBD' AND converged"
                    + " AND parameter LIKE '%:customer_type=%'")).isEqualTo(3L * types.size());
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE parameter LIKE '%:customer_type="
                    + base + "' AND estimate = 0 AND std_error IS NULL")).isEqualTo(3);
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE parameter LIKE '%:customer_type=%'"
                    + " AND parameter NOT LIKE '%=" + base + "' AND std_error > 0")).isEqualTo(3L * (types.size() - 1));

            // p_alive of a repeat customer (FHL 2005, eq. 11) with alpha0 exp(-g1), a0 exp(g2), b0 exp(g3)
            double worst = Double.parseDouble(Db.queryStrings(db, """
                    WITH f AS (SELECT parameter, estimate FROM mart_model_fit WHERE model = 'BG/NBD'),
                    p AS (
                        SELECT v.customer_id, v.frequency AS x, v.recency AS tx, v.age AS t, v.p_alive,
                            (SELECT estimate FROM f WHERE parameter = 'r') AS r,
                            (SELECT estimate FROM f WHERE parameter = 'alpha')
                                * exp(-(SELECT estimate FROM f WHERE parameter = 'alpha:customer_type=' || coalesce(c.customer_type, '(missing)'))) AS alpha,
                            (SELECT estimate FROM f WHERE parameter = 'a')
                                * exp((SELECT estimate FROM f WHERE parameter = 'a:customer_type=' || coalesce(c.customer_type, '(missing)'))) AS a,
                            (SELECT estimate FROM f WHERE parameter = 'b')
                                * exp((SELECT estimate FROM f WHERE parameter = 'b:customer_type=' || coalesce(c.customer_type, '(missing)'))) AS b
                        FROM int_customer_value_model v LEFT JOIN stg_customers c USING (customer_id)
                        WHERE v.frequency > 0)
                    SELECT max(abs(p_alive - 1 / (1 + a / (b + x - 1) * power((alpha + t) / (alpha + tx), r + x))))
                    FROM p""").get(0));
            assertThat(worst).isLessThan(1e-9);
            assertThat(Db.queryLong(db, "SELECT count(*) FROM int_customer_value_model WHERE p_alive IS NULL"))
                    .isZero();
            coefficientRows = Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE parameter LIKE '%:customer_type=%'");
        }
        try (Connection published = Db.openReadOnly(config.warehouseFile())) {
            assertThat(Db.queryLong(published, "SELECT count(*) FROM mart_model_fit WHERE parameter LIKE '%:customer_type=%'"))
                    .isEqualTo(coefficientRows);
        }
    }

    @Test
    void unknownOrNonTextColumnsAreRefusedWhenTheConfigIsLoaded(@TempDir Path dir) throws Exception {
        JobConfigLoader loader = new JobConfigLoader(Contract.standard());
        assertThatThrownBy(() -> loader.load(job(dir, "  value_covariates: [acquisition_channel, regoin]\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("parameters.value_covariates names 'regoin', which is not a text attribute"
                        + " column of customers");
        assertThatThrownBy(() -> loader.load(job(dir, "  value_covariates: [credit_limit]\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'credit_limit'");
        assertThatThrownBy(() -> loader.load(job(dir, "  value_covariates: [customer_id]\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'customer_id'");
        assertThatThrownBy(() -> loader.load(job(dir, "  value_covariates: region\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a list");
        assertThat(loader.load(job(dir, "  value_covariates: [acquisition_channel, region]\n")).parameters())
                .containsEntry("value_covariates", "acquisition_channel,region");
        assertThat(loader.load(job(dir, "  value_covariates: []\n")).parameters())
                .containsEntry("value_covariates", "");
    }

    /**
     * The job over the first {@value #CUSTOMERS} sample customers and their orders (a small
     * fixture: the night stays fast).
     */
    private static Path job(Path dir, String parameters) throws Exception {
        Path customers = dir.resolve("customers.csv");
        Path orders = dir.resolve("orders.csv");
        if (!Files.exists(customers)) {
            List<String> customerLines = Files.readAllLines(SAMPLES.resolve("customers.csv"));
            List<String> kept = customerLines.subList(0, CUSTOMERS + 1);
            java.util.Set<String> ids = new java.util.HashSet<>();
            kept.subList(1, kept.size()).forEach(line -> ids.add(line.substring(0, line.indexOf(','))));
            List<String> orderLines = Files.readAllLines(SAMPLES.resolve("orders.csv"));
            int idColumn = List.of(orderLines.get(0).split(",")).indexOf("customer_id");
            List<String> keptOrders = new java.util.ArrayList<>(List.of(orderLines.get(0)));
            orderLines.stream().skip(1).filter(line -> {
                String[] fields = line.split(",", -1);
                return fields.length > idColumn && ids.contains(fields[idColumn]);
            }).forEach(keptOrders::add);
            Files.write(customers, kept);
            Files.write(orders, keptOrders);
        }
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, """
                name: covariates
                business_date: 2026-06-30
                output: %s
                sources:
                  customers: {path: %s}
                  orders: {path: %s}
                parameters:
                %s""".formatted(dir.resolve("out"), SAMPLES.resolve("customers.csv"), SAMPLES.resolve("orders.csv"),
                parameters));
        // the sources are the small copies
        Files.writeString(file, Files.readString(file).replace(SAMPLES.resolve("customers.csv").toString(),
                customers.toString()).replace(SAMPLES.resolve("orders.csv").toString(), orders.toString()));
        return file;
    }
}
