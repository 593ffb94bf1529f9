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
}
