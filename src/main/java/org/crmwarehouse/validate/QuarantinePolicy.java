package org.crmwarehouse.validate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.RejectThreshold;
import org.crmwarehouse.sql.Sql;

/**
 * The quarantine policy, applied at the end of the validate step: a source whose quarantined rows
 * are above its {@code reject_threshold} (its own, else the job's, else {@link RejectThreshold#DEFAULT})
 * fails the night before anything is published. The error names each such source with its counts,
 * its top reasons and three example lines (line number and raw text), so whoever reads the one-line
 * error knows what to look at. Below the threshold the rows stay quarantined and the run report
 * lists them.
 */
public final class QuarantinePolicy {
    public static final int TOP_REASONS = 3;
    public static final int EXAMPLES = 3;
    /** Raw text longer than this is cut in the error message (a line may hold megabytes). */
    static final int EXAMPLE_CHARS = 120;

    private QuarantinePolicy() {
    }

    /** Throws {@link QuarantineThresholdException} when a source is above its threshold. */
    public static void enforce(Connection db, JobConfig config, List<SourceAudit> audits) throws SQLException {
        enforce(config, audits, (audit, threshold, own) -> describe(db, audit, threshold, own));
    }

    /** How an engine describes a source above its threshold (counts, top reasons, example lines). */
    @FunctionalInterface
    public interface Description<E extends Exception> {
        String of(SourceAudit audit, RejectThreshold threshold, boolean ownThreshold) throws E;
    }

    /** The policy over any engine's tables: the same test and the same one-line message. */
    public static <E extends Exception> void enforce(JobConfig config, List<SourceAudit> audits,
            Description<E> description) throws E {
        List<String> failures = new ArrayList<>();
        for (SourceAudit audit : audits) {
            RejectThreshold threshold = config.rejectThresholdFor(audit.entity());
            // rows set aside (later than the business date) are not yet known: neither side counts them
            if (threshold.exceededBy(audit.rowsQuarantined(), audit.rowsRead() - audit.rowsSetAside())) {
                failures.add(description.of(audit, threshold, config.sources().containsKey(audit.entity())
                        && config.sources().get(audit.entity()).rejectThreshold() != null));
            }
        }
        if (!failures.isEmpty()) {
            throw new QuarantineThresholdException("quarantine above the reject threshold, nothing published: "
                    + String.join(" | ", failures));
        }
    }

    private static String describe(Connection db, SourceAudit audit, RejectThreshold threshold, boolean own)
            throws SQLException {
        StringBuilder b = new StringBuilder();
        long known = audit.rowsRead() - audit.rowsSetAside();
        b.append(audit.entity()).append(" (").append(audit.source()).append("): ")
                .append(audit.rowsQuarantined()).append(" of ").append(known).append(" rows quarantined (")
                .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * audit.rowsQuarantined() / known))
                .append(") > reject_threshold ").append(threshold)
                .append(own ? " (sources." + audit.entity() + ".reject_threshold)" : " (job-wide)");
        List<String> reasons = new ArrayList<>();
        String where = " FROM quarantine_tonight WHERE entity = " + Sql.literal(audit.entity());
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT reason_code, column_name, "
                + "count(DISTINCT line) AS n" + where + " GROUP BY ALL ORDER BY n DESC, reason_code, column_name "
                + "LIMIT " + TOP_REASONS)) {
            while (rs.next()) {
                reasons.add(rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2)) + " x"
                        + rs.getLong(3));
            }
        }
        if (audit.rowsSetAside() > 0) {
            b.append(" (").append(audit.rowsSetAside()).append(" more set aside as later than the business date)");
        }
        b.append("; top reasons: ").append(String.join(", ", reasons));
        List<String> examples = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT line, any_value(raw_text)"
                + where + " GROUP BY line ORDER BY line LIMIT " + EXAMPLES)) {
            while (rs.next()) {
                examples.add("line " + rs.getLong(1) + ": " + example(rs.getString(2)));
            }
        }
        b.append("; e.g. ").append(String.join(", ", examples));
        return b.toString();
    }

    /** Raw text for a one-line message: control characters shown escaped, long text cut. */
    public static String example(String raw) {
        if (raw == null) {
            return "(no text)";
        }
        String shown = raw.length() > EXAMPLE_CHARS
                ? raw.substring(0, EXAMPLE_CHARS) + "... (" + raw.length() + " chars)"
                : raw;
        return "\"" + shown.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
