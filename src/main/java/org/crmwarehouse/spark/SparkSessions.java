package org.crmwarehouse.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Where the Spark engine gets its session. Under spark-submit the master and executors come from
 * the submit command (spark.master is already set); run locally, the session is {@code local[2]}
 * (this machine's two cores) unless the job config names another master.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** The default master when neither spark-submit nor the job config gives one. */
    public static final String LOCAL_MASTER = "local[2]";

    /**
     * A session for the night: {@code master} (null: spark-submit's, else {@value #LOCAL_MASTER}),
     * the given extra settings (spark.* keys from the job config) on top of these defaults: no web
     * UI, session time zone UTC (dates and timestamps mean what DuckDB reads), ANSI SQL on (a bad
     * cast fails instead of silently becoming NULL, as in DuckDB), few shuffle partitions (the
     * night's tables are many and mostly small), no row limit on recursive CTEs (the models bound
     * their own recursion).
     */
    public static SparkSession open(String appName, String master, Map<String, String> settings) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        String submitted = System.getProperty("spark.master");
        if (master != null && !master.isBlank()) {
            builder.master(master);
        } else if (submitted == null || submitted.isBlank()) {
            builder.master(LOCAL_MASTER);
        }
        builder.config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.ansi.enabled", "true")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.adaptive.enabled", "true")
                // Spark fails a recursive CTE past 1,000,000 rows or 100 steps by default; DuckDB has
                // no such limits, and mart_referrals (a row per customer and step up its chain: over
                // a million at 1 M customers) and int_referral_walk bound their own depth with the
                // referral_max_depth parameter, which a user may set above 100
                .config("spark.sql.cteRecursionRowLimit", "-1")
                .config("spark.sql.cteRecursionLevelLimit", "-1");
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }

    /** A local session with the defaults, for tests and tools. */
    public static SparkSession local(String appName) {
        return open(appName, LOCAL_MASTER, Map.of());
    }
}
