package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.crmwarehouse.report.HeadlessChromium;
import org.crmwarehouse.report.MorningReport;
import org.crmwarehouse.sql.Db;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample nights (data-samples/, jobs/nightly.yaml) of 2026-06-29 and 2026-06-30 through the
 * command line: the second night writes reports/2026-06-30/report.html, linked from the run
 * summary, compared with the first night's snapshot; the page, and its zh-CN version made from
 * the night's snapshot, opened in headless chromium: every chart of every section drew, no error,
 * and a screenshot of each is kept in target/report-screenshots/. Two whole nights: acceptance.
 */
@Tag("acceptance")
class MorningReportSampleNightTest {
    static final Path SCREENSHOTS = Path.of("target/report-screenshots");
    /** Every section of the sample night has rows (the back-test too), so every chart of the page is there. */
    static final List<String> CHARTS = List.of("funnel", "campaigns", "ads", "pareto", "rfm", "lifecycle", "tiers",
            "migration", "cohorts", "survival", "churn", "aging", "reminders", "backtest");

    @TempDir
    static Path tmp;

    static Path output;
    static int[] exits = new int[2];

    @BeforeAll
    static void twoSampleNights() throws Exception {
        Path samples = Path.of("data-samples").toAbsolutePath();
        String config = Files.readString(Path.of("jobs/nightly.yaml"), StandardCharsets.UTF_8)
                .replace("../data-samples/", samples + "/").replace("output: ../var/nightly", "output: out");
        Path file = tmp.resolve("nightly.yaml");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        output = tmp.resolve("out");
        exits[0] = Cli.run("run", "--config", file.toString(), "--date", "2026-06-29").exit();
        exits[1] = Cli.run("run", "--config", file.toString(), "--date", "2026-06-30").exit();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSampleNightsReportDrawsEveryChartInBothLocales() throws Exception {
        assertThat(exits).containsExactly(0, 0);
        Path report = output.resolve("reports/2026-06-30/report.html");
        assertThat(report).exists();
        assertThat(Files.readString(output.resolve("reports/2026-06-30/run-report.txt")))
                .contains("  Morning report    " + report);
        String en = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(en).contains("\"previousDate\":\"2026-06-29\"", "\"locale\":\"en\"");

        // the zh-CN page of the same night, from its published snapshot (the work database is gone)
        Path snapshot;
        try (var files = Files.list(output.resolve("snapshots"))) {
            snapshot = files.filter(p -> p.getFileName().toString().startsWith("2026-06-30-")).findFirst().orElseThrow();
        }
        Path zh = tmp.resolve("report-zh-CN.html");
        try (Connection db = Db.openReadOnly(snapshot)) {
            new MorningReport().write(db, "nightly", LocalDate.of(2026, 6, 30), "zh-CN", output.resolve("snapshots"), zh);
        }

        HeadlessChromium chromium = HeadlessChromium.findOrSkip();
        for (Map.Entry<String, Path> page : Map.of("en", report, "zh-CN", zh).entrySet()) {
            String locale = page.getKey();
            Path profile = tmp.resolve("profile-" + locale);
            Map<String, Object> status = HeadlessChromium.renderStatus(chromium.dumpDom(page.getValue(), profile));
            assertThat((List<Object>) status.get("errors")).as(locale + " errors").isEmpty();
            Map<String, Map<String, Object>> charts = (Map<String, Map<String, Object>>) status.get("charts");
            assertThat(charts.keySet()).as(locale).containsExactlyInAnyOrderElementsOf(CHARTS);
            charts.forEach((id, c) -> assertThat(c.get("drawn")).as(locale + " chart " + id + ": " + c).isEqualTo(true));
            chromium.screenshot(page.getValue(), profile, SCREENSHOTS.resolve("report-" + locale + ".png"), 1400, 6400);
        }
    }
}
