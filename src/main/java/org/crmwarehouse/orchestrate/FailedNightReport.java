package org.crmwarehouse.orchestrate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crmwarehouse.report.RunReport;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.DuckDbErrors;
import org.crmwarehouse.validate.SourceAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A night that did not complete still leaves its report: {@code reports/<date>/run-report-failed.json}
 * and {@code .txt}, with how it ended, the step and the reason, each step's time, and what the
 * work database already knows (the sources' counts and the quarantine by reason, once validate
 * ran). Separate from {@code run-report.*}, which stays the report of the night published for
 * that date; the night completing later removes it.
 */
final class FailedNightReport implements JobExecutionListener {
    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");
    static final String NAME = "run-report-failed";

    @Override
    public void afterJob(JobExecution execution) {
        RunContext run;
        try {
            run = RunContext.of(execution.getJobParameters());
        } catch (RuntimeException e) {
            return; // the config no longer loads: the one-line error says why, there is nothing to report on
        }
        Path folder = run.config().reportFolder(run.businessDate());
        try {
            if (execution.getStatus() == BatchStatus.COMPLETED) {
                Files.deleteIfExists(folder.resolve(NAME + ".json"));
                Files.deleteIfExists(folder.resolve(NAME + ".txt"));
                return;
            }
            write(execution, run, folder);
        } catch (Exception e) {
            log.warn("[report] could not write the report of the failed night: {}", e.toString());
        }
    }

    private static void write(JobExecution execution, RunContext run, Path folder) throws Exception {
        String failedStep = null;
        String reason = null;
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.FAILED || step.getStatus() == BatchStatus.STOPPED) {
                failedStep = step.getStepName();
                reason = step.getFailureExceptions().isEmpty() ? step.getStatus().name()
                        : DuckDbErrors.oneLine(step.getFailureExceptions().get(0));
            }
        }
        if (reason == null && !execution.getAllFailureExceptions().isEmpty()) {
            reason = DuckDbErrors.oneLine(execution.getAllFailureExceptions().get(0));
        }
        List<SourceAudit> sources = new ArrayList<>();
        List<RunReport.QuarantineCount> quarantine = new ArrayList<>();
        if (Files.exists(run.workDatabase())) {
            try (Connection db = Db.openReadOnly(run.workDatabase())) {
                if (Db.tableExists(db, "audit_sources")) {
                    sources.addAll(NightlySteps.sourceAudits(db));
                }
                if (Db.tableExists(db, "quarantine")) {
                    quarantine.addAll(NightlySteps.quarantineCounts(db, "quarantine"));
                }
            } catch (Exception e) {
                log.warn("[report] the work database of the failed night cannot be read for its counts: {}", e.toString());
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("job", run.config().name());
        report.put("configFile", run.config().file().toString());
        report.put("businessDate", run.businessDate().toString());
        report.put("jobExecutionId", execution.getId());
        report.put("status", execution.getStatus().name());
        report.put("failedStep", failedStep);
        report.put("reason", reason);
        report.put("steps", NightlySteps.stepTimes(execution));
        report.put("sources", sources);
        report.put("quarantine", quarantine);
        Files.createDirectories(folder);
        Path json = folder.resolve(NAME + ".json");
        Files.writeString(json, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "crm-warehouse: job %s, business date %s, execution %d: %s%s%n",
                run.config().name(), run.businessDate(), execution.getId(), execution.getStatus(),
                failedStep == null ? "" : " in step " + failedStep));
        text.append("Reason: ").append(reason == null ? "(none recorded)" : reason).append('\n');
        text.append("Steps:");
        for (RunReport.StepTime s : NightlySteps.stepTimes(execution)) {
            text.append(String.format(Locale.ROOT, "  %s %.1f s (%s)", s.step(), s.seconds(),
                    s.status().toLowerCase(Locale.ROOT)));
        }
        text.append('\n');
        if (!sources.isEmpty()) {
            text.append(String.format(Locale.ROOT, "%n%-44s %12s %12s %12s %12s%n", "Source", "read", "loaded",
                    "quarantined", "set aside"));
            for (SourceAudit s : sources) {
                text.append(String.format(Locale.ROOT, "%-44s %,12d %,12d %,12d %,12d%n", s.entity() + " (" + s.source()
                        + ")", s.rowsRead(), s.rowsLoaded(), s.rowsQuarantined(), s.rowsSetAside()));
            }
        }
        if (!quarantine.isEmpty()) {
            text.append("\nQuarantined rows by reason:\n");
            for (RunReport.QuarantineCount q : quarantine) {
                text.append(String.format(Locale.ROOT, "  %-30s %-20s %-24s %,10d%n", q.entity(), q.reasonCode(),
                        q.columnName() == null ? "" : q.columnName(), q.rows()));
            }
        }
        text.append("\nNothing of this night was published. Running the date again (run --config ")
                .append(run.config().file()).append(" --date ").append(run.businessDate())
                .append(") resumes it at the failed step.\n");
        Files.writeString(folder.resolve(NAME + ".txt"), text.toString(), StandardCharsets.UTF_8);
        log.info("[report] the failed night's report: {}", folder.resolve(NAME + ".txt"));
    }
}
