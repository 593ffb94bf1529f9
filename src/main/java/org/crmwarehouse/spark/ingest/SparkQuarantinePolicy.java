package org.crmwarehouse.spark.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.RejectThreshold;
import org.crmwarehouse.validate.QuarantinePolicy;
import org.crmwarehouse.validate.SourceAudit;

/** {@link QuarantinePolicy} over the Spark tables: the same test and the same one-line message. */
public final class SparkQuarantinePolicy {
    private SparkQuarantinePolicy() {
    }

    public static void enforce(SparkSession spark, JobConfig config, List<SourceAudit> audits) {
        QuarantinePolicy.<RuntimeException>enforce(config, audits,
                (audit, threshold, own) -> describe(spark, audit, threshold, own));
    }

    private static String describe(SparkSession spark, SourceAudit audit, RejectThreshold threshold, boolean own) {
        StringBuilder b = new StringBuilder();
        long known = audit.rowsRead() - audit.rowsSetAside();
        b.append(audit.entity()).append(" (").append(audit.source()).append("): ")
                .append(audit.rowsQuarantined()).append(" of ").append(known).append(" rows quarantined (")
                .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * audit.rowsQuarantined() / known))
                .append(") > reject_threshold ").append(threshold)
                .append(own ? " (sources." + audit.entity() + ".reject_threshold)" : " (job-wide)");
        String where = " FROM quarantine_tonight WHERE entity = " + SparkSql.literal(audit.entity());
        List<String> reasons = new ArrayList<>();
        for (Row r : spark.sql("SELECT reason_code, column_name, count(DISTINCT line) AS n" + where
                + " GROUP BY reason_code, column_name ORDER BY n DESC, reason_code, column_name NULLS FIRST LIMIT "
                + QuarantinePolicy.TOP_REASONS).collectAsList()) {
            reasons.add(r.getString(0) + (r.isNullAt(1) ? "" : " " + r.getString(1)) + " x" + r.getLong(2));
        }
        if (audit.rowsSetAside() > 0) {
            b.append(" (").append(audit.rowsSetAside()).append(" more set aside as later than the business date)");
        }
        b.append("; top reasons: ").append(String.join(", ", reasons));
        List<String> examples = new ArrayList<>();
        for (Row r : spark.sql("SELECT line, any_value(raw_text)" + where + " GROUP BY line ORDER BY line LIMIT "
                + QuarantinePolicy.EXAMPLES).collectAsList()) {
            examples.add("line " + r.getLong(0) + ": " + QuarantinePolicy.example(r.getString(1)));
        }
        b.append("; e.g. ").append(String.join(", ", examples));
        return b.toString();
    }
}
