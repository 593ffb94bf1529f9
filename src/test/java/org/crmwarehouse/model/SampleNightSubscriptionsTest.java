package org.crmwarehouse.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;

/**
 * The committed sample night (jobs/nightly.yaml over data-samples/) covers the subscription marts:
 * every loaded subscription has a tenure, both bases of mart_survival and mart_churn are there,
 * the monthly plans' sBG fits converge (the generator draws their churn from an sBG, so the data
 * can identify it) and the small weekly segments are skipped with a note rather than failing the
 * night. Counts are checked against each other and the file, not against remembered figures.
 */
class SampleNightSubscriptionsTest {

    @Test
    void sampleNightBuildsTheSubscriptionMarts() throws Exception {
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(Path.of("jobs/nightly.yaml"));
        try (Connection db = Db.inMemory()) {
            new SourceExtractor(contract).extract(db, config);
            new ContractValidator(contract).validate(db, config, config.businessDate());
            new ModelRunner(ModelCatalog.packaged(contract)).run(db, config.businessDate(), config.parameters());

            long loaded = Db.queryLong(db, "SELECT count(*) FROM valid_subscriptions");
            assertThat(loaded).isPositive();
            assertThat(Db.queryLong(db, "SELECT count(*) FROM int_subscription_tenure")).isEqualTo(loaded);
            assertThat(Db.queryStrings(db, "SELECT DISTINCT basis FROM mart_survival ORDER BY 1"))
                    .containsExactly("purchases", "subscriptions");
            assertThat(Db.queryStrings(db, "SELECT DISTINCT basis FROM mart_churn ORDER BY 1"))
                    .containsExactly("purchases", "subscriptions");
            assertThat(Db.queryLong(db, "SELECT max(group_events) FROM mart_survival WHERE basis = 'subscriptions' "
                    + "AND group_type = 'all'")).isEqualTo(Db.queryLong(db,
                    "SELECT count(*) FROM int_subscription_tenure WHERE is_cancelled"));
            assertThat(Db.queryStrings(db, "SELECT DISTINCT segment FROM mart_model_fit WHERE model = 'sBG' "
                    + "AND time_unit = 'month' AND converged ORDER BY 1")).containsExactly("basic", "premium", "standard");
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_model_fit WHERE model = 'sBG' AND NOT converged "
                    + "AND note IS NULL")).isZero();
            // one value row per active subscription, valued where its segment was fitted
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_subscription_value")).isEqualTo(
                    Db.queryLong(db, "SELECT count(*) FROM int_subscription_tenure WHERE NOT is_cancelled"));
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_subscription_value WHERE billing_period = 'month' "
                    + "AND expected_residual_value IS NULL")).isZero();
            assertThat(Db.queryLong(db, "SELECT count(*) FROM mart_subscription_retention WHERE billing_period = 'month' "
                    + "AND projected_retention IS NOT NULL")).isPositive();
        }
    }
}
