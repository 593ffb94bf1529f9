package org.crmwarehouse.orchestrate;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.extract.SourceExtractor;
import org.crmwarehouse.publish.Publisher;
import org.crmwarehouse.report.MorningReport;
import org.crmwarehouse.report.RunReport;
import org.crmwarehouse.report.RunReportWriter;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelRunner;
import org.crmwarehouse.transform.NightWarnings;
import org.crmwarehouse.validate.AsOf;
import org.crmwarehouse.validate.ContractValidator;
import org.crmwarehouse.validate.IncrementalValidation;
import org.crmwarehouse.validate.QuarantinePolicy;
import org.crmwarehouse.validate.SourceAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * The work of each step of the nightly job. Every step reads and writes only the run's work
 * database (and, for publish, the output folder), replacing what it wrote before, so running a
 * step again after a failure gives the same result as running it once.
 */
public final class NightlySteps {
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");

    public void extract(RunContext run) throws Exception {
        Files.createDirectories(run.workDatabase().getParent());
        try (Connection db = Db.open(run.workDatabase())) {
            new SourceExtractor(run.contract()).extract(db, run.config(), run.businessDate());
        }
    }

    public void validate(RunContext run) throws Exception {
        try (Connection db = Db.open(run.workDatabase())) {
            List<SourceAudit> audits = new ContractValidator(run.contract()).validate(db, run.config(), run.businessDate());
            QuarantinePolicy.enforce(db, run.config(), audits);
        }
    }

    public void transform(RunContext run) throws Exception {
        try (Connection db = Db.open(run.workDatabase())) {
            IncrementalValidation.attachStateReadOnly(db, run.config());
            // the night's carried state comes from the last snapshot: readers may lock warehouse.duckdb
            new ModelRunner(run.catalog()).run(db, run.businessDate(), run.config().parameters(),
                    Publisher.lastPublished(run.config()), run.commandLineParameters());
        }
    }

    public void publish(RunContext run, long executionId) throws Exception {
        try (Connection db = Db.open(run.workDatabase())) {
            new Publisher().publish(db, run.config(), run.businessDate(), run.catalog(), executionId);
        }
    }

    /** The night's Parquet folders, one per table: {@code <output>/marts/*&#47;business_date=<date>}. */
    private static String parquetGlob(RunContext run) {
        return run.config().martsFolder().resolve("*")
                .resolve(org.crmwarehouse.config.JobConfig.datePartition(run.businessDate())).toString();
    }

    /** Writes the run report and returns its readable summary. */
    public String report(RunContext run, JobExecution execution) throws Exception {
        return report(run, execution, run.workDatabase());
    }

    /** The report from {@code database}: the work database, or the Spark night's driver database. */
    String report(RunContext run, JobExecution execution, java.nio.file.Path database) throws Exception {
        RunReport report;
        try (Connection db = Db.openReadOnly(database)) {
            List<RunReport.SetAsideCount> setAside = setAsideCounts(db);
            List<SourceAudit> sources = sourceAudits(db);
            boolean reconciled = sources.stream().allMatch(SourceAudit::reconciles);
            if (!reconciled) {
                throw new IllegalStateException("row accounting does not reconcile: " + sources);
            }
            boolean split = hasTonightViews(db);
            if (!split) {
                log.warn("[report] the work database predates quarantine_tonight (validated by an earlier version): "
                        + "the report lists the whole quarantine by reason");
            }
            List<RunReport.QuarantineCount> quarantine = quarantineCounts(db, split ? "quarantine_tonight" : "quarantine");
            List<RunReport.QuarantineCount> carried = split ? quarantineCounts(db, "quarantine_carried") : List.of();
            List<RunReport.TableRows> tables = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT model, layer, rows, millis FROM audit_models")) {
                while (rs.next()) {
                    tables.add(new RunReport.TableRows(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            var jsonFile = run.config().reportFolder(run.businessDate()).resolve("run-report.json");
            var textFile = run.config().reportFolder(run.businessDate()).resolve("run-report.txt");
            // the morning report first: the run report links it. The night is published by now, so a
            // page that cannot be written is a warning, not a failed night.
            String morningReport;
            try {
                morningReport = new MorningReport().write(db, run.config().name(), run.businessDate(),
                        run.config().reportLocale(), run.config().snapshotsFolder(),
                        run.config().morningReportFile(run.businessDate())).toString();
            } catch (Exception e) {
                log.warn("[report] the morning report was not written: {}", e.getMessage());
                morningReport = "not written (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
            }
            report = new RunReport(run.config().name(), run.config().file().toString(), run.businessDate().toString(),
                    execution.getId(), stepTimes(execution), sources, quarantine, carried, tables, reconciled,
                    new RunReport.Outputs(run.config().warehouseFile().toString(),
                            parquetGlob(run) + "/", jsonFile.toString(), textFile.toString(), morningReport),
                    unknownColumns(db), setAside, NightWarnings.read(db), parameters(db), modelVersions(db));
            RunReportWriter writer = new RunReportWriter();
            writer.write(report, jsonFile, textFile);
            return writer.summary(report);
        }
    }

    /** The night's model parameters with their sources (none in a work database of an earlier version). */
    static List<RunReport.Parameter> parameters(Connection db) throws SQLException {
        List<RunReport.Parameter> parameters = new ArrayList<>();
        if (Db.tableExists(db, ModelRunner.PARAMETER_SOURCES)) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT parameter, value, source FROM "
                    + ModelRunner.PARAMETER_SOURCES + " ORDER BY parameter")) {
                while (rs.next()) {
                    parameters.add(new RunReport.Parameter(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return parameters;
    }

    /** Every model's version (none in a work database of an earlier version). */
    static List<RunReport.ModelVersion> modelVersions(Connection db) throws SQLException {
        List<RunReport.ModelVersion> models = new ArrayList<>();
        if (Db.tableExists(db, ModelRunner.MODEL_VERSIONS)) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT model, kind, version FROM "
                    + ModelRunner.MODEL_VERSIONS + " ORDER BY model")) {
                while (rs.next()) {
                    models.add(new RunReport.ModelVersion(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return models;
    }

    /**
     * The sources' accounting from audit_sources: records (with those set aside, all of them later
     * than the business date: the per-column detail is in {@code setAside}), lines and the lines
     * set aside by reason ({@code audit_set_aside_lines}). A work database validated by an earlier
     * version has no line or set-aside counts (one line a row, nothing set aside).
     */
    static List<SourceAudit> sourceAudits(Connection db) throws SQLException {
        List<String> columns = Db.columnsOf(db, "SELECT * FROM audit_sources");
        boolean lines = columns.contains("physical_lines") && Db.tableExists(db, ContractValidator.AUDIT_SET_ASIDE_LINES);
        boolean aside = columns.contains("rows_set_aside");
        Map<String, Map<String, Long>> linesSetAside = new HashMap<>();
        if (lines) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT entity, source, reason, lines FROM " + ContractValidator.AUDIT_SET_ASIDE_LINES)) {
                while (rs.next()) {
                    linesSetAside.computeIfAbsent(rs.getString(1) + "\u0000" + rs.getString(2), k -> new TreeMap<>())
                            .put(rs.getString(3), rs.getLong(4));
                }
            }
        }
        List<SourceAudit> sources = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT entity, source, rows_read, "
                + "rows_loaded, rows_quarantined, " + (aside ? "rows_set_aside" : "0") + (lines ? ", physical_lines, "
                + "header_lines, lines_loaded, lines_quarantined" : "") + " FROM audit_sources")) {
            while (rs.next()) {
                String entity = rs.getString(1);
                String source = rs.getString(2);
                Map<String, Long> reasons = rs.getLong(6) == 0 ? Map.of()
                        : Map.of(AsOf.LATER_THAN_BUSINESS_DATE, rs.getLong(6));
                sources.add(lines
                        ? new SourceAudit(entity, source, rs.getLong(3), rs.getLong(4), rs.getLong(5), reasons,
                                rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                                linesSetAside.getOrDefault(entity + "\u0000" + source, Map.of()))
                        : new SourceAudit(entity, source, rs.getLong(3), rs.getLong(4), rs.getLong(5), reasons));
            }
        }
        return sources;
    }

    /**
     * Whether the validate step made the quarantine_tonight and quarantine_carried views. A night
     * validated by an earlier version and resumed by this one has only the quarantine table.
     */
    static boolean hasTonightViews(Connection db) throws SQLException {
        return Db.queryLong(db, "SELECT count(*) FROM duckdb_views() WHERE view_name IN ('quarantine_tonight', "
                + "'quarantine_carried')") == 2;
    }

    /** Rows set aside per source, reason and column, as validate counted them (none in an older work database). */
    static List<RunReport.SetAsideCount> setAsideCounts(Connection db) throws SQLException {
        List<RunReport.SetAsideCount> counts = new ArrayList<>();
        if (!Db.tableExists(db, ContractValidator.AUDIT_SET_ASIDE)) {
            return counts;
        }
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT entity, source, reason, "
                + "column_name, rows FROM " + ContractValidator.AUDIT_SET_ASIDE + " ORDER BY 1, 2, 5 DESC, 3, 4")) {
            while (rs.next()) {
                counts.add(new RunReport.SetAsideCount(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5)));
            }
        }
        return counts;
    }

    /** Columns beyond the contract per source, as extract recorded them (none in an older work database). */
    static List<RunReport.UnknownColumns> unknownColumns(Connection db) throws SQLException {
        List<RunReport.UnknownColumns> unknown = new ArrayList<>();
        if (!Db.tableExists(db, SourceExtractor.UNKNOWN_COLUMNS)) {
            return unknown;
        }
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT entity, source, "
                + "list(DISTINCT column_name ORDER BY column_name) FROM " + SourceExtractor.UNKNOWN_COLUMNS
                + " GROUP BY ALL ORDER BY 1, 2")) {
            while (rs.next()) {
                List<String> columns = new ArrayList<>();
                for (Object c : (Object[]) rs.getArray(3).getArray()) {
                    columns.add(String.valueOf(c));
                }
                unknown.add(new RunReport.UnknownColumns(rs.getString(1), rs.getString(2), columns));
            }
        }
        return unknown;
    }

    /** Rows per entity, reason and column of a quarantine table or view (see ContractValidator). */
    static List<RunReport.QuarantineCount> quarantineCounts(Connection db, String table) throws SQLException {
        List<RunReport.QuarantineCount> counts = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT entity, reason_code, column_name, "
                + "count(DISTINCT line) FROM " + table + " GROUP BY ALL ORDER BY 1, 4 DESC, 2, 3")) {
            while (rs.next()) {
                counts.add(new RunReport.QuarantineCount(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4)));
            }
        }
        return counts;
    }

    static List<RunReport.StepTime> stepTimes(JobExecution execution) {
        List<RunReport.StepTime> times = new ArrayList<>();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStartTime() == null || step.getEndTime() == null) {
                continue; // the report step itself, still running
            }
            LocalDateTime start = step.getStartTime();
            times.add(new RunReport.StepTime(step.getStepName(), step.getStatus().name(),
                    Duration.between(start, step.getEndTime()).toMillis() / 1000.0));
        }
        return times;
    }
}
