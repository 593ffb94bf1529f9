package org.crmwarehouse.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.sql.Sql;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The morning report: one self-contained HTML file per night ({@code reports/<date>/report.html})
 * with Apache ECharts inlined from its WebJar and the night's figures embedded as JSON, so it opens
 * without a network. The figures are read from the night's work database (the marts are there);
 * the previous night's headline figures from the newest earlier snapshot ({@code snapshots/}), never
 * from the live warehouse, which readers may hold. A section whose mart is empty or missing is
 * skipped with a one-line note. Labels come from {@code report/morning-report-labels.yml}.
 */
public final class MorningReport {
    public static final List<String> LOCALES = JobConfig.REPORT_LOCALES;
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    static final String TEMPLATE = "report/morning-report.html";
    static final String LABELS = "report/morning-report-labels.yml";
    private static final Pattern SNAPSHOT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.duckdb");
    private static final String PREVIOUS = "previous_night";

    private final JsonMapper json = JsonMapper.builder().build();

    /** One headline figure: how it is computed from a warehouse's marts as of {@code :date}. */
    record Headline(String key, String table, String sql, String format) {
    }

    /** The headline figures; {@code %s} is the table, {@code :date} the night's business date. */
    static final List<Headline> HEADLINES = List.of(
            new Headline("customers", "mart_customer_value", "SELECT count(*) FROM %s", "count"),
            new Headline("active_customers", "mart_churn", "SELECT active_end FROM %s WHERE dimension = 'all' "
                    + "AND basis = 'purchases' ORDER BY month DESC LIMIT 1", "count"),
            new Headline("vip_customers", "mart_customer_value", "SELECT count(*) FROM %s WHERE value_tier = 'VIP'",
                    "count"),
            new Headline("revenue_30d", "mart_daily_sales", "SELECT coalesce(sum(revenue), 0) FROM %s "
                    + "WHERE sales_date > :date - 30 AND sales_date <= :date", "money"),
            new Headline("orders_30d", "mart_daily_sales", "SELECT coalesce(sum(orders), 0) FROM %s "
                    + "WHERE sales_date > :date - 30 AND sales_date <= :date", "count"),
            new Headline("leads_30d", "mart_funnel", "SELECT coalesce(sum(leads), 0) FROM %s WHERE period_type = 'day' "
                    + "AND salesperson = '(all)' AND period_start > :date - 30 AND period_start <= :date", "count"),
            new Headline("deals_30d", "mart_funnel", "SELECT coalesce(sum(deals), 0) FROM %s WHERE period_type = 'day' "
                    + "AND salesperson = '(all)' AND period_start > :date - 30 AND period_start <= :date", "count"),
            new Headline("at_risk_customers", "mart_at_risk", "SELECT count(*) FROM %s WHERE status = 'at_risk'",
                    "count"),
            new Headline("value_at_stake", "mart_at_risk", "SELECT coalesce(sum(value_at_stake), 0) FROM %s", "money"),
            new Headline("receivables_outstanding", "mart_receivables_aging",
                    "SELECT coalesce(sum(outstanding), 0) FROM %s", "money"),
            new Headline("receivables_overdue", "mart_receivables_aging",
                    "SELECT coalesce(sum(outstanding), 0) FROM %s WHERE days_overdue > 0", "money"),
            new Headline("reminders_high", "mart_reminders", "SELECT count(*) FROM %s WHERE priority = 1", "count"));

    /** Writes the report of {@code date} for {@code locale} into {@code file}; returns the file. */
    public Path write(Connection db, String job, LocalDate date, String locale, Path snapshotsFolder, Path file)
            throws SQLException, IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, html(db, job, date, locale, snapshotsFolder), StandardCharsets.UTF_8);
        return file;
    }

    /** The page: the template with ECharts, the labels of {@code locale} and the night's data inlined. */
    public String html(Connection db, String job, LocalDate date, String locale, Path snapshotsFolder)
            throws SQLException {
        if (!LOCALES.contains(locale)) {
            throw new IllegalArgumentException("report_locale '" + locale + "': expected one of " + LOCALES);
        }
        Map<String, Object> labels = labels().get(locale);
        Map<String, Object> data = data(db, job, date, locale, snapshotsFolder);
        // "</script" inside inlined script text would end the <script> element early
        String page = resource(TEMPLATE)
                .replace("{{lang}}", locale)
                .replace("{{title}}", escapeHtml(labels.get("title") + " " + date));
        // the data last: nothing is looked for in text that came from the sources
        page = replaceOnce(page, "/*{{echarts}}*/", resource(ECHARTS).replace("</script", "<\\/script"));
        page = replaceOnce(page, "/*{{labels}}*/", scriptJson(labels));
        return replaceOnce(page, "/*{{data}}*/", scriptJson(data));
    }

    /** The labels of every locale, from the one resource file. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> labels() {
        try (InputStream in = resourceStream(LABELS)) {
            return YAMLMapper.builder().build().readValue(in, new TypeReference<Map<String, Map<String, Object>>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Object> data(Connection db, String job, LocalDate date, String locale, Path snapshotsFolder)
            throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("job", job);
        meta.put("businessDate", date.toString());
        meta.put("locale", locale);
        meta.put("generatedAt", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        Tables tonight = new Tables(db, currentDatabase(db));
        Optional<Snapshot> previous = previousSnapshot(snapshotsFolder, date);
        meta.put("previousDate", previous.map(s -> s.date().toString()).orElse(null));
        data.put("meta", meta);

        data.put("headline", headline(db, tonight, date, previous));
        section(data, tonight, "funnel", "mart_funnel", t -> rows(db, "SELECT channel, sum(leads) AS leads, "
                + "sum(calls) AS calls, sum(visits) AS visits, sum(quotes) AS quotes, sum(deals) AS deals, "
                + "sum(spend) AS spend, round(sum(spend) / nullif(sum(deals) FILTER (WHERE spend IS NOT NULL), 0), 2) "
                + "AS cost_per_deal FROM " + t + " WHERE period_type = 'month' AND salesperson = '(all)' "
                + "GROUP BY channel ORDER BY leads DESC, channel"));
        section(data, tonight, "campaigns", "mart_funnel", t -> rows(db, "SELECT campaign_id, sum(leads) AS leads, "
                + "sum(deals) AS deals, sum(spend) AS spend, round(sum(spend) / nullif(sum(deals) FILTER (WHERE spend "
                + "IS NOT NULL), 0), 2) AS cost_per_deal FROM " + t + " WHERE period_type = 'month' AND salesperson = "
                + "'(all)' AND campaign_id <> '(none)' GROUP BY campaign_id ORDER BY deals DESC, campaign_id LIMIT 15"));
        section(data, tonight, "ads", "mart_ad_performance", t -> rows(db, "SELECT CAST(period_start AS VARCHAR) "
                + "AS month, platform, sum(known_spend) AS spend, sum(clicks) AS clicks, sum(conversions) AS "
                + "conversions FROM " + t + " WHERE level = 'account' AND period_type = 'month' GROUP BY ALL "
                + "ORDER BY month, platform"));
        section(data, tonight, "pareto", "mart_pareto", t -> pareto(db, tonight, t));
        section(data, tonight, "rfm", "mart_customer_rfm", t -> rows(db, "SELECT segment, count(*) AS customers, "
                + "sum(monetary_total) AS revenue FROM " + t + " GROUP BY segment ORDER BY customers DESC, segment"));
        section(data, tonight, "lifecycle", "mart_customer_lifecycle", t -> rows(db, "SELECT lifecycle_state AS "
                + "state, count(*) AS customers FROM " + t + " GROUP BY 1 ORDER BY CASE lifecycle_state WHEN "
                + "'potential' THEN 1 WHEN 'target' THEN 2 WHEN 'actual' THEN 3 WHEN 'loyal' THEN 4 WHEN 'churned' "
                + "THEN 5 ELSE 6 END"));
        section(data, tonight, "tiers", "mart_customer_value", t -> rows(db, "SELECT value_tier AS tier, count(*) AS "
                + "customers, sum(value_score) AS value_score FROM " + t + " GROUP BY 1 ORDER BY " + tierOrder("value_tier")));
        section(data, tonight, "migration", "mart_tier_migration", t -> rows(db, "SELECT from_tier, to_tier, "
                + "customers, share_of_from_tier FROM " + t + " ORDER BY " + tierOrder("from_tier") + ", "
                + tierOrder("to_tier")));
        // the latest 24 cohorts, their first 24 months: a heatmap people can read
        section(data, tonight, "cohorts", "mart_cohort_retention", t -> rows(db, "SELECT strftime(cohort_month, "
                + "'%Y-%m') AS cohort, months_since_first AS m, cohort_size, retention_pct FROM " + t + " WHERE "
                + "months_since_first <= 24 AND cohort_month > (SELECT max(cohort_month) FROM " + t + ") - INTERVAL "
                + "24 MONTH ORDER BY cohort, m"));
        section(data, tonight, "survival", "mart_survival", t -> survival(db, t));
        section(data, tonight, "churn", "mart_churn", t -> rows(db, "SELECT strftime(month, '%Y-%m') AS month, "
                + "new_customers, churned, churn_rate FROM " + t + " WHERE dimension = 'all' AND basis = 'purchases' "
                + "AND month > :date - INTERVAL 24 MONTH ORDER BY month", date));
        section(data, tonight, "aging", "mart_receivables_aging", t -> rows(db, "SELECT aging_bucket AS bucket, "
                + "count(*) AS invoices, sum(outstanding) AS outstanding FROM " + t + " GROUP BY 1 ORDER BY CASE "
                + "aging_bucket WHEN 'not_due' THEN 0 WHEN '1_30' THEN 1 WHEN '31_60' THEN 2 WHEN '61_90' THEN 3 "
                + "WHEN '91_180' THEN 4 ELSE 5 END"));
        section(data, tonight, "at_risk", "mart_at_risk", t -> Map.of("total", count(db, t), "rows", rows(db,
                "SELECT at_risk_rank AS rank, customer_id, status, value_at_stake, value_basis, days_since_last_purchase, "
                + "days_to_churn, owner_salesperson AS owner, acquisition_channel AS channel FROM " + t
                + " ORDER BY at_risk_rank LIMIT 20")));
        // today's: due today or overdue, and the high-priority ones first
        section(data, tonight, "reminders", "mart_reminders", t -> Map.of(
                "byType", rows(db, "SELECT reminder_type, count(*) AS reminders FROM " + t + " WHERE days_until_due "
                        + "<= 0 GROUP BY 1 ORDER BY 2 DESC, 1"),
                "total", Long.valueOf(scalar(db, "SELECT count(*) FROM " + t + " WHERE days_until_due <= 0").toString()),
                "rows", rows(db, "SELECT reminder_type, customer_id, customer_name, customer_tier AS tier, "
                        + "owner_salesperson AS owner, CAST(due_date AS VARCHAR) AS due_date, detail, priority FROM " + t
                        + " WHERE days_until_due <= 0 ORDER BY priority, days_until_due, reminder_type, customer_id "
                        + "LIMIT 25")));
        section(data, tonight, "model_fit", "mart_model_fit", t -> rows(db, "SELECT model, segment, time_unit, "
                + "parameter, estimate, std_error, customers, converged, note FROM " + t + " ORDER BY model, segment "
                + "NULLS FIRST, parameter"));
        section(data, tonight, "backtest", "mart_model_backtest", t -> backtest(db, t));
        return data;
    }

    /** Tonight's headline figures, each with the previous night's when its snapshot has the mart. */
    private List<Map<String, Object>> headline(Connection db, Tables tonight, LocalDate date,
            Optional<Snapshot> previous) throws SQLException {
        Tables before = null;
        if (previous.isPresent()) {
            try (Statement s = db.createStatement()) {
                s.execute("ATTACH " + Sql.literal(previous.get().file()) + " AS " + PREVIOUS + " (READ_ONLY)");
            }
            before = new Tables(db, PREVIOUS);
        }
        try {
            List<Map<String, Object>> figures = new ArrayList<>();
            for (Headline h : HEADLINES) {
                if (!tonight.has(h.table())) {
                    continue;
                }
                Map<String, Object> figure = new LinkedHashMap<>();
                figure.put("key", h.key());
                figure.put("format", h.format());
                figure.put("tonight", number(scalar(db, h.sql().formatted(tonight.name(h.table())), date)));
                figure.put("previous", before != null && before.has(h.table())
                        ? number(scalar(db, h.sql().formatted(before.name(h.table())), previous.get().date()))
                        : null);
                figures.add(figure);
            }
            return figures;
        } finally {
            if (before != null) {
                try (Statement s = db.createStatement()) {
                    s.execute("DETACH " + PREVIOUS);
                }
            }
        }
    }

    /** The Pareto curves (at most about 400 points each) and the 80/20/30 figures of mart_pareto_summary. */
    private Map<String, Object> pareto(Connection db, Tables tonight, String table) throws SQLException {
        long customers = count(db, table);
        long step = Math.max(1, customers / 400);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("customers", customers);
        out.put("revenue", rows(db, "SELECT revenue_rank_share AS x, cumulative_revenue_share AS y FROM " + table
                + " WHERE cumulative_revenue_share IS NOT NULL AND (revenue_rank % " + step + " = 0 OR revenue_rank = 1 "
                + "OR revenue_rank = " + customers + ") ORDER BY revenue_rank"));
        out.put("margin", rows(db, "SELECT margin_rank_share AS x, cumulative_margin_share AS y FROM " + table
                + " WHERE cumulative_margin_share IS NOT NULL AND (margin_rank % " + step + " = 0 OR margin_rank = 1 "
                + "OR margin_rank = " + customers + ") ORDER BY margin_rank"));
        // the margin curve where the bottom 30% start (rank share 0.7): what the unprofitable tail gives back
        out.put("margin_at_70", scalar(db, "SELECT cumulative_margin_share FROM " + table + " WHERE margin_rank = "
                + "greatest(1, CAST(floor(0.7 * " + customers + ") AS BIGINT))"));
        out.put("summary", tonight.has("mart_pareto_summary")
                ? rows(db, "SELECT customers, top_20_revenue_share, top_20_margin_share, unprofitable_customers, "
                        + "margin_consumed_share FROM " + tonight.name("mart_pareto_summary")).stream().findFirst()
                        .orElse(null)
                : null);
        return out;
    }

    /** Kaplan-Meier curves of purchase lifetimes: all customers and the 5 largest acquisition channels. */
    private List<Map<String, Object>> survival(Connection db, String table) throws SQLException {
        List<Map<String, Object>> groups = rows(db, "SELECT * FROM (SELECT group_type, group_value, max(group_customers) "
                + "AS customers, max(median_lifetime_days) AS median_days FROM " + table + " WHERE basis = 'purchases' "
                + "GROUP BY group_type, group_value) ORDER BY group_type <> 'all', customers DESC, group_value LIMIT 6");
        for (Map<String, Object> g : groups) {
            g.put("points", rows(db, "SELECT time_days AS t, survival AS s, ci_lower AS lo, ci_upper AS hi FROM " + table
                    + " WHERE basis = 'purchases' AND group_type = " + Sql.literal((String) g.get("group_type"))
                    + " AND group_value = " + Sql.literal((String) g.get("group_value")) + " ORDER BY time_days"));
        }
        return groups;
    }

    /**
     * The back-test (mart_model_backtest): per model the cumulative repeat purchases over the
     * holdout, actual against expected (the chart), and the summary measures (total, mean absolute
     * error per customer, spend) with the calibration-frequency rows (the table).
     */
    private Map<String, Object> backtest(Connection db, String table) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cumulative", rows(db, "SELECT model, period, actual, predicted FROM " + table
                + " WHERE measure = 'cumulative_repeat_purchases' ORDER BY model, period"));
        out.put("rows", rows(db, "SELECT model, measure, bucket, customers, actual, predicted, error, note FROM " + table
                + " WHERE measure <> 'cumulative_repeat_purchases' ORDER BY model, measure, bucket"));
        out.put("total", count(db, table));
        return out;
    }

    @FunctionalInterface
    private interface SectionQuery {
        Object query(String table) throws SQLException;
    }

    /** One section's data, or a note why it is skipped (its mart missing or empty). */
    private static void section(Map<String, Object> data, Tables tonight, String key, String table, SectionQuery query)
            throws SQLException {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("table", table);
        if (!tonight.has(table)) {
            section.put("skipped", "missing");
        } else if (count(tonight.db(), tonight.name(table)) == 0) {
            section.put("skipped", "skipped");
        } else {
            section.put("data", query.query(tonight.name(table)));
        }
        data.put(key, section);
    }

    /** The tables of one attached database. */
    private record Tables(Connection db, String database) {
        boolean has(String table) throws SQLException {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ("
                    + "SELECT table_name FROM duckdb_tables() WHERE database_name = " + Sql.literal(database)
                    + " AND schema_name = 'main' UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = "
                    + Sql.literal(database) + " AND schema_name = 'main') WHERE table_name = " + Sql.literal(table))) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }

        String name(String table) {
            return Sql.identifier(database) + ".main." + Sql.identifier(table);
        }
    }

    record Snapshot(Path file, LocalDate date, long execution) {
    }

    /** The newest snapshot of a night before {@code date} (a rerun of tonight's date is not a previous night). */
    static Optional<Snapshot> previousSnapshot(Path folder, LocalDate date) throws SQLException {
        if (folder == null || !Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> {
                Matcher m = SNAPSHOT.matcher(p.getFileName().toString());
                return m.matches() ? new Snapshot(p, LocalDate.parse(m.group(1)), Long.parseLong(m.group(2))) : null;
            }).filter(s -> s != null && s.date().isBefore(date))
                    .max(Comparator.comparing(Snapshot::date).thenComparing(Snapshot::execution));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String currentDatabase(Connection db) throws SQLException {
        return String.valueOf(scalar(db, "SELECT current_database()"));
    }

    private static long count(Connection db, String table) throws SQLException {
        return ((Number) scalar(db, "SELECT count(*) FROM " + table)).longValue();
    }

    private static Object scalar(Connection db, String sql) throws SQLException {
        return scalar(db, sql, null);
    }

    private static Object scalar(Connection db, String sql, LocalDate date) throws SQLException {
        List<Map<String, Object>> rows = rows(db, sql, date);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    private static List<Map<String, Object>> rows(Connection db, String sql) throws SQLException {
        return rows(db, sql, null);
    }

    /** Rows as maps for JSON: numbers as numbers, dates and everything else as text. */
    private static List<Map<String, Object>> rows(Connection db, String sql, LocalDate date) throws SQLException {
        String query = date == null ? sql : sql.replace(":date", "DATE " + Sql.literal(date.toString()));
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), jsonValue(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object jsonValue(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short) {
            return value;
        }
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? (Object) n : null;
        }
        return value.toString();
    }

    private static Object number(Object value) {
        return value instanceof Number n ? (Object) n.doubleValue() : null;
    }

    private static String tierOrder(String column) {
        return "CASE " + column + " WHEN '(new)' THEN 0 WHEN 'VIP' THEN 1 WHEN 'major' THEN 2 WHEN 'ordinary' THEN 3 "
                + "WHEN 'small' THEN 4 WHEN '(none)' THEN 5 ELSE 6 END";
    }

    /**
     * JSON for inside a {@code <script>} element: every {@code <} escaped (it can only be in a
     * string), so text from the sources such as {@code </script>} or {@code <!--} cannot end or
     * change the element.
     */
    private String scriptJson(Object value) {
        return json.writeValueAsString(value).replace("<", "\\u003c");
    }

    private static String replaceOnce(String text, String placeholder, String value) {
        int at = text.indexOf(placeholder);
        if (at < 0 || text.indexOf(placeholder, at + 1) >= 0) {
            throw new IllegalStateException(TEMPLATE + " must hold " + placeholder + " exactly once");
        }
        return text.substring(0, at) + value + text.substring(at + placeholder.length());
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = resourceStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resourceStream(String name) {
        InputStream in = MorningReport.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("resource " + name + " is missing from the classpath");
        }
        return in;
    }
}
