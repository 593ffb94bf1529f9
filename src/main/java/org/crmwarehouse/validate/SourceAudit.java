package org.crmwarehouse.validate;

/** One source's row accounting: every row read is either loaded or quarantined. */
public record SourceAudit(String entity, String source, long rowsRead, long rowsLoaded, long rowsQuarantined) {
}
