package org.crmwarehouse.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.crmwarehouse.validate.SourceAudit;
import org.junit.jupiter.api.Test;

/** The readable summary: tonight's quarantine and the carried quarantine of incremental sources, apart. */
class RunReportWriterTest {

    private static RunReport report(List<RunReport.QuarantineCount> tonight, List<RunReport.QuarantineCount> carried) {
        return new RunReport("t", "t.yaml", "2026-03-05", 7, List.of(new RunReport.StepTime("extract", "COMPLETED", 1.5)),
                List.of(new SourceAudit("customers", "customers-*.csv", 1, 1, 0)), tonight, carried,
                List.of(new RunReport.TableRows("mart_x", "marts", 3, 12)), true,
                new RunReport.Outputs("w.duckdb", "marts/", "r.json", "r.txt"));
    }

    @Test
    void carriedQuarantineIsListedApartFromTonights() {
        String text = new RunReportWriter().summary(report(List.of(),
                List.of(new RunReport.QuarantineCount("customers", "FUTURE_DATE", "created_at", 2))));
        assertThat(text).doesNotContain("Quarantined rows by reason")
                .contains("Also in the quarantine table: rows of incremental sources that did not change tonight")
                .containsPattern("customers +FUTURE_DATE +created_at +2\n");
    }

    @Test
    void fullSourcesListOnlyTonightsQuarantine() {
        String text = new RunReportWriter().summary(report(
                List.of(new RunReport.QuarantineCount("orders", "NOT_ALLOWED", "order_type", 1234)), List.of()));
        assertThat(text).contains("Quarantined rows by reason").doesNotContain("Also in the quarantine table")
                .containsPattern("orders +NOT_ALLOWED +order_type +1,234\n");
    }

    // issue 17 item 4

    @Test
    void theMorningReportIsLinkedUnderResultsWhenWritten() {
        RunReport r = report(List.of(), List.of());
        assertThat(new RunReportWriter().summary(r)).doesNotContain("Morning report");
        RunReport linked = new RunReport(r.job(), r.configFile(), r.businessDate(), r.jobExecutionId(), r.steps(),
                r.sources(), r.quarantine(), r.quarantineCarried(), r.tables(), r.reconciled(),
                new RunReport.Outputs("w.duckdb", "marts/", "r.json", "r.txt", "/out/reports/2026-03-05/report.html"));
        assertThat(new RunReportWriter().summary(linked))
                .contains("  Run report        r.json\n  Morning report    /out/reports/2026-03-05/report.html\n");
    }

    // issue 15, items 4 and 5

    /**
     * A night with warnings says so in the first line of the text and the first field of the JSON
     * (with the exit code 3); the parameters set by config or command line are listed, the others
     * counted; one without warnings says "completed" (exit code 0).
     */
    @Test
    void warningsComeFirstAndParametersAreListed() throws Exception {
        RunReport r = report(List.of(), List.of());
        RunReport warned = new RunReport(r.job(), r.configFile(), r.businessDate(), r.jobExecutionId(), r.steps(),
                r.sources(), r.quarantine(), r.quarantineCarried(), r.tables(), r.reconciled(), r.outputs(), List.of(),
                List.of(), List.of("mart_model_fit: BG/NBD fit failed: alpha on the bound"),
                List.of(new RunReport.Parameter("value_horizon_periods", "26", "command line"),
                        new RunReport.Parameter("value_time_unit", "week", "config"),
                        new RunReport.Parameter("value_vip_share", "0.05", "default")),
                List.of(new RunReport.ModelVersion("mart_model_fit", "java", "ModelFitModel 2"),
                        new RunReport.ModelVersion("mart_x", "sql", "sha256:0123456789abcdef")));
        String text = new RunReportWriter().summary(warned);
        assertThat(text.lines().limit(2)).containsExactly(
                "crm-warehouse: job t, business date 2026-03-05, execution 7: completed with 1 warning (exit code 3)",
                "WARNING: mart_model_fit: BG/NBD fit failed: alpha on the bound");
        assertThat(text).contains("Model parameters: 2 set, 1 at their defaults")
                .containsPattern("\n  value_horizon_periods +26 +command line\n  value_time_unit +week +config\n")
                .doesNotContain("value_vip_share").contains("mart_model_fit ModelFitModel 2; SQL models by content hash (1)");
        assertThat(new RunReportWriter().summary(r).lines().findFirst().orElseThrow())
                .isEqualTo("crm-warehouse: job t, business date 2026-03-05, execution 7: completed");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("report");
        new RunReportWriter().write(warned, dir.resolve("r.json"), dir.resolve("r.txt"));
        List<String> json = java.nio.file.Files.readAllLines(dir.resolve("r.json"));
        assertThat(json.subList(0, 3)).containsExactly("{", "  \"outcome\" : \"completed with 1 warning\",",
                "  \"exitCode\" : 3,");
        assertThat(RunReportWriter.warnings(dir.resolve("r.json")))
                .containsExactly("mart_model_fit: BG/NBD fit failed: alpha on the bound");
        assertThat(RunReportWriter.warnings(dir.resolve("absent.json"))).isEmpty();
    }

    // issue 13, config

    @Test
    void unknownColumnsAreListedPerSource() throws Exception {
        RunReport r = report(List.of(), List.of());
        assertThat(new RunReportWriter().summary(r)).doesNotContain("Columns outside the contract");
        RunReport withUnknown = new RunReport(r.job(), r.configFile(), r.businessDate(), r.jobExecutionId(), r.steps(),
                r.sources(), r.quarantine(), r.quarantineCarried(), r.tables(), r.reconciled(), r.outputs(),
                List.of(new RunReport.UnknownColumns("orders", "orders.csv", List.of("colour", "note"))));
        assertThat(new RunReportWriter().summary(withUnknown)).contains("\nColumns outside the contract, not loaded "
                + "(a misspelt contract column would be one):\n  orders (orders.csv): colour, note\n");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("report");
        new RunReportWriter().write(withUnknown, dir.resolve("r.json"), dir.resolve("r.txt"));
        assertThat(java.nio.file.Files.readString(dir.resolve("r.json"))).containsIgnoringWhitespaces(
                "\"unknownColumns\" : [ { \"entity\" : \"orders\", \"source\" : \"orders.csv\", \"columns\" : [ "
                        + "\"colour\", \"note\" ] } ]");
    }

    // issue 13, line accounting

    /**
     * Per source the summary gives physical lines and lines set aside, by reason, and checks lines
     * = header + loaded + quarantined + set aside. Figures by hand: 10 = 1 + 5 + 2 + 2 reconciles;
     * 11 lines with the same parts do not.
     */
    @Test
    void linesAndSetAsideArePrintedAndChecked() throws Exception {
        RunReport r = report(List.of(), List.of());
        SourceAudit orders = new SourceAudit("orders", "orders.csv", 6, 4, 2, 10, 1, 5, 2,
                java.util.Map.of(SourceAudit.BLANK_LINE, 2L));
        RunReport withLines = new RunReport(r.job(), r.configFile(), r.businessDate(), r.jobExecutionId(), r.steps(),
                List.of(orders), r.quarantine(), r.quarantineCarried(), r.tables(), true, r.outputs());
        String text = new RunReportWriter().summary(withLines);
        assertThat(text).containsPattern("orders \\(orders.csv\\) +6 +4 +2 +0 +10 +2\n")
                .contains("Every line was a header, loaded, quarantined or set aside")
                .contains("  lines set aside from orders: 2 blank_line\n");
        SourceAudit off = new SourceAudit("orders", "orders.csv", 6, 4, 2, 11, 1, 5, 2,
                java.util.Map.of(SourceAudit.BLANK_LINE, 2L));
        assertThat(new RunReportWriter().summary(new RunReport(r.job(), r.configFile(), r.businessDate(),
                r.jobExecutionId(), r.steps(), List.of(off), r.quarantine(), r.quarantineCarried(), r.tables(), true,
                r.outputs()))).contains("WARNING: line counts do not reconcile for orders.");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("report");
        new RunReportWriter().write(withLines, dir.resolve("r.json"), dir.resolve("r.txt"));
        assertThat(java.nio.file.Files.readString(dir.resolve("r.json"))).containsIgnoringWhitespaces(
                "\"physicalLines\" : 10, \"headerLines\" : 1, \"linesLoaded\" : 5, \"linesQuarantined\" : 2, "
                        + "\"linesSetAside\" : { \"blank_line\" : 2 }");
    }

    // issue 14, as-of replays

    /** Rows set aside are a column of the sources table and a section per source, reason and column, and in the JSON. */
    @Test
    void setAsideRowsAreCountedPerSourceReasonAndColumn() throws Exception {
        RunReport r = report(List.of(), List.of());
        assertThat(new RunReportWriter().summary(r)).doesNotContain("Set aside, not loaded");
        RunReport replay = new RunReport(r.job(), r.configFile(), r.businessDate(), r.jobExecutionId(), r.steps(),
                List.of(new SourceAudit("orders", "orders.csv", 10, 6, 1, java.util.Map.of("later_than_business_date", 3L))),
                r.quarantine(), r.quarantineCarried(), r.tables(), true, r.outputs(), List.of(),
                List.of(new RunReport.SetAsideCount("orders", "orders.csv", "later_than_business_date", "order_time", 2),
                        new RunReport.SetAsideCount("orders", "orders.csv", "later_than_business_date", "customer_id", 1)));
        String text = new RunReportWriter().summary(replay);
        assertThat(text).containsPattern("orders \\(orders.csv\\) +10 +6 +1 +3 +10 +3\n")
                .contains("read = loaded + quarantined + set aside")
                .contains("\nSet aside, not loaded and not quarantined (later than the business date")
                .containsPattern("  orders \\(orders.csv\\) +later_than_business_date +order_time +2\n")
                .containsPattern("  orders \\(orders.csv\\) +later_than_business_date +customer_id +1\n");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("report");
        new RunReportWriter().write(replay, dir.resolve("r.json"), dir.resolve("r.txt"));
        assertThat(java.nio.file.Files.readString(dir.resolve("r.json")))
                .containsIgnoringWhitespaces("\"setAside\" : { \"later_than_business_date\" : 3 }")
                .containsIgnoringWhitespaces("{ \"entity\" : \"orders\", \"source\" : \"orders.csv\", \"reason\" : "
                        + "\"later_than_business_date\", \"columnName\" : \"order_time\", \"rows\" : 2 }");
    }
}
