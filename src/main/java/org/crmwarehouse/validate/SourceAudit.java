package org.crmwarehouse.validate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One source's accounting, in records and in physical lines of the file.
 * <ul>
 *   <li>Records: every record read is loaded, quarantined, or set aside with a counted reason
 *       ({@code setAside}: reason -> records, {@value AsOf#LATER_THAN_BUSINESS_DATE}), so
 *       {@code rowsRead = rowsLoaded + rowsQuarantined + set aside}. A record the reader could not
 *       split counts once per physical line it spans, since each of those lines is quarantined on
 *       its own.</li>
 *   <li>Lines (a record spanning 3 lines counts 3): {@code physicalLines = headerLines +
 *       linesLoaded + linesQuarantined + } the lines set aside, by reason ({@code blank_line},
 *       and the lines of the records set aside).</li>
 * </ul>
 * For a source without lines (Parquet, a mapping, PostgreSQL, an incremental source's delta) a
 * record counts as one line and there is no header.
 */
public record SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined,
        Map<String, Long> setAside, long physicalLines, long headerLines, long linesLoaded, long linesQuarantined,
        Map<String, Long> linesSetAside) {

    /** The set-aside reason of blank lines (outside quotes), which hold no record. */
    public static final String BLANK_LINE = "blank_line";

    public SourceAudit {
        setAside = Collections.unmodifiableMap(new TreeMap<>(setAside == null ? Map.of() : setAside));
        linesSetAside = Collections.unmodifiableMap(new TreeMap<>(linesSetAside == null ? Map.of() : linesSetAside));
    }

    /** A source whose records are its lines, with nothing set aside. */
    public SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined) {
        this(entity, source, rowsRead, rowsLoaded, rowsQuarantined, Map.of());
    }

    /** A source whose records are its lines (one line each), some set aside. */
    public SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined,
            Map<String, Long> setAside) {
        this(entity, source, rowsRead, rowsLoaded, rowsQuarantined, setAside, rowsRead, 0, rowsLoaded, rowsQuarantined,
                setAside);
    }

    /** A file's line counts with nothing set aside as a record (blank lines, say). */
    public SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined,
            long physicalLines, long headerLines, long linesLoaded, long linesQuarantined, Map<String, Long> linesSetAside) {
        this(entity, source, rowsRead, rowsLoaded, rowsQuarantined, Map.of(), physicalLines, headerLines, linesLoaded,
                linesQuarantined, linesSetAside);
    }

    /** Records set aside for any reason. */
    public long rowsSetAside() {
        return setAside.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Lines set aside for any reason. */
    public long linesSetAsideTotal() {
        return linesSetAside.values().stream().mapToLong(Long::longValue).sum();
    }

    /** read = loaded + quarantined + set aside (records). */
    public boolean reconciles() {
        return rowsRead == rowsLoaded + rowsQuarantined + rowsSetAside();
    }

    /** physical lines = header lines + lines loaded + lines quarantined + lines set aside. */
    public boolean linesReconcile() {
        return physicalLines == headerLines + linesLoaded + linesQuarantined + linesSetAsideTotal();
    }
}
