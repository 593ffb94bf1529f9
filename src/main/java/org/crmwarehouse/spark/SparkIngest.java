package org.crmwarehouse.spark;

import java.nio.file.Path;
import java.time.LocalDate;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.contract.Contract;

/**
 * How the Spark night reads and validates its sources into the night's {@link SparkTables}: after
 * {@link #validate}, the folder holds every table the DuckDB work database holds after its validate
 * step (the staged sources, quarantine, quarantine_tonight, quarantine_carried, audit_*), under the
 * same names and columns. {@link #INSTANCE} is the one the night uses.
 */
public interface SparkIngest {

    /** The ingest of the Spark night: swap this line for a Spark-native reader. */
    SparkIngest INSTANCE = new DuckDbBridgeIngest();

    /**
     * Reads the sources. {@code workFolder} is the night's work folder (it exists), kept while the
     * night has not completed, so a failed night resumes from what this step left there.
     */
    void extract(JobConfig config, LocalDate businessDate, Contract contract, Path workFolder, SparkTables tables)
            throws Exception;

    /** Validates what extract read; afterwards {@code tables} holds the post-validate tables. */
    void validate(JobConfig config, LocalDate businessDate, Contract contract, Path workFolder, SparkTables tables)
            throws Exception;
}
