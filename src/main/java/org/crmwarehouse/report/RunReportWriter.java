package org.crmwarehouse.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.crmwarehouse.validate.SourceAudit;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes the run report as JSON (for machines) and as a readable summary (for people). */
public final class RunReportWriter {
    private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public void write(RunReport report, Path jsonFile, Path textFile) throws IOException {
        Files.createDirectories(jsonFile.getParent());
        Files.writeString(jsonFile, json.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(textFile, summary(report), StandardCharsets.UTF_8);
    }

    public String summary(RunReport r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "crm-warehouse: job %s, business date %s, execution %d: %s%s%n",
                r.job(), r.businessDate(), r.jobExecutionId(), r.outcome(),
                r.warnings().isEmpty() ? "" : " (exit code " + RunReport.EXIT_WARNING + ")"));
        for (String warning : r.warnings()) {
            out.append("WARNING: ").append(warning).append('\n');
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-44s %12s %12s %12s %12s %12s %12s%n", "Source", "read", "loaded",
                "quarantined", "set aside", "lines", "lines aside"));
        for (SourceAudit s : r.sources()) {
            out.append(String.format(Locale.ROOT, "%-44s %,12d %,12d %,12d %,12d %,12d %,12d%n",
                    truncate(s.entity() + " (" + s.source() + ")", 44), s.rowsRead(), s.rowsLoaded(), s.rowsQuarantined(),
                    s.rowsSetAside(), s.physicalLines(), s.linesSetAsideTotal()));
        }
        out.append(r.reconciled()
                ? "Every row read was loaded, quarantined or set aside (read = loaded + quarantined + set aside for "
                        + "every source).\n"
                : "WARNING: row counts do not reconcile.\n");
        // lines: physical lines of the file; a record spanning 3 lines counts 3, a blank line is set aside
        List<SourceAudit> unreconciled = r.sources().stream().filter(s -> !s.linesReconcile()).toList();
        out.append(unreconciled.isEmpty()
                ? "Every line was a header, loaded, quarantined or set aside (lines = header + lines loaded + lines "
                        + "quarantined + set aside; a record counts each line it spans).\n"
                : "WARNING: line counts do not reconcile for " + String.join(", ", unreconciled.stream()
                        .map(SourceAudit::entity).toList()) + ".\n");
        for (SourceAudit s : r.sources()) {
            if (!s.linesSetAside().isEmpty()) {
                out.append("  lines set aside from ").append(s.entity()).append(": ").append(String.join(", ",
                        s.linesSetAside().entrySet().stream().map(e -> String.format(Locale.ROOT, "%,d %s",
                                e.getValue(), e.getKey())).toList())).append('\n');
            }
        }
        if (!r.setAside().isEmpty()) {
            out.append("\nSet aside, not loaded and not quarantined (later than the business date: not yet known on this "
                    + "night; the night of their date reads them):\n");
            for (RunReport.SetAsideCount a : r.setAside()) {
                out.append(String.format(Locale.ROOT, "  %-30s %-26s %-24s %,10d%n",
                        truncate(a.entity() + " (" + a.source() + ")", 30), a.reason(),
                        a.columnName() == null ? "" : a.columnName(), a.rows()));
            }
        }
        if (!r.unknownColumns().isEmpty()) {
            out.append("\nColumns outside the contract, not loaded (a misspelt contract column would be one):\n");
            for (RunReport.UnknownColumns u : r.unknownColumns()) {
                out.append("  ").append(u.entity()).append(" (").append(u.source()).append("): ")
                        .append(String.join(", ", u.columns())).append('\n');
            }
        }
        counts(out, "\nQuarantined rows by reason (query the quarantine table for lines and raw text):\n",
                r.quarantine());
        counts(out, "\nAlso in the quarantine table: rows of incremental sources that did not change tonight (still "
                + "invalid, or invalid now that a parent left):\n", r.quarantineCarried());
        out.append(String.format(Locale.ROOT, "%n%-44s %-13s %12s %10s%n", "Table", "layer", "rows", "build ms"));
        for (RunReport.TableRows t : r.tables()) {
            out.append(String.format(Locale.ROOT, "%-44s %-13s %,12d %,10d%n", t.table(), t.layer(), t.rows(),
                    t.buildMillis()));
        }
        if (!r.parameters().isEmpty()) {
            // the night's figures are reproducible from these (published as warehouse_parameters)
            List<RunReport.Parameter> set = r.parameters().stream().filter(p -> !p.source().equals("default")).toList();
            out.append(String.format(Locale.ROOT, "%nModel parameters: %d set, %d at their defaults (all in run-report.json "
                    + "and warehouse_parameters)%n", set.size(), r.parameters().size() - set.size()));
            for (RunReport.Parameter p : set) {
                out.append(String.format(Locale.ROOT, "  %-42s %-24s %s%n", p.name(), truncate(p.value(), 24),
                        p.source()));
            }
        }
        if (!r.models().isEmpty()) {
            out.append("\nModel versions (warehouse_models): ").append(String.join(", ", r.models().stream()
                    .filter(m -> m.kind().equals("java")).map(m -> m.model() + " " + m.version()).toList()))
                    .append("; SQL models by content hash (").append(r.models().stream()
                            .filter(m -> m.kind().equals("sql")).count()).append(")\n");
        }
        out.append("\nSteps:");
        for (RunReport.StepTime s : r.steps()) {
            out.append(String.format(Locale.ROOT, "  %s %.1f s", s.step(), s.seconds()));
        }
        out.append("\n\nResults:\n");
        out.append("  DuckDB warehouse  ").append(r.outputs().warehouse()).append('\n');
        out.append("  Parquet marts     ").append(r.outputs().parquetFolder()).append('\n');
        out.append("  Run report        ").append(r.outputs().reportJson()).append('\n');
        if (r.outputs().morningReport() != null) {
            out.append("  Morning report    ").append(r.outputs().morningReport()).append('\n');
        }
        return out.toString();
    }

    /** The warnings of a written run report (run-report.json), none when it has none or is absent. */
    public static List<String> warnings(Path jsonFile) throws IOException {
        if (!Files.exists(jsonFile)) {
            return List.of();
        }
        List<String> warnings = new java.util.ArrayList<>();
        new JsonMapper().readTree(Files.readString(jsonFile, StandardCharsets.UTF_8)).path("warnings")
                .forEach(w -> warnings.add(w.asString()));
        return warnings;
    }

    private static void counts(StringBuilder out, String title, List<RunReport.QuarantineCount> counts) {
        if (counts.isEmpty()) {
            return;
        }
        out.append(title);
        for (RunReport.QuarantineCount q : counts) {
            out.append(String.format(Locale.ROOT, "  %-16s %-18s %-24s %,10d%n", q.entity(), q.reasonCode(),
                    q.columnName() == null ? "" : q.columnName(), q.rows()));
        }
    }

    private static String truncate(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
