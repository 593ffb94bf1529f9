package org.crmwarehouse.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.crmwarehouse.validate.SourceAudit;

/**
 * What one night did: rows per source and table, quarantine reasons, time per step, outputs.
 * {@code quarantine} counts the rows quarantined from what the night read (reconciling with
 * {@code sources}); {@code quarantineCarried} the other rows of incremental sources' published
 * quarantine, which did not change tonight (still invalid, or invalid now that a parent left).
 * {@code setAside}: the rows set aside from what the night read, per source, reason and column
 * (reason later_than_business_date: not yet known on this night); each source's total is in
 * {@code sources} (read = loaded + quarantined + set aside). {@code warnings}: what went wrong
 * without failing the night (a customer-value model not fitted or not usable: its marts fell back);
 * with any, the outcome is "completed with warnings" and the run exits {@value #EXIT_WARNING}.
 * {@code parameters} and {@code models}: the night's model parameters with their values and where
 * they came from, and the version of every model (also published as warehouse_parameters and
 * warehouse_models).
 */
@JsonPropertyOrder({"outcome", "exitCode", "warnings"})
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
        List<SetAsideCount> setAside,
        List<String> warnings,
        List<Parameter> parameters,
        List<ModelVersion> models) {

    /** The exit code of a night that completed with warnings (0 success, 1 failure, 2 usage, 75 stopped). */
    public static final int EXIT_WARNING = 3;

    public RunReport {
        unknownColumns = unknownColumns == null ? List.of() : List.copyOf(unknownColumns);
        setAside = setAside == null ? List.of() : List.copyOf(setAside);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** A report without warnings, parameters or model versions. */
    public RunReport(String job, String configFile, String businessDate, long jobExecutionId, List<StepTime> steps,
            List<SourceAudit> sources, List<QuarantineCount> quarantine, List<QuarantineCount> quarantineCarried,
            List<TableRows> tables, boolean reconciled, Outputs outputs, List<UnknownColumns> unknownColumns,
            List<SetAsideCount> setAside) {
        this(job, configFile, businessDate, jobExecutionId, steps, sources, quarantine, quarantineCarried, tables,
                reconciled, outputs, unknownColumns, setAside, List.of(), List.of(), List.of());
    }

    /** "completed" or "completed with warnings". */
    @JsonProperty("outcome")
    public String outcome() {
        return warnings.isEmpty() ? "completed" : "completed with " + warnings.size()
                + (warnings.size() == 1 ? " warning" : " warnings");
    }

    /** The exit code of {@code run} for this night: 0, or {@link #EXIT_WARNING} with warnings. */
    @JsonProperty("exitCode")
    public int exitCode() {
        return warnings.isEmpty() ? 0 : EXIT_WARNING;
    }

    /** A model parameter of the night: its value and where it came from (default, config, command line). */
    public record Parameter(String name, String value, String source) {
    }

    /** A model's version: a content hash of its SQL file, or a Java model's declared version. */
    public record ModelVersion(String model, String kind, String version) {
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
