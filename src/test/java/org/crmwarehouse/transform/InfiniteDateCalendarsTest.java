package org.crmwarehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.validate.ContractValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 4: the models' recursive calendars end even on an infinite date, should one get
 * past validation (which quarantines them): their number of steps is fixed by the data's range,
 * and an infinite date's range is NULL, no steps. Before, mart_channel_trend's and mart_churn's
 * month calendars and mart_funnel's campaign days stepped forever. The golden churn and funnel
 * inputs are validated, then one valid row gets an infinite date behind validation's back.
 */
class InfiniteDateCalendarsTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    private static Connection validated(String golden) throws Exception {
        Contract contract = Contract.standard();
        JobConfig config = new JobConfigLoader(contract).load(GOLDEN.resolve(golden).resolve("job.yaml"));
        Connection db = Db.inMemory();
        new SourceExtractor(contract).extract(db, config);
        new ContractValidator(contract).validate(db, config, config.businessDate());
        return db;
    }

    /** The night's models built on the golden input; then a model's SQL rebuilt on the table updated after. */
    private static long rebuild(Connection db, String model) throws Exception {
        return Db.queryLong(db, "SELECT count(*) FROM (" + CATALOG.model(model).sql() + ")");
    }

    private static final ModelCatalog CATALOG = ModelCatalog.packaged(Contract.standard());

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void monthCalendarsEndOnAnInfiniteDate() throws Exception {
        try (Connection db = validated("churn")) {
            new ModelRunner(CATALOG).run(db, java.time.LocalDate.of(2026, 3, 31), java.util.Map.of());
            Db.execute(db, "UPDATE stg_orders SET order_date = DATE '-infinity' "
                    + "WHERE source_line = (SELECT min(source_line) FROM stg_orders)");
            Db.execute(db, "UPDATE int_customer_activity SET cohort_month = DATE '-infinity' "
                    + "WHERE customer_id = (SELECT min(customer_id) FROM int_customer_activity WHERE cohort_month IS NOT NULL)");
            // each calendar is its anchor month alone; what is tested is that the queries end (the
            // timeout: before, they ran until killed)
            assertThat(rebuild(db, "mart_channel_trend")).isNotNegative();
            assertThat(rebuild(db, "mart_churn")).isNotNegative();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void campaignDaysEndOnAnInfiniteEndDate() throws Exception {
        try (Connection db = validated("funnel_ad_call")) {
            new ModelRunner(CATALOG).run(db, java.time.LocalDate.of(2026, 3, 31), java.util.Map.of());
            Db.execute(db, "UPDATE stg_campaigns SET end_date = DATE 'infinity'");
            assertThat(rebuild(db, "mart_funnel")).isPositive();
        }
    }
}
