package org.crmwarehouse.spark;

import org.crmwarehouse.orchestrate.RunContext;

/**
 * The extract and validate steps of a Spark night: read every source and write, in {@code tables},
 * what the DuckDB night's work database holds after its validate step (raw_*, valid_*, quarantine,
 * set_aside, audit_*, ...). Throws when a source is above its reject threshold.
 */
public interface SparkIngest {
    void ingest(SparkTables tables, RunContext run) throws Exception;
}
