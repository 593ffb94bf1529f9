package org.crmwarehouse.spark;

import java.nio.file.Path;
import java.time.LocalDate;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.contract.Contract;

/**
 * How the Spark night reads and validates its sources into the night's {@link SparkTables}: after
 * {@link #validate}, the folder holds every table the DuckDB work database holds after its validate
 * step (the staged sources, quarantine, quarantine_tonight, quarantine_carried, audit_*), under the
 * same names and columns. {@link #forNight} picks the one a night uses ({@code spark.ingest}).
 */
public interface SparkIngest {

    /**
     * The ingest {@code spark.ingest} names: {@code driver} ({@link DuckDbBridgeIngest}: DuckDB on the
     * driver, fast on one machine, reads what the driver sees), {@code spark} (SparkSourceIngest:
     * executors read, so inputs must be where they all see them), {@code auto} (the default): driver when
     * the session's master is local, else spark.
     */
    static String resolve(String configured, String sessionMaster) {
        if (!JobConfig.SparkConfig.INGEST_AUTO.equals(configured)) {
            return configured;
        }
        return sessionMaster != null && sessionMaster.startsWith("local")
                ? JobConfig.SparkConfig.INGEST_DRIVER : JobConfig.SparkConfig.INGEST_SPARK;
    }

    /** The ingest named by {@link #resolve}'s result. */
    static SparkIngest named(String ingest) {
        return switch (ingest) {
            case JobConfig.SparkConfig.INGEST_DRIVER -> new DuckDbBridgeIngest();
            case JobConfig.SparkConfig.INGEST_SPARK -> new org.crmwarehouse.spark.ingest.SparkSourceIngest();
            default -> throw new IllegalArgumentException("not an ingest: " + ingest);
        };
    }

    /**
     * The ingest of this night. Extract records its choice in the work folder and validate reads it
     * back, so a night resumed at validate keeps the ingest its extract used even if the config or
     * the master changed in between (each ingest leaves its own work state).
     */
    static SparkIngest forNight(JobConfig config, String sessionMaster, Path workFolder, boolean extracting)
            throws java.io.IOException {
        Path marker = workFolder.resolve(CHOICE_FILE);
        String ingest;
        if (!extracting && java.nio.file.Files.exists(marker)) {
            ingest = java.nio.file.Files.readString(marker).strip();
        } else {
            ingest = resolve(config.spark().ingest(), sessionMaster);
            java.nio.file.Files.createDirectories(workFolder);
            java.nio.file.Files.writeString(marker, ingest + "\n");
        }
        return named(ingest);
    }

    /** The work folder's record of the ingest extract used. */
    String CHOICE_FILE = "spark-ingest.txt";

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
