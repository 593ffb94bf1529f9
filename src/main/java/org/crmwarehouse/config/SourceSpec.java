package org.crmwarehouse.config;

/**
/**
 * Where one contract entity comes from: a file already in the contract's shape, a mapping (a
 * read-only SQL SELECT over the job's raw files that returns the contract's columns and optionally
 * {@code _line}), or a query run on the job's PostgreSQL database. Any of the file and PostgreSQL
 * sources may be {@linkplain Incremental incremental}: only new and changed rows are read each night
 * and merged by the contract key into the job's persistent source state.
 *
 * @param rejectThreshold this source's {@code reject_threshold}, or null for the job's
 */
public record SourceSpec(String entity, FileSpec file, String mapping, String query, KeyRange keyRange,
        Incremental incremental, RejectThreshold rejectThreshold) {

    /**
     * The one-row relation a mapping may read besides the raw files: its column business_date is
     * the night's business date (a snapshot export's "as of" date).
     */
    public static final String MAPPING_BUSINESS_DATE = "business_date";

    public SourceSpec(String entity, FileSpec file, String mapping) {
        this(entity, file, mapping, null, null, null, null);
    }

    /** Read a PostgreSQL query in {@code partitions} parallel slices of {@code column}'s range. */
    public record KeyRange(String column, int partitions) {
    }

    /**
     * How change is detected. {@code watermark}: a column (an updated-at time); rows at or after
     * the last night's maximum are read again. {@code newFiles}: the source path is a glob and each
     * matching file is read once, in name order. {@code deleted}: a flag column marking a row
     * deleted at the source (true/1/t/yes/y). {@code deletions}: a glob of files holding keys
     * (some or all of the key columns, with a header) of rows deleted at the source.
     */
    public record Incremental(String watermark, boolean newFiles, String deleted, FileSpec deletions) {
    }

    public boolean isMapped() {
        return mapping != null && !mapping.isBlank();
    }

    public boolean isPostgres() {
        return query != null && !query.isBlank();
    }

    public boolean isIncremental() {
        return incremental != null;
    }

    /** A human name for reports and quarantine rows: the file name, or "mapping:"/"postgres:" + entity. */
    public String label() {
        return isMapped() ? "mapping:" + entity : isPostgres() ? "postgres:" + entity
                : file.path().getFileName().toString();
    }
}
