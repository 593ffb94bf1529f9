package org.crmwarehouse.config;

/**
 * Where one contract entity comes from: either a file already in the contract's shape, or a
 * mapping, a read-only SQL SELECT over the job's raw files that returns the contract's columns
 * (and optionally {@code _line}, the source line each row came from).
 *
 * @param rejectThreshold this source's {@code reject_threshold}, or null for the job's
 */
public record SourceSpec(String entity, FileSpec file, String mapping, RejectThreshold rejectThreshold) {

    public SourceSpec(String entity, FileSpec file, String mapping) {
        this(entity, file, mapping, null);
    }

    public boolean isMapped() {
        return mapping != null && !mapping.isBlank();
    }

    /** A human name for reports and quarantine rows: the file name, or "mapping:<entity>". */
    public String label() {
        return isMapped() ? "mapping:" + entity : file.path().getFileName().toString();
    }
}
