package org.crmwarehouse.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The morning report on a tiny hand-made night (a few rows in a few marts, so every figure is
 * counted by hand below), against a hand-made earlier snapshot: the headline figures and their
 * previous values, the skip notes of missing and empty marts, both locales' labels, and the page
 * opened in headless chromium where every chart must report that it drew and no error happened.
 * Runs in a few seconds (two chromium runs); the sample night's report is MorningReportSampleNightTest.
 */
class MorningReportTest {
    private static final LocalDate DATE = LocalDate.of(2026, 6, 30);

    @TempDir
    static Path tmp;

    static Path work;
    static Path snapshots;

    @BeforeAll
    static void night() throws Exception {
        work = tmp.resolve("work.duckdb");
        snapshots = tmp.resolve("snapshots");
        Files.createDirectories(snapshots);
        try (Connection db = Db.open(work)) {
            marts(db, DATE);
            // tonight: 5 customers (2 VIP), revenue 100 + 250 + 40 in the last 30 days (one sale 31 days before)
            Db.execute(db, """
                    INSERT INTO mart_customer_value VALUES ('c1', 'VIP', 900), ('c2', 'VIP', 800), ('c3', 'major', 300),
                        ('c4', 'small', 20), ('c5', 'small', 10);
                    INSERT INTO mart_daily_sales VALUES (DATE '2026-06-30', 100, 2), (DATE '2026-06-15', 250, 3),
                        (DATE '2026-06-01', 40, 1), (DATE '2026-05-30', 1000, 9);
                    INSERT INTO mart_customer_rfm VALUES ('c1', 'champions', 500), ('c2', 'loyal', 400),
                        ('c3', 'at risk', 200), ('c4', 'hibernating', 20), ('c5', 'hibernating', 10),
                        ('c6', '</script><!--<script>', 1);
                    INSERT INTO mart_tier_migration VALUES (DATE '2026-06-30', 'VIP', 'VIP', true, 1, 1.0),
                        (DATE '2026-06-30', 'major', 'VIP', false, 1, 0.5), (DATE '2026-06-30', 'major', 'major', true, 1, 0.5),
                        (DATE '2026-06-30', '(new)', 'small', false, 2, 1.0);
                    INSERT INTO mart_pareto VALUES ('c1', 1, 0.2, 500, 0.5, true, 1, 0.2, 300, 0.6, false),
                        ('c2', 2, 0.4, 300, 0.8, false, 2, 0.4, 150, 0.9, false),
                        ('c3', 3, 0.6, 100, 0.9, false, 3, 0.6, 100, 1.1, false),
                        ('c4', 4, 0.8, 60, 0.96, false, 4, 0.8, -20, 1.06, true),
                        ('c5', 5, 1.0, 40, 1.0, false, 5, 1.0, -30, 1.0, true);
                    INSERT INTO mart_pareto_summary VALUES (DATE '2026-06-30', 5, 0.5, 0.6, 2, 550, -50, 0.0909);
                    INSERT INTO mart_churn VALUES ('all', 'all', DATE '2026-05-01', 4, 1, 1, 4, 0.25, 'purchases'),
                        ('all', 'all', DATE '2026-06-01', 4, 1, 0, 5, 0.0, 'purchases');
                    INSERT INTO mart_survival VALUES ('all', 'all', 30, 5, 1, 0, 0.8, 0.032, 0.2038, 0.9692, NULL, 5, 3, 'purchases'),
                        ('all', 'all', 90, 4, 2, 0, 0.4, 0.048, 0.0527, 0.7528, 90, 5, 3, 'purchases'),
                        ('channel', 'referral', 30, 3, 1, 0, 0.6667, 0.0741, 0.0541, 0.9452, NULL, 3, 1, 'purchases');
                    """);
            // c6: text from the sources that would end or change an inline <script> if not escaped
            // mart_reminders exists but is empty: its section is skipped with a note
        }
        // the night before: 4 customers (1 VIP), revenue 1000 + 40 in its 30 days; an older night and a
        // snapshot of tonight's date (a rerun) are not the previous night
        for (String name : List.of("2026-06-29-7.duckdb", "2026-06-28-9.duckdb", "2026-06-30-3.duckdb")) {
            try (Connection db = Db.open(snapshots.resolve(name))) {
                marts(db, DATE);
                if (name.startsWith("2026-06-29")) {
                    Db.execute(db, """
                            INSERT INTO mart_customer_value VALUES ('c1', 'VIP', 900), ('c2', 'major', 800),
                                ('c3', 'major', 300), ('c4', 'small', 20);
                            INSERT INTO mart_daily_sales VALUES (DATE '2026-06-15', 40, 1), (DATE '2026-05-31', 1000, 9),
                                (DATE '2026-05-30', 7, 1);
                            """);
                } else {
                    Db.execute(db, "INSERT INTO mart_customer_value VALUES ('x', 'VIP', 1)");
                }
            }
        }
    }

    /** The marts of the fixture, with the columns the report reads (see sql/marts/*.yml). */
    private static void marts(Connection db, LocalDate date) throws Exception {
        Db.execute(db, """
                CREATE TABLE mart_customer_value (customer_id VARCHAR, value_tier VARCHAR, value_score DOUBLE);
                CREATE TABLE mart_daily_sales (sales_date DATE, revenue DECIMAL(18, 2), orders BIGINT);
                CREATE TABLE mart_customer_rfm (customer_id VARCHAR, segment VARCHAR, monetary_total DECIMAL(18, 2));
                CREATE TABLE mart_tier_migration (business_date DATE, from_tier VARCHAR, to_tier VARCHAR, unchanged BOOLEAN,
                    customers BIGINT, share_of_from_tier DOUBLE);
                CREATE TABLE mart_pareto (customer_id VARCHAR, revenue_rank BIGINT, revenue_rank_share DOUBLE,
                    revenue DECIMAL(18, 2), cumulative_revenue_share DOUBLE, in_top_20_revenue BOOLEAN, margin_rank BIGINT,
                    margin_rank_share DOUBLE, margin DECIMAL(18, 2), cumulative_margin_share DOUBLE, unprofitable BOOLEAN);
                CREATE TABLE mart_pareto_summary (business_date DATE, customers BIGINT, top_20_revenue_share DOUBLE,
                    top_20_margin_share DOUBLE, unprofitable_customers BIGINT, positive_margin DOUBLE,
                    negative_margin DOUBLE, margin_consumed_share DOUBLE);
                CREATE TABLE mart_churn (dimension VARCHAR, dimension_value VARCHAR, month DATE, active_start BIGINT,
                    new_customers BIGINT, churned BIGINT, active_end BIGINT, churn_rate DOUBLE, basis VARCHAR);
                CREATE TABLE mart_survival (group_type VARCHAR, group_value VARCHAR, time_days INTEGER, n_at_risk BIGINT,
                    n_events BIGINT, n_censored BIGINT, survival DOUBLE, greenwood_variance DOUBLE, ci_lower DOUBLE,
                    ci_upper DOUBLE, median_lifetime_days INTEGER, group_customers BIGINT, group_events BIGINT,
                    basis VARCHAR);
                CREATE TABLE mart_reminders (business_date DATE, reminder_type VARCHAR, customer_id VARCHAR,
                    customer_name VARCHAR, customer_tier VARCHAR, owner_salesperson VARCHAR, due_date DATE,
                    days_until_due INTEGER, detail VARCHAR, priority INTEGER);
                """);
    }

    private static String page(String locale) throws Exception {
        try (Connection db = Db.openReadOnly(work)) {
            return new MorningReport().html(db, "tiny", DATE, locale, snapshots);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> embeddedData(String page) {
        Matcher m = Pattern.compile("var D = (\\{.*?\\});\n", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).isTrue();
        return JsonMapper.builder().build().readValue(m.group(1), new TypeReference<Map<String, Object>>() { });
    }

    @Test
    @SuppressWarnings("unchecked")
    void headlineFiguresAgainstTheNewestEarlierSnapshotCountedByHand() throws Exception {
        Map<String, Object> data = embeddedData(page("en"));
        assertThat(((Map<String, Object>) data.get("meta")).get("previousDate")).isEqualTo("2026-06-29");
        Map<String, List<Object>> figures = new java.util.LinkedHashMap<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) data.get("headline")) {
            figures.put((String) f.get("key"), java.util.Arrays.asList(f.get("tonight"), f.get("previous")));
        }
        // by hand: customers 5 vs 4; VIP 2 vs 1; revenue in (date-30, date]: 100+250+40 = 390 tonight,
        // 40+1000 = 1040 on 06-29 (its window starts after 05-30: 05-31 is in it, 05-30 is not); orders
        // 2+3+1 = 6 vs 1+9 = 10
        assertThat(figures.get("customers")).containsExactly(5.0, 4.0);
        assertThat(figures.get("vip_customers")).containsExactly(2.0, 1.0);
        assertThat(figures.get("revenue_30d")).containsExactly(390.0, 1040.0);
        assertThat(figures.get("orders_30d")).containsExactly(6.0, 10.0);
        // active at the end of the latest month: 4 + 1 new - 0 churned = 5; the snapshot's mart_churn is
        // empty: a previous figure of NULL, not a failure
        assertThat(figures.get("active_customers")).containsExactly(5.0, null);
        // marts the night does not have give no headline figure at all
        assertThat(figures).doesNotContainKeys("leads_30d", "at_risk_customers", "receivables_outstanding");
        assertThat(figures.get("reminders_high")).containsExactly(0.0, 0.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMissingOrEmptyMartIsSkippedWithANoteAndTheRestHasData() throws Exception {
        Map<String, Object> data = embeddedData(page("en"));
        assertThat((Map<String, Object>) data.get("funnel")).containsEntry("skipped", "missing");
        assertThat((Map<String, Object>) data.get("backtest")).containsEntry("skipped", "missing")
                .containsEntry("table", "mart_model_backtest");
        assertThat((Map<String, Object>) data.get("reminders")).containsEntry("skipped", "skipped");
        List<Map<String, Object>> rfm = (List<Map<String, Object>>) ((Map<String, Object>) data.get("rfm")).get("data");
        assertThat(rfm).extracting(r -> r.get("segment")).containsExactly("hibernating", "</script><!--<script>",
                "at risk", "champions", "loyal");
        assertThat(rfm.get(0)).containsEntry("customers", 2).containsEntry("revenue", 30.0);
        Map<String, Object> pareto = (Map<String, Object>) ((Map<String, Object>) data.get("pareto")).get("data");
        // rank share 0.7 of 5 customers: rank floor(3.5) = 3, whose cumulative margin share is 1.1
        assertThat(pareto.get("margin_at_70")).isEqualTo(1.1);
    }

    @Test
    void bothLocalesHaveTheSameLabelsAndTheDomainsChineseTerms() throws Exception {
        Map<String, Map<String, Object>> labels = MorningReport.labels();
        assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(MorningReport.LOCALES);
        assertThat(keys("", labels.get("zh-CN"))).isEqualTo(keys("", labels.get("en")));
        String zh = page("zh-CN");
        assertThat(zh).contains("<html lang=\"zh-CN\">", "\"VIP\":\"VIP客户\"", "\"major\":\"主要客户\"",
                "\"ordinary\":\"普通客户\"", "\"small\":\"小客户\"", "\"champions\":\"重要价值客户\"",
                "\"potential\":\"潜在客户\"", "\"target\":\"目标客户\"", "\"actual\":\"现实客户\"", "\"loyal\":\"忠诚客户\"",
                "\"churned\":\"流失客户\"");
        assertThatThrownBy(() -> page("fr")).hasMessageContaining("expected one of [en, zh-CN]");
    }

    @Test
    void thePageNeedsNoNetwork() throws Exception {
        String page = page("en");
        // nothing fetched: no src or href to anywhere, ECharts inline
        assertThat(page).doesNotContainPattern("(src|href)\\s*=\\s*[\"']?(https?:)?//");
        assertThat(page).doesNotContain("<link").contains("echarts.version").contains("Apache ECharts");
        assertThat(page.length()).as("ECharts inlined").isGreaterThan(1_000_000);
        assertThat(page).doesNotContain("</script><!--<script>").contains("\\u003c/script>\\u003c!--\\u003cscript>");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyChartDrawsInHeadlessChromiumInBothLocales() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.findOrSkip();
        for (String locale : MorningReport.LOCALES) {
            Path html = tmp.resolve("report-" + locale + ".html");
            Files.writeString(html, page(locale), StandardCharsets.UTF_8);
            String dom = chromium.dumpDom(html, tmp.resolve("profile-" + locale));
            Map<String, Object> status = HeadlessChromium.renderStatus(dom);
            assertThat((List<Object>) status.get("errors")).as(locale + " errors").isEmpty();
            assertThat(status.get("done")).isEqualTo(true);
            Map<String, Map<String, Object>> charts = (Map<String, Map<String, Object>>) status.get("charts");
            // the marts of the fixture have these charts; the skipped sections none
            assertThat(charts.keySet()).as(locale).containsExactlyInAnyOrder("pareto", "rfm", "tiers", "migration",
                    "churn", "survival");
            assertThat(status.get("expected")).isEqualTo(6);
            charts.forEach((id, c) -> assertThat(c.get("drawn")).as(locale + " chart " + id + ": " + c).isEqualTo(true));
            assertThat(dom).contains(locale.equals("en") ? "Skipped: mart_reminders has no rows tonight."
                    : "略过：mart_reminders 今晚没有数据。");
        }
    }

    private static java.util.SortedSet<String> keys(String prefix, Map<String, Object> map) {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>();
        map.forEach((k, v) -> {
            keys.add(prefix + k);
            if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> inner = (Map<String, Object>) m;
                keys.addAll(keys(prefix + k + ".", inner));
            }
        });
        return keys;
    }
}
