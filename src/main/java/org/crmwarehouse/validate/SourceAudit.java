package org.crmwarehouse.validate;

import java.util.Map;
import java.util.TreeMap;

/**
 * One source's accounting. In records: every record read is either loaded or quarantined
 * ({@code rowsRead = rowsLoaded + rowsQuarantined}; a record the reader could not split counts
 * once per physical line it spans, since each of those lines is quarantined on its own). In
 * physical lines of the file (a record spanning 3 lines counts 3): {@code physicalLines =
 * headerLines + linesLoaded + linesQuarantined + } the lines set aside, by reason ({@code
 * blank_line}). For a source without lines (Parquet, a mapping, PostgreSQL, an incremental
 * source's delta) a row counts as one line and nothing is set aside.
 */
public record SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined,
        long physicalLines, long headerLines, long linesLoaded, long linesQuarantined, Map<String, Long> linesSetAside) {

    /** The set-aside reason of blank lines (outside quotes), which hold no record. */
    public static final String BLANK_LINE = "blank_line";

    public SourceAudit {
        linesSetAside = linesSetAside == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(linesSetAside));
    }

    /** A source whose rows are its lines: one line per row, no header, nothing set aside. */
    public SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined) {
        this(entity, source, rowsRead, rowsLoaded, rowsQuarantined, rowsRead, 0, rowsLoaded, rowsQuarantined, Map.of());
    }

    /** Whether read = loaded + quarantined. */
    public boolean rowsReconcile() {
        return rowsRead == rowsLoaded + rowsQuarantined;
    }

    /** Whether physical lines = header lines + lines loaded + lines quarantined + lines set aside. */
    public boolean linesReconcile() {
        return physicalLines == headerLines + linesLoaded + linesQuarantined + totalSetAside();
    }

    long totalSetAside() {
        return linesSetAside.values().stream().mapToLong(Long::longValue).sum();
    }
}
