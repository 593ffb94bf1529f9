package org.crmwarehouse.report;

import java.util.List;
import org.crmwarehouse.validate.SourceAudit;

/**
 * What one night did: rows per source and table, quarantine reasons, time per step, outputs.
 * {@code quarantine} counts the rows quarantined from what the night read (reconciling with
 * {@code sources}); {@code quarantineCarried} the other rows of incremental sources' published
 * quarantine, which did not change tonight (still invalid, or invalid now that a parent left).
 * {@code setAside}: the rows set aside from what the night read, per source, reason and column
 * (reason later_than_business_date: not yet known on this night); each source's total is in
 * {@code sources} (read = loaded + quarantined + set aside).
 */
public record RunReport(
        String job,
        String configFile,
        String businessDate,
        long jobExecutionId,
        List<StepTime> steps,
        List<SourceAudit> sources,
        List<QuarantineCount> quarantine,
        List<QuarantineCount> quarantineCarried,
        List<TableRows> tables,
        boolean reconciled,
        Outputs outputs,
        List<UnknownColumns> unknownColumns,
        List<SetAsideCount> setAside) {

    public RunReport {
        unknownColumns = unknownColumns == null ? List.of() : List.copyOf(unknownColumns);
        setAside = setAside == null ? List.of() : List.copyOf(setAside);
    }

    /** A report without rows set aside. */
    public RunReport(String job, String configFile, String businessDate, long jobExecutionId, List<StepTime> steps,
            List<SourceAudit> sources, List<QuarantineCount> quarantine, List<QuarantineCount> quarantineCarried,
            List<TableRows> tables, boolean reconciled, Outputs outputs, List<UnknownColumns> unknownColumns) {
        this(job, configFile, businessDate, jobExecutionId, steps, sources, quarantine, quarantineCarried, tables,
                reconciled, outputs, unknownColumns, List.of());
    }

    /** A report without unknown columns. */
    public RunReport(String job, String configFile, String businessDate, long jobExecutionId, List<StepTime> steps,
            List<SourceAudit> sources, List<QuarantineCount> quarantine, List<QuarantineCount> quarantineCarried,
            List<TableRows> tables, boolean reconciled, Outputs outputs) {
        this(job, configFile, businessDate, jobExecutionId, steps, sources, quarantine, quarantineCarried, tables,
                reconciled, outputs, List.of());
    }

    /** Columns of one source that the entity does not have (so they were not loaded). */
    public record UnknownColumns(String entity, String source, List<String> columns) {
    }

    /** Rows of one source set aside for one reason, by the column that decided it. */
    public record SetAsideCount(String entity, String source, String reason, String columnName, long rows) {
    }

    public record StepTime(String step, String status, double seconds) {
    }

    public record QuarantineCount(String entity, String reasonCode, String columnName, long rows) {
    }

    public record TableRows(String table, String layer, long rows, long buildMillis) {
    }

    /** {@code morningReport}: the night's HTML page with charts (null when none was written). */
    public record Outputs(String warehouse, String parquetFolder, String reportJson, String reportText,
            String morningReport) {
        public Outputs(String warehouse, String parquetFolder, String reportJson, String reportText) {
            this(warehouse, parquetFolder, reportJson, reportText, null);
        }
    }
}
