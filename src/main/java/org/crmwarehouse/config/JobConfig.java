package org.crmwarehouse.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

/**
 * One job configuration ({@code jobs/*.yaml}): what to read, where to publish, and the parameters
 * the SQL models see. Paths are already resolved against the config file's folder.
 *
 * @param name         the job's name; it identifies the job's runs in the JobRepository
 * @param businessDate the date to run for when the command line gives none (may be null)
 * @param output       folder of the published warehouse, Parquet marts, reports and work files
 * @param repository   the JobRepository database
 * @param raw          raw files that mappings select from, by name
 * @param sources      contract entity -> where it comes from
 * @param parameters   values the SQL models read from the run_parameters table
 * @param postgres     the PostgreSQL database {@code query} sources read from (may be null)
 * @param rejectThreshold the job-wide quarantine threshold ({@code reject_threshold:}) for sources
 *                        that set none
 * @param keepSnapshots how many nights' warehouse snapshots publish keeps under {@code snapshots/}
 * @param schedule     the {@code schedule} command's cron expression (Spring, 6 fields), or null
 * @param earliestDate the earliest date a DATE or TIMESTAMP value may have ({@code earliest_date:});
 *                     older values, like years after 9999, are quarantined as OUT_OF_RANGE
 * @param timeZone     the zone timestamps are kept in ({@code time_zone:}): a value with a UTC offset
 *                     is converted to it, one without is taken as already in it
 * @param funnelStages the values of funnel_events.event_type in pipeline order, each with its role
 *                     ({@code funnel_stages:}; default call, visit, quote, deal, lost)
 * @param reportLocale the labels of the morning report ({@code report_locale:}, en or zh-CN; default en)
 * @param publishPostgres where publish also copies the night for BI tools ({@code publish: {postgres:}}),
 *                     or null: Parquet and the DuckDB file only
 * @param engine       what runs the night ({@code engine:}, {@value #ENGINE_DUCKDB} or {@value #ENGINE_SPARK};
 *                     default duckdb); {@code run --engine} overrides it
 * @param spark        the Spark session's master and settings ({@code spark: {master, settings}}); never null
 */
public record JobConfig(
        Path file,
        String name,
        LocalDate businessDate,
        Path output,
        RepositoryConfig repository,
        Map<String, FileSpec> raw,
        Map<String, SourceSpec> sources,
        Map<String, Object> parameters,
        PostgresConfig postgres,
        RejectThreshold rejectThreshold,
        int keepSnapshots,
        String schedule,
        LocalDate earliestDate,
        ZoneId timeZone,
        FunnelStages funnelStages,
        String reportLocale,
        PostgresPublishConfig publishPostgres,
        String engine,
        SparkConfig spark) {

    public static final int DEFAULT_KEEP_SNAPSHOTS = 7;
    public static final LocalDate DEFAULT_EARLIEST_DATE = LocalDate.of(1900, 1, 1);
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("UTC");
    public static final String DEFAULT_REPORT_LOCALE = "en";
    /** The labels the morning report has (report/morning-report-labels.yml). */
    public static final java.util.List<String> REPORT_LOCALES = java.util.List.of("en", "zh-CN");
    public static final String ENGINE_DUCKDB = "duckdb";
    public static final String ENGINE_SPARK = "spark";
    /** The engines a night can run on ({@code engine:}). */
    public static final java.util.List<String> ENGINES = java.util.List.of(ENGINE_DUCKDB, ENGINE_SPARK);

    /**
     * The Spark session of a night with {@code engine: spark}.
     *
     * @param master   the master URL (null: spark-submit's, else local[2]; see spark/SparkSessions)
     * @param settings spark.* settings given to the session as they are
     * @param ingest   who reads and validates the sources ({@code spark.ingest}): one of {@link #INGESTS}
     */
    public record SparkConfig(String master, Map<String, String> settings, String ingest) {
        /** Executors read the sources when the master is not local, the driver otherwise. */
        public static final String INGEST_AUTO = "auto";
        /** DuckDB on the driver reads and validates, then hands the tables to Spark as Parquet. */
        public static final String INGEST_DRIVER = "driver";
        /** Spark's executors read the sources and check the contract in Spark SQL (inputs on a shared filesystem). */
        public static final String INGEST_SPARK = "spark";
        public static final java.util.List<String> INGESTS = java.util.List.of(INGEST_AUTO, INGEST_DRIVER, INGEST_SPARK);
        public static final SparkConfig DEFAULT = new SparkConfig(null, Map.of(), INGEST_AUTO);

        public SparkConfig {
            settings = Map.copyOf(settings);
            ingest = ingest == null ? INGEST_AUTO : ingest;
        }
    }

    public JobConfig {
        raw = Map.copyOf(raw);
        sources = Map.copyOf(sources);
        parameters = Map.copyOf(parameters);
        rejectThreshold = rejectThreshold == null ? RejectThreshold.DEFAULT : rejectThreshold;
        earliestDate = earliestDate == null ? DEFAULT_EARLIEST_DATE : earliestDate;
        timeZone = timeZone == null ? DEFAULT_TIME_ZONE : timeZone;
        funnelStages = funnelStages == null ? FunnelStages.DEFAULT : funnelStages;
        reportLocale = reportLocale == null ? DEFAULT_REPORT_LOCALE : reportLocale;
        engine = engine == null ? ENGINE_DUCKDB : engine;
        spark = spark == null ? SparkConfig.DEFAULT : spark;
    }

    /** A config of the DuckDB engine. */
    public JobConfig(Path file, String name, LocalDate businessDate, Path output, RepositoryConfig repository,
            Map<String, FileSpec> raw, Map<String, SourceSpec> sources, Map<String, Object> parameters,
            PostgresConfig postgres, RejectThreshold rejectThreshold, int keepSnapshots, String schedule,
            LocalDate earliestDate, ZoneId timeZone, FunnelStages funnelStages, String reportLocale,
            PostgresPublishConfig publishPostgres) {
        this(file, name, businessDate, output, repository, raw, sources, parameters, postgres, rejectThreshold,
                keepSnapshots, schedule, earliestDate, timeZone, funnelStages, reportLocale, publishPostgres, null,
                null);
    }

    /** Whether the night runs on Spark. */
    public boolean onSpark() {
        return ENGINE_SPARK.equals(engine);
    }

    /** This config with another engine (run --engine); the same checks as {@code engine:} in the file. */
    public JobConfig withEngine(String newEngine) {
        JobConfig changed = new JobConfig(file, name, businessDate, output, repository, raw, sources, parameters,
                postgres, rejectThreshold, keepSnapshots, schedule, earliestDate, timeZone, funnelStages, reportLocale,
                publishPostgres, newEngine, spark);
        JobConfigLoader.checkEngine(changed);
        return changed;
    }

    /** A config with the morning report in English that publishes to no PostgreSQL database. */
    public JobConfig(Path file, String name, LocalDate businessDate, Path output, RepositoryConfig repository,
            Map<String, FileSpec> raw, Map<String, SourceSpec> sources, Map<String, Object> parameters,
            PostgresConfig postgres, RejectThreshold rejectThreshold, int keepSnapshots, String schedule,
            LocalDate earliestDate, ZoneId timeZone, FunnelStages funnelStages) {
        this(file, name, businessDate, output, repository, raw, sources, parameters, postgres, rejectThreshold,
                keepSnapshots, schedule, earliestDate, timeZone, funnelStages, null, null);
    }

    /** A config with the default funnel stages. */
    public JobConfig(Path file, String name, LocalDate businessDate, Path output, RepositoryConfig repository,
            Map<String, FileSpec> raw, Map<String, SourceSpec> sources, Map<String, Object> parameters,
            PostgresConfig postgres, RejectThreshold rejectThreshold, int keepSnapshots, String schedule,
            LocalDate earliestDate, ZoneId timeZone) {
        this(file, name, businessDate, output, repository, raw, sources, parameters, postgres, rejectThreshold,
                keepSnapshots, schedule, earliestDate, timeZone, null);
    }

    /** A config with the default earliest date and time zone. */
    public JobConfig(Path file, String name, LocalDate businessDate, Path output, RepositoryConfig repository,
            Map<String, FileSpec> raw, Map<String, SourceSpec> sources, Map<String, Object> parameters,
            PostgresConfig postgres, RejectThreshold rejectThreshold, int keepSnapshots, String schedule) {
        this(file, name, businessDate, output, repository, raw, sources, parameters, postgres, rejectThreshold,
                keepSnapshots, schedule, null, null);
    }

    /** A config with no PostgreSQL database, the default reject threshold and snapshot retention, no schedule. */
    public JobConfig(Path file, String name, LocalDate businessDate, Path output, RepositoryConfig repository,
            Map<String, FileSpec> raw, Map<String, SourceSpec> sources, Map<String, Object> parameters) {
        this(file, name, businessDate, output, repository, raw, sources, parameters, null, null,
                DEFAULT_KEEP_SNAPSHOTS, null);
    }

    /** This config with {@code overrides} replacing or adding model parameters (run --param). */
    public JobConfig withParameters(Map<String, Object> overrides) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>(parameters);
        merged.putAll(overrides);
        return new JobConfig(file, name, businessDate, output, repository, raw, sources, merged, postgres,
                rejectThreshold, keepSnapshots, schedule, earliestDate, timeZone, funnelStages, reportLocale,
                publishPostgres, engine, spark);
    }

    /** The reject threshold of one source (an entity, or "raw:<name>" for a raw file): its own, or the job's. */
    public RejectThreshold rejectThresholdFor(String entity) {
        SourceSpec source = sources.get(entity);
        return source != null && source.rejectThreshold() != null ? source.rejectThreshold() : rejectThreshold;
    }

    public Path warehouseFile() {
        return output.resolve("warehouse.duckdb");
    }

    /** Earlier nights' warehouse files, {@code <business_date>-<execution>.duckdb}. */
    public Path snapshotsFolder() {
        return output.resolve("snapshots");
    }

    /** The Parquet marts: {@code <table>/business_date=<date>/<table>.parquet}, one folder per table. */
    public Path martsFolder() {
        return output.resolve("marts");
    }

    /** A night's published Parquet file of a table (the quarantine included). */
    public Path martsFile(String table, LocalDate date) {
        return martsFolder().resolve(table).resolve(datePartition(date)).resolve(table + ".parquet");
    }

    /** The start of a Hive-style date folder name: {@code business_date=}. */
    public static final String PARTITION_PREFIX = "business_date=";

    /** A night's Hive-style folder name, {@code business_date=YYYY-MM-DD}. */
    public static String datePartition(LocalDate date) {
        return PARTITION_PREFIX + date;
    }

    public Path reportFolder(LocalDate date) {
        return output.resolve("reports").resolve(date.toString());
    }

    /** The night's morning report, a self-contained HTML page with charts. */
    public Path morningReportFile(LocalDate date) {
        return reportFolder(date).resolve("report.html");
    }

    /** The persistent state of incremental sources: merged current rows, watermarks, files read. */
    public Path stateFolder() {
        return output.resolve("state");
    }

    public Path workFolder(LocalDate date) {
        return output.resolve("work").resolve(date.toString());
    }
}
