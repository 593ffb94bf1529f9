package org.crmwarehouse.report;

import java.util.List;
import org.crmwarehouse.validate.SourceAudit;

/** What one night did: rows per source and table, quarantine reasons, time per step, outputs. */
public record RunReport(
        String job,
        String configFile,
        String businessDate,
        long jobExecutionId,
        List<StepTime> steps,
        List<SourceAudit> sources,
        List<QuarantineCount> quarantine,
        List<TableRows> tables,
        boolean reconciled,
        Outputs outputs) {

    public record StepTime(String step, String status, double seconds) {
    }

    public record QuarantineCount(String entity, String reasonCode, String columnName, long rows) {
    }

    public record TableRows(String table, String layer, long rows, long buildMillis) {
    }

    public record Outputs(String warehouse, String parquetFolder, String reportJson, String reportText) {
    }
}
