package org.crmwarehouse.extract;

/** What the extract step read from one source: rows in the file and how many could not be split. */
public record ExtractAudit(String entity, String source, long rowsRead, long malformed) {
}
