package org.crmwarehouse.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.QueryRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 4: the optional {@code subscriptions} entity. Its column rules and its row rules
 * (end_date not before start_date; cancelled has an end_date, active has none) quarantine a row
 * with the line, column and reason written out below by hand; a job without the entity loads
 * nothing and does not fail. Business date 2026-03-31.
 */
class SubscriptionRulesTest {
    private static final LocalDate DATE = LocalDate.of(2026, 3, 31);
    private static final String HEADER =
            "subscription_id,customer_id,plan,contract_type,start_date,end_date,status,recurring_amount,billing_period\n";

    @TempDir
    Path tmp;

    private Connection night(String subscriptions) throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Alice,2025-01-01 09:00:00\n");
        StringBuilder job = new StringBuilder("name: t\nsources:\n  customers: {path: customers.csv}\n");
        if (subscriptions != null) {
            Files.writeString(tmp.resolve("subscriptions.csv"), HEADER + subscriptions);
            job.append("  subscriptions: {path: subscriptions.csv}\n");
        }
        Files.writeString(tmp.resolve("job.yaml"), job.toString());
        JobConfig config = new JobConfigLoader(Contract.standard()).load(tmp.resolve("job.yaml"));
        Connection db = Db.inMemory();
        new SourceExtractor(Contract.standard()).extract(db, config);
        new ContractValidator(Contract.standard()).validate(db, config, DATE); // throws unless read = loaded + quarantined
        return db;
    }

    @Test
    void rowRulesQuarantineWithTheirReason() throws Exception {
        try (Connection db = night(""
                + "S1,C1,basic,month-to-month,2025-01-01,,active,29.90,month\n"        // line 2: good, active
                + "S2,C1,basic,one_year,2025-01-01,2025-12-31,cancelled,29.90,month\n" // 3: good, cancelled
                + "S3,C1,basic,,2025-06-01,2025-05-31,cancelled,29.90,month\n"         // 4: ends before it starts
                + "S4,C1,basic,,2025-06-01,,cancelled,29.90,month\n"                   // 5: cancelled, no end
                + "S5,C1,basic,,2025-06-01,2025-07-01,active,29.90,month\n"            // 6: active with an end
                + "S6,C1,basic,,2025-06-01,,paused,29.90,month\n"                      // 7: status not allowed
                + "S7,C1,basic,,2025-06-01,,active,29.90,fortnight\n"                  // 8: period not allowed
                + "S8,C9,basic,,2025-06-01,,active,29.90,month\n"                      // 9: unknown customer
                + "S9,C1,basic,,2025-06-01,2025-06-01,cancelled,,year\n")) {            // 10: good: same-day end, no amount
            assertThat(QueryRows.of(db, "SELECT line, column_name, reason_code, value, detail FROM quarantine "
                    + "WHERE entity = 'subscriptions' ORDER BY line", "|", "∅")).containsExactly(
                    "4|end_date|OUT_OF_RANGE|2025-05-31|end_date is before start_date",
                    "5|end_date|MISSING_REQUIRED|∅|a cancelled subscription needs its end_date",
                    "6|end_date|NOT_ALLOWED|2025-07-01|an active subscription has no end_date (blank while active)",
                    "7|status|NOT_ALLOWED|paused|allowed: [active, cancelled]",
                    "8|billing_period|NOT_ALLOWED|fortnight|allowed: [day, week, month, quarter, year]",
                    "9|customer_id|UNKNOWN_REFERENCE|C9|no customers.customer_id with this value");
            assertThat(QueryRows.of(db, "SELECT subscription_id FROM valid_subscriptions ORDER BY 1", "|", "∅"))
                    .containsExactly("S1", "S2", "S9");
            assertThat(QueryRows.of(db, "SELECT rows_read, rows_loaded, rows_quarantined FROM audit_sources "
                    + "WHERE entity = 'subscriptions'", "|", "∅")).containsExactly("9|3|6");
        }
    }

    @Test
    void aJobWithoutSubscriptionsLoadsNone() throws Exception {
        try (Connection db = night(null)) {
            assertThat(Db.queryLong(db, "SELECT count(*) FROM valid_subscriptions")).isZero();
            assertThat(Db.queryLong(db, "SELECT count(*) FROM audit_sources WHERE entity = 'subscriptions'")).isZero();
        }
    }

    @Test
    void everyRowRuleNamesAStableReasonCode() {
        for (EntityContract e : Contract.standard().entities()) {
            for (EntityContract.RowRule r : e.rowRules()) {
                assertThat(List.of(ReasonCode.values()).stream().map(Enum::name)).as(e.name() + " rule on " + r.column())
                        .contains(r.reason());
            }
        }
        assertThat(Contract.standard().entity("subscriptions").rowRules()).hasSize(3);
    }
}
