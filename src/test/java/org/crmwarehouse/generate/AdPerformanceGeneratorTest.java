package org.crmwarehouse.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated ad export agrees with the generated CRM, checked with DuckDB SQL over the files (a
 * method independent of the Java writer): per campaign and day, leads <= conversions <= clicks; the
 * export covers every advertising / email_web campaign and only those; a small share of spend is
 * unknown; and an export's spend adds up to about its campaign's spend.
 */
class AdPerformanceGeneratorTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws Exception {
        GeneratorTestSupport.generate(dir, 2000, 7, 0);
    }

    private static long one(String sql) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            st.execute("CREATE VIEW ads AS SELECT * FROM read_csv('" + dir.resolve("ad_performance.csv") + "', header = true)");
            st.execute("CREATE VIEW leads AS SELECT * FROM read_csv('" + dir.resolve("leads.csv") + "', header = true)");
            st.execute("CREATE VIEW campaigns AS SELECT * FROM read_csv('" + dir.resolve("campaigns.csv") + "', header = true)");
            try (ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void everyCampaignDayHasAtLeastItsLeadsAsConversionsAndAtLeastTheConversionsAsClicks() throws Exception {
        String perDay = "WITH l AS (SELECT campaign_id, CAST(created_at AS DATE) AS day, count(*) AS leads FROM leads "
                + "WHERE campaign_id IN (SELECT campaign_id FROM ads) GROUP BY ALL), "
                + "a AS (SELECT campaign_id, date AS day, sum(conversions) AS conversions, sum(clicks) AS clicks FROM ads GROUP BY ALL) ";
        assertThat(one(perDay + "SELECT count(*) FROM l")).as("campaign-days with leads").isGreaterThan(500);
        assertThat(one(perDay + "SELECT count(*) FROM l LEFT JOIN a USING (campaign_id, day) "
                + "WHERE a.conversions IS NULL OR a.conversions < l.leads")).as("campaign-days with fewer conversions than leads").isZero();
        assertThat(one(perDay + "SELECT count(*) FROM a WHERE clicks < conversions")).isZero();
        assertThat(one("SELECT count(*) FROM ads WHERE impressions < clicks OR qualified_conversions > conversions")).isZero();
        assertThat(one("SELECT count(*) FROM ads WHERE spend > 0 AND impressions = 0")).as("spend without impressions").isZero();
    }

    @Test
    void theExportCoversTheOnlineAdCampaignsOverTheirActiveDays() throws Exception {
        assertThat(one("SELECT count(*) FROM campaigns WHERE channel IN ('advertising', 'email_web') "
                + "AND campaign_id NOT IN (SELECT campaign_id FROM ads)")).isZero();
        assertThat(one("SELECT count(*) FROM (SELECT DISTINCT campaign_id FROM ads) "
                + "WHERE campaign_id NOT IN (SELECT campaign_id FROM campaigns WHERE channel IN ('advertising', 'email_web'))")).isZero();
        // one row per ad and day, from the campaign's start (or the history's, three years before the
        // business date) to its end (or the business date)
        assertThat(one("SELECT count(*) FROM (SELECT ad_id, campaign_id, count(*) AS n, min(date) AS first, max(date) AS last "
                + "FROM ads GROUP BY ALL) a JOIN campaigns c USING (campaign_id) "
                + "WHERE a.first <> greatest(c.start_date, DATE '" + GeneratorTestSupport.END.minusYears(3) + "') "
                + "OR a.last <> coalesce(c.end_date, DATE '" + GeneratorTestSupport.END + "') OR a.n <> a.last - a.first + 1")).isZero();
        assertThat(one("SELECT count(*) FROM (SELECT date, platform, ad_id FROM ads GROUP BY ALL HAVING count(*) > 1)")).isZero();
    }

    @Test
    void aSmallShareOfSpendIsUnknownAndKnownSpendAddsUpToAboutTheCampaigns() throws Exception {
        long rows = one("SELECT count(*) FROM ads");
        long unknown = one("SELECT count(*) FROM ads WHERE spend IS NULL");
        assertThat((double) unknown / rows).as("unknown spend share").isBetween(0.008, 0.025);
        // spend per ad and day is the campaign's daily spend x the ad's share x U(0.7, 1.3): mean 1
        assertThat(one("SELECT count(*) FROM (SELECT campaign_id, sum(spend) / count(spend) * count(*) AS spend "
                + "FROM ads GROUP BY ALL) a JOIN campaigns c USING (campaign_id) "
                + "WHERE c.spend > 1000 AND abs(a.spend / c.spend - 1) > 0.15")).isZero();
    }
}
