package org.crmwarehouse.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crmwarehouse.acceptance.RealData.dataset;
import static org.crmwarehouse.acceptance.RealData.rows;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.Test;

/**
 * Acceptance of the funnel marts on the real Olist marketing funnel (jobs/olist.yaml): the job runs
 * in memory (extract, validate, every model and data test) and mart_funnel is checked by origin
 * channel. Expected figures: the datasets README (8,000 leads, 842 deals, 60 blank and 1,099
 * "unknown" origins, one deal won before its lead's first contact) and counts made here from the
 * two CSV files in plain Java, independently of the mapping and mart SQL.
 * 842 / 8,000 = 0.10525: the MQL-to-deal conversion over all channels.
 */
class OlistFunnelAcceptanceTest {
    /** Totals over every salesperson: the month rows of salesperson '(all)' (see mart_funnel.yml). */
    private static final String TOTALS = " FROM mart_funnel WHERE period_type = 'month' AND salesperson = '(all)'";

    @Test
    void funnelByOriginChannelOnOlist() throws Exception {
        List<List<String>> leads = rows(dataset("olist_marketing_qualified_leads_dataset.csv"), ',');
        List<List<String>> deals = rows(dataset("olist_closed_deals_dataset.csv"), ',');
        // plain Java: leads and deals per origin (blank origin -> the mapping's 'blank' channel)
        Map<String, String> originOf = new HashMap<>();
        Map<String, LocalDate> firstContact = new HashMap<>();
        Map<String, Long> leadsByChannel = new TreeMap<>();
        for (List<String> l : leads) { // mql_id,first_contact_date,landing_page_id,origin
            String channel = l.get(3).isBlank() ? "blank" : l.get(3);
            originOf.put(l.get(0), channel);
            firstContact.put(l.get(0), LocalDate.parse(l.get(1)));
            leadsByChannel.merge(channel, 1L, Long::sum);
        }
        Map<String, Long> dealsByChannel = new TreeMap<>();
        Map<String, Long> daysBeforeContact = new HashMap<>();
        DateTimeFormatter wonFormat = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (List<String> d : deals) { // mql_id,...,won_date (5th)
            dealsByChannel.merge(originOf.get(d.get(0)), 1L, Long::sum);
            LocalDate won = LocalDateTime.parse(d.get(4), wonFormat).toLocalDate();
            if (won.isBefore(firstContact.get(d.get(0)))) {
                daysBeforeContact.put(d.get(0), ChronoUnit.DAYS.between(firstContact.get(d.get(0)), won));
            }
        }
        assertThat(leads).hasSize(8_000); // README: 8,000 leads
        assertThat(deals).hasSize(842); // README: 842 closed deals
        assertThat(leadsByChannel).containsEntry("blank", 60L).containsEntry("unknown", 1_099L); // README
        assertThat(daysBeforeContact).hasSize(1); // README: one deal is won before its lead's first contact
        assertThat(daysBeforeContact).containsEntry("b91cf8812365f50ff4bda4bcd6206b05", -2L); // 2018-03-06 vs 2018-03-08

        try (Connection db = RealData.run("jobs/olist.yaml")) {
            // overall MQL-to-deal conversion: 842 / 8,000 = 10.525 %
            assertThat(Db.queryLong(db, "SELECT sum(leads)" + TOTALS)).isEqualTo(8_000);
            assertThat(Db.queryLong(db, "SELECT sum(deals)" + TOTALS)).isEqualTo(842);
            assertThat(new BigDecimal(Db.queryStrings(db,
                    "SELECT CAST(sum(deals) AS DECIMAL(18, 6)) / sum(leads)" + TOTALS).get(0)))
                    .isEqualByComparingTo("0.10525");
            // the '(all)' rows add up the per-salesperson rows
            assertThat(Db.queryLong(db, "SELECT sum(leads) FROM mart_funnel WHERE period_type = 'month' "
                    + "AND salesperson <> '(all)'")).isEqualTo(8_000);
            // every origin is a channel of its own with its leads and deals, blank and 'unknown' included
            for (Map.Entry<String, Long> e : leadsByChannel.entrySet()) {
                String where = TOTALS + " AND channel = '" + e.getKey() + "'";
                assertThat(Db.queryLong(db, "SELECT sum(leads)" + where)).as("leads of " + e.getKey())
                        .isEqualTo(e.getValue());
                assertThat(Db.queryLong(db, "SELECT coalesce(sum(deals), 0)" + where)).as("deals of " + e.getKey())
                        .isEqualTo(dealsByChannel.getOrDefault(e.getKey(), 0L));
            }
            assertThat(Db.queryLong(db, "SELECT count(DISTINCT channel) FROM mart_funnel"))
                    .isEqualTo(leadsByChannel.size());
            // the day and week grains hold the same totals as the month grain
            for (String grain : List.of("day", "week")) {
                assertThat(Db.queryLong(db, "SELECT sum(deals) FROM mart_funnel WHERE period_type = '" + grain
                        + "' AND salesperson = '(all)'")).as(grain).isEqualTo(842);
            }
            // the deal won before its lead's first contact is reported with its negative days, not hidden
            assertThat(Db.queryStrings(db, "SELECT anomaly || ' ' || lead_id || ' ' || days_to_deal "
                    + "FROM mart_funnel_anomalies"))
                    .containsExactly("deal_before_first_contact b91cf8812365f50ff4bda4bcd6206b05 -2");
            assertThat(Db.queryLong(db, "SELECT sum(deals_before_first_contact)" + TOTALS)).isEqualTo(1);
        }
    }
}
