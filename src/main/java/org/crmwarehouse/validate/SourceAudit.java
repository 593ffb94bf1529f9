package org.crmwarehouse.validate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One source's row accounting: every row read is loaded, quarantined, or set aside with a
 * counted reason ({@code setAside}: reason -> rows, e.g. {@value AsOf#LATER_THAN_BUSINESS_DATE}),
 * so read = loaded + quarantined + set aside.
 */
public record SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined,
        Map<String, Long> setAside) {

    public SourceAudit {
        setAside = Collections.unmodifiableMap(new TreeMap<>(setAside == null ? Map.of() : setAside));
    }

    /** A source with nothing set aside. */
    public SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined) {
        this(entity, source, rowsRead, rowsLoaded, rowsQuarantined, Map.of());
    }

    /** Rows set aside for any reason. */
    public long rowsSetAside() {
        return setAside.values().stream().mapToLong(Long::longValue).sum();
    }

    /** read = loaded + quarantined + set aside. */
    public boolean reconciles() {
        return rowsRead == rowsLoaded + rowsQuarantined + rowsSetAside();
    }
}
