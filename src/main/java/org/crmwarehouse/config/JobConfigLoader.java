package org.crmwarehouse.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.ModelParameter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads a job config YAML file, resolving paths and rejecting anything it does not know. */
public final class JobConfigLoader {
    private static final Set<String> TOP_LEVEL = Set.of(
            "name", "description", "business_date", "output", "repository", "postgres", "raw", "sources", "parameters",
            "reject_threshold", "keep_snapshots", "schedule", "earliest_date", "time_zone", "funnel_stages",
            "report_locale", "publish", "engine", "spark");
    private static final Set<String> SPARK_KEYS = Set.of("master", "settings", "ingest");
    private static final Set<String> FILE_KEYS = Set.of(
            "path", "format", "delimiter", "header", "columns", "encoding", "quote", "date_format",
            "timestamp_format");
    private static final Set<String> REPOSITORY_KEYS = Set.of("url", "user", "password_env");
    private static final Set<String> PUBLISH_KEYS = Set.of("postgres");
    private static final Set<String> PUBLISH_POSTGRES_KEYS = Set.of("url", "user", "password_env", "schema", "read_role");
    /** A published schema or role: lower case (BI tools need no quotes), room left for the staging suffix. */
    private static final java.util.regex.Pattern PG_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,39}");
    private static final Set<String> INCREMENTAL_KEYS = Set.of("watermark", "files", "deleted", "deletions");
    private static final Set<String> KEY_RANGE_KEYS = Set.of("column", "partitions");

    /** Jackson's own duplicate detection: a repeated key at any level is a parse error, with its line. */
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Contract contract;

    public JobConfigLoader(Contract contract) {
        this.contract = contract;
    }

    public JobConfig load(Path file) {
        Path configFile = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(configFile)) {
            throw new ConfigException(configFile, "the job config file does not exist");
        }
        JsonNode root;
        String text;
        try {
            text = Files.readString(configFile);
            root = YAML.readTree(text);
        } catch (StreamReadException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Duplicate Object property")) {
                // a second 'orders:' would silently replace the first
                throw new ConfigException(configFile, "duplicate key '" + duplicateKey(e.getMessage()) + "' (line "
                        + e.getLocation().getLineNr() + "): each key may appear once");
            }
            throw new ConfigException(configFile, "is not valid YAML: " + firstLine(e.getMessage()));
        } catch (IOException | JacksonException e) {
            throw new ConfigException(configFile, "is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(configFile, "must be a YAML mapping with at least 'name' and 'sources'");
        }
        Yaml11Booleans.refuse(configFile, text);
        return new Reader(configFile).read(root);
    }

    private final class Reader {
        private final Path file;
        private final Path folder;
        /** The tables a mapping may read: rawfile_ and the name of each raw file. */
        private final Set<String> rawTables = new java.util.HashSet<>();

        Reader(Path file) {
            this.file = file;
            this.folder = file.getParent();
        }

        JobConfig read(JsonNode root) {
            checkKeys(root, TOP_LEVEL, "");
            String name = text(root, "name", null, "");
            if (name == null) {
                throw new ConfigException(file, "'name' is required");
            }
            Sql.requireSimpleName("job", name);
            LocalDate businessDate = null;
            String date = text(root, "business_date", null, "");
            if (date != null) {
                try {
                    businessDate = LocalDate.parse(date);
                } catch (DateTimeParseException e) {
                    throw new ConfigException(file, "business_date '" + date + "' is not a date (YYYY-MM-DD)");
                }
            }
            String output = text(root, "output", null, "");
            Path outputPath = output == null
                    ? RepositoryConfig.home().resolve(name)
                    : folder.resolve(output).normalize();

            RepositoryConfig repository = RepositoryConfig.besideOutput(outputPath);
            if (root.has("repository")) {
                JsonNode r = root.get("repository");
                checkKeys(r, REPOSITORY_KEYS, "repository.");
                repository = new RepositoryConfig(text(r, "url", null, "repository."),
                        text(r, "user", "", "repository."), text(r, "password_env", null, "repository."));
                if (repository.url() == null) {
                    throw new ConfigException(file, "repository.url is required when 'repository' is given");
                }
            }

            PostgresConfig postgres = null;
            if (root.has("postgres")) {
                JsonNode r = root.get("postgres");
                checkKeys(r, REPOSITORY_KEYS, "postgres.");
                postgres = new PostgresConfig(text(r, "url", null, "postgres."), text(r, "user", "", "postgres."),
                        text(r, "password_env", null, "postgres."));
                if (postgres.url() == null || !postgres.url().startsWith("jdbc:postgresql:")) {
                    throw new ConfigException(file, "postgres.url must be a jdbc:postgresql: URL");
                }
            }

            Map<String, FileSpec> raw = new LinkedHashMap<>();
            if (root.has("raw")) {
                for (Map.Entry<String, JsonNode> e : root.get("raw").properties()) {
                    Sql.requireSimpleName("raw file", e.getKey());
                    raw.put(e.getKey(), fileSpec(e.getValue(), "raw." + e.getKey() + ".", true));
                    rawTables.add("rawfile_" + e.getKey());
                }
            }

            Map<String, SourceSpec> sources = new LinkedHashMap<>();
            JsonNode sourcesNode = root.path("sources");
            if (!sourcesNode.isObject() || sourcesNode.isEmpty()) {
                throw new ConfigException(file, "'sources' must map at least one contract entity to a file or mapping");
            }
            for (Map.Entry<String, JsonNode> e : sourcesNode.properties()) {
                String entity = e.getKey();
                if (!contract.hasEntity(entity)) {
                    throw new ConfigException(file, "sources." + entity + " is not a contract entity; expected one of "
                            + contract.entities().stream().map(x -> x.name()).toList());
                }
                sources.put(entity, sourceSpec(entity, e.getValue()));
                if (sources.get(entity).isPostgres() && postgres == null) {
                    throw new ConfigException(file, "sources." + entity + ".query needs a top-level 'postgres' "
                            + "{url, user, password_env}");
                }
            }

            Map<String, Object> parameters = modelParameters(root);
            int keepSnapshots = JobConfig.DEFAULT_KEEP_SNAPSHOTS;
            if (root.has("keep_snapshots")) {
                JsonNode k = root.get("keep_snapshots");
                if (!k.isIntegralNumber() || k.asLong() < 1 || k.asLong() > 10_000) {
                    throw new ConfigException(file, "keep_snapshots must be a whole number of nights, at least 1");
                }
                keepSnapshots = k.asInt();
            }
            String schedule = text(root, "schedule", null, "");
            if (schedule != null) {
                try {
                    org.springframework.scheduling.support.CronExpression.parse(schedule);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(file, "schedule '" + schedule + "' is not a cron expression with 6 "
                            + "fields (second minute hour day month weekday, e.g. \"0 30 2 * * *\"): " + e.getMessage());
                }
            }
            String reportLocale = text(root, "report_locale", JobConfig.DEFAULT_REPORT_LOCALE, "");
            if (!JobConfig.REPORT_LOCALES.contains(reportLocale)) {
                throw new ConfigException(file, "report_locale '" + reportLocale + "' is not a locale of the morning "
                        + "report; expected one of " + JobConfig.REPORT_LOCALES);
            }
            JobConfig config = new JobConfig(file, name, businessDate, outputPath, repository, raw, sources, parameters,
                    postgres, threshold(root, ""), keepSnapshots, schedule, earliestDate(root), timeZone(root),
                    FunnelStages.read(file, root.get("funnel_stages")), reportLocale, publishPostgres(root.get("publish")),
                    text(root, "engine", JobConfig.ENGINE_DUCKDB, ""), spark(root.get("spark")));
            checkEngine(config);
            return config;
        }

        /** {@code spark: {master, settings: {spark.*: value}, ingest}}: settings are Spark's own keys, passed as they are. */
        private JobConfig.SparkConfig spark(JsonNode node) {
            if (node == null || node.isNull()) {
                return JobConfig.SparkConfig.DEFAULT;
            }
            checkKeys(node, SPARK_KEYS, "spark.");
            Map<String, String> settings = new LinkedHashMap<>();
            JsonNode s = node.get("settings");
            if (s != null && !s.isNull()) {
                if (!s.isObject()) {
                    throw new ConfigException(file, "spark.settings must map spark.* keys to values");
                }
                for (Map.Entry<String, JsonNode> e : s.properties()) {
                    if (!e.getKey().startsWith("spark.")) {
                        throw new ConfigException(file, "spark.settings." + e.getKey() + " is not a Spark setting "
                                + "(they start with spark.)");
                    }
                    settings.put(e.getKey(), text(s, e.getKey(), null, "spark.settings."));
                }
            }
            String ingest = text(node, "ingest", JobConfig.SparkConfig.INGEST_AUTO, "spark.");
            if (!JobConfig.SparkConfig.INGESTS.contains(ingest)) {
                throw new ConfigException(file, "spark.ingest '" + ingest + "' is not an ingest; expected one of "
                        + JobConfig.SparkConfig.INGESTS + " (auto: Spark reads the sources unless the master is local)");
            }
            return new JobConfig.SparkConfig(text(node, "master", null, "spark."), settings, ingest);
        }

        /**
         * {@code publish: {postgres: {url, user, password_env, schema, read_role}}}. The schema is
         * dropped and replaced every night, so public, system schemas and odd names are refused.
         */
        private PostgresPublishConfig publishPostgres(JsonNode publish) {
            if (publish == null || publish.isNull()) {
                return null;
            }
            checkKeys(publish, PUBLISH_KEYS, "publish.");
            JsonNode p = publish.get("postgres");
            if (p == null || p.isNull()) {
                return null;
            }
            String prefix = "publish.postgres.";
            checkKeys(p, PUBLISH_POSTGRES_KEYS, prefix);
            String url = text(p, "url", null, prefix);
            if (url == null || !url.startsWith("jdbc:postgresql:")) {
                throw new ConfigException(file, prefix + "url must be a jdbc:postgresql: URL");
            }
            String schema = text(p, "schema", null, prefix);
            if (schema == null) {
                throw new ConfigException(file, prefix + "schema is required: the schema BI tools read, replaced "
                        + "whole every night (for example crm)");
            }
            if (!PG_NAME.matcher(schema).matches() || schema.startsWith("pg_") || schema.equals("public")
                    || schema.equals("information_schema")) {
                throw new ConfigException(file, prefix + "schema '" + schema + "' must be a lower-case name of "
                        + "letters, digits and underscores (at most 40), not public, information_schema or pg_*: "
                        + "it is dropped and replaced every night");
            }
            String readRole = text(p, "read_role", null, prefix);
            if (readRole != null && (!PG_NAME.matcher(readRole).matches() || readRole.startsWith("pg_")
                    || readRole.equals("public"))) {
                throw new ConfigException(file, prefix + "read_role '" + readRole + "' must be a lower-case name "
                        + "of letters, digits and underscores (at most 40), not public or pg_*");
            }
            return new PostgresPublishConfig(new PostgresConfig(url, text(p, "user", "", prefix),
                    text(p, "password_env", null, prefix)), schema, readRole);
        }

        /** {@code earliest_date:}, the lower bound of every DATE and TIMESTAMP value (default 1900-01-01). */
        private LocalDate earliestDate(JsonNode root) {
            String value = text(root, "earliest_date", null, "");
            if (value == null) {
                return JobConfig.DEFAULT_EARLIEST_DATE;
            }
            try {
                LocalDate date = LocalDate.parse(value);
                if (date.getYear() < 1) {
                    throw new DateTimeParseException("before year 1", value, 0);
                }
                return date;
            } catch (DateTimeParseException e) {
                throw new ConfigException(file, "earliest_date '" + value + "' is not a date (YYYY-MM-DD) in year 1 or later");
            }
        }

        /** {@code time_zone:}, the IANA zone timestamps with an offset are converted to (default UTC). */
        private java.time.ZoneId timeZone(JsonNode root) {
            String value = text(root, "time_zone", null, "");
            if (value == null) {
                return JobConfig.DEFAULT_TIME_ZONE;
            }
            // a region name both Java and DuckDB (ICU) know; not a bare offset, which knows no summer time
            if (java.time.ZoneId.getAvailableZoneIds().contains(value)) {
                return java.time.ZoneId.of(value);
            }
            throw new ConfigException(file, "time_zone '" + value + "' is not a time zone; use an IANA name such "
                    + "as Europe/Madrid or UTC");
        }

        private SourceSpec sourceSpec(String entity, JsonNode node) {
            String prefix = "sources." + entity + ".";
            if (node.isString()) {
                return new SourceSpec(entity, fileSpec(node, prefix, true), null);
            }
            Set<String> allowed = new java.util.HashSet<>(FILE_KEYS);
            allowed.addAll(Set.of("mapping", "query", "key_range", "incremental", "reject_threshold"));
            checkKeys(node, allowed, prefix);
            RejectThreshold threshold = threshold(node, prefix);
            String mapping = text(node, "mapping", null, prefix);
            String query = text(node, "query", null, prefix);
            SourceSpec.Incremental incremental = incremental(node.get("incremental"), prefix + "incremental.");
            if (mapping != null) {
                if (node.has("path") || query != null) {
                    throw new ConfigException(file, prefix + "path, " + prefix + "query and " + prefix
                            + "mapping exclude each other: declare the file under 'raw' and select from it");
                }
                if (incremental != null) {
                    throw new ConfigException(file, prefix + "incremental applies to a file or query source, "
                            + "not to a mapping");
                }
                return new SourceSpec(entity, null, MappingSql.checkMapping(file, prefix + "mapping", mapping,
                        rawTables), null, null,
                        null, threshold);
            }
            if (query != null) {
                if (node.has("path")) {
                    throw new ConfigException(file, prefix + "path and " + prefix + "query exclude each other");
                }
                if (incremental != null && (incremental.newFiles() || incremental.deletions() != null)) {
                    throw new ConfigException(file, prefix + "incremental of a query source takes 'watermark' "
                            + "and 'deleted', not 'files' or 'deletions'");
                }
                SourceSpec.KeyRange keyRange = null;
                JsonNode k = node.get("key_range");
                if (k != null) {
                    checkKeys(k, KEY_RANGE_KEYS, prefix + "key_range.");
                    String column = text(k, "column", null, prefix + "key_range.");
                    if (column == null) {
                        throw new ConfigException(file, prefix + "key_range.column is required");
                    }
                    int partitions = k.path("partitions").asInt(4);
                    if (partitions < 1 || partitions > 64) {
                        throw new ConfigException(file, prefix + "key_range.partitions must be 1..64");
                    }
                    keyRange = new SourceSpec.KeyRange(Sql.requireSimpleName("column", column), partitions);
                }
                return new SourceSpec(entity, null, null, MappingSql.checkPostgresQuery(file, prefix + "query", query),
                        keyRange, incremental, threshold);
            }
            if (node.has("key_range")) {
                throw new ConfigException(file, prefix + "key_range applies to a query source only");
            }
            FileSpec spec = fileSpec(node, prefix, false, allowed);
            boolean glob = spec.path().getFileName().toString().matches(".*[*?\\[].*");
            if (glob && (incremental == null || !incremental.newFiles())) {
                throw new ConfigException(file, prefix + "path is a pattern; a pattern needs incremental: {files: new}");
            }
            if (incremental != null && incremental.newFiles() && !glob) {
                throw new ConfigException(file, prefix + "incremental.files: new needs a path pattern such as "
                        + "landing/orders-*.csv");
            }
            return new SourceSpec(entity, spec, null, null, null, incremental, threshold);
        }

        private RejectThreshold threshold(JsonNode node, String prefix) {
            String value = text(node, "reject_threshold", null, prefix);
            if (value == null) {
                return null;
            }
            try {
                return RejectThreshold.parse(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, prefix + "reject_threshold: " + e.getMessage());
            }
        }

        private SourceSpec.Incremental incremental(JsonNode node, String prefix) {
            if (node == null || node.isNull()) {
                return null;
            }
            checkKeys(node, INCREMENTAL_KEYS, prefix);
            String watermark = text(node, "watermark", null, prefix);
            String files = text(node, "files", null, prefix);
            if (files != null && !files.equals("new")) {
                throw new ConfigException(file, prefix + "files must be 'new' (each new file in the pattern is read once)");
            }
            if ((watermark == null) == (files == null)) {
                throw new ConfigException(file, prefix.substring(0, prefix.length() - 1)
                        + " needs exactly one of 'watermark: <column>' or 'files: new'");
            }
            String deleted = text(node, "deleted", null, prefix);
            FileSpec deletions = null;
            JsonNode d = node.get("deletions");
            if (d != null && !d.isNull()) {
                deletions = fileSpec(d, prefix + "deletions.", true);
            }
            return new SourceSpec.Incremental(watermark == null ? null : Sql.requireSimpleName("column", watermark),
                    files != null, deleted == null ? null : Sql.requireSimpleName("column", deleted), deletions);
        }

        private FileSpec fileSpec(JsonNode node, String prefix, boolean allowShortForm) {
            return fileSpec(node, prefix, allowShortForm, FILE_KEYS);
        }

        private FileSpec fileSpec(JsonNode node, String prefix, boolean allowShortForm, Set<String> keys) {
            if (node.isString() && allowShortForm) {
                Path p = folder.resolve(node.asString()).normalize();
                return new FileSpec(p, FileSpec.FileFormat.of(null, p), ",", true, List.of(), "utf-8", "\"", null, null);
            }
            checkKeys(node, keys, prefix);
            String path = text(node, "path", null, prefix);
            if (path == null) {
                throw new ConfigException(file, prefix + "path is required");
            }
            Path p = folder.resolve(path).normalize();
            List<String> columns = new ArrayList<>();
            node.path("columns").forEach(c -> columns.add(Sql.requireSimpleName("column", c.asString())));
            try {
                return new FileSpec(p, FileSpec.FileFormat.of(text(node, "format", null, prefix), p),
                        text(node, "delimiter", ",", prefix), bool(node, "header", true, prefix), columns,
                        text(node, "encoding", "utf-8", prefix), text(node, "quote", "\"", prefix),
                        text(node, "date_format", null, prefix), text(node, "timestamp_format", null, prefix));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, prefix + "format: " + e.getMessage());
            }
        }

        private boolean bool(JsonNode node, String key, boolean fallback, String prefix) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                // asBoolean() would read any text as the fallback: header: "no" meant header: true
                throw new ConfigException(file, prefix + key + " must be true or false, not '" + v.asString() + "'");
            }
            return v.asBoolean();
        }

        private String text(JsonNode node, String key, String fallback, String prefix) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isValueNode()) {
                throw new ConfigException(file, prefix + key + " must be a single value");
            }
            return v.asString();
        }

        /**
         * {@code parameters:}, each checked against its declaration in sql/parameters (name, type,
         * allowed values, bounds) now, so that a typo or a wrong value fails at load in one line
         * rather than in transform after extract and validate.
         */
        private Map<String, Object> modelParameters(JsonNode root) {
            Map<String, Object> parameters = new LinkedHashMap<>();
            if (!root.has("parameters") || root.get("parameters").isNull()) {
                return parameters;
            }
            if (!root.get("parameters").isObject()) {
                throw new ConfigException(file, "parameters must be a mapping of model parameter names to values");
            }
            Map<String, ModelParameter> declared = new LinkedHashMap<>();
            ModelParameter.packaged().forEach(p -> declared.put(p.name(), p));
            for (Map.Entry<String, JsonNode> e : root.get("parameters").properties()) {
                String name = e.getKey();
                ModelParameter p = declared.get(name);
                if (p == null) {
                    String near = Suggestion.closest(name, declared.keySet());
                    throw new ConfigException(file, "parameters." + name + " is not a model parameter"
                            + (near == null ? "" : "; did you mean " + near + "?")
                            + " (all parameters: docs/data-dictionary.md, 'Model parameters')");
                }
                JsonNode v = e.getValue();
                if (p.columnsOf() != null) {
                    parameters.put(name, columnList(name, p, v));
                    continue;
                }
                if (!v.isValueNode() || v.isNull()) {
                    throw new ConfigException(file, "parameters." + name + " must be a single value (" + p.type() + ")");
                }
                Object value = v.isIntegralNumber() ? (Object) v.asLong()
                        : v.isNumber() ? (Object) v.asDouble()
                        : v.isBoolean() ? (Object) v.asBoolean() : v.asString();
                String refusal = p.refusal(value);
                if (refusal != null) {
                    throw new ConfigException(file, "parameters." + name + " " + refusal + ", got '" + v.asString() + "'");
                }
                parameters.put(name, value);
            }
            return parameters;
        }

        /**
         * A columns_of parameter: a YAML list of column names ([] or null for none), checked now
         * (a name that is not a text column of the entity is refused naming it); held joined by commas.
         */
        private String columnList(String name, ModelParameter p, JsonNode v) {
            List<String> names = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode element : v) {
                    if (!element.isString()) {
                        throw new ConfigException(file, "parameters." + name + " must be a list of " + p.columnsOf()
                                + " column names, got '" + element + "'");
                    }
                    names.add(element.asString().trim());
                }
            } else if (!v.isNull()) {
                throw new ConfigException(file, "parameters." + name + " must be a list of " + p.columnsOf()
                        + " column names, e.g. [acquisition_channel, region]");
            }
            String refusal = p.refusal(names);
            if (refusal != null) {
                throw new ConfigException(file, "parameters." + name + " " + refusal);
            }
            return String.join(",", names);
        }

        private void checkKeys(JsonNode node, Set<String> known, String prefix) {
            if (!node.isObject()) {
                throw new ConfigException(file, (prefix.isEmpty() ? "the document" : prefix) + " must be a mapping");
            }
            for (String key : node.propertyNames()) {
                if (!known.contains(key)) {
                    String near = Suggestion.closest(key, known);
                    throw new ConfigException(file, "unknown key '" + prefix + key + "'"
                            + (near == null ? "" : "; did you mean '" + prefix + near + "'?")
                            + "; known keys here: " + known.stream().sorted().toList());
                }
            }
        }
    }

    /**
     * A model parameter given on the command line ({@code run --param name=value}): the value text
     * is read as a YAML scalar, as in a config's {@code parameters:}, and checked against its
     * declaration the same way. Returns the typed value.
     *
     * @throws IllegalArgumentException naming the parameter and what is wrong
     */
    public static Object commandLineParameter(String name, String text) {
        Map<String, ModelParameter> declared = new LinkedHashMap<>();
        ModelParameter.packaged().forEach(p -> declared.put(p.name(), p));
        ModelParameter p = declared.get(name);
        if (p == null) {
            String near = Suggestion.closest(name, declared.keySet());
            throw new IllegalArgumentException("--param " + name + " is not a model parameter"
                    + (near == null ? "" : "; did you mean " + near + "?")
                    + " (all parameters: docs/data-dictionary.md, 'Model parameters')");
        }
        JsonNode v;
        try {
            v = YAML.readTree(text.isEmpty() ? "''" : text);
        } catch (RuntimeException e) {
            v = null;
        }
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new IllegalArgumentException("--param " + name + " must be a single value (" + p.type() + "), got '"
                    + text + "'");
        }
        Object value = v.isIntegralNumber() ? (Object) v.asLong()
                : v.isNumber() ? (Object) v.asDouble()
                : v.isBoolean() ? (Object) v.asBoolean() : v.asString();
        String refusal = p.refusal(value);
        if (refusal != null) {
            throw new IllegalArgumentException("--param " + name + " " + refusal + ", got '" + text + "'");
        }
        return value;
    }

    /** The key of Jackson's 'Duplicate Object property "orders"' message. */
    private static String duplicateKey(String message) {
        int open = message.indexOf('"');
        int close = message.indexOf('"', open + 1);
        return open < 0 || close < 0 ? firstLine(message) : message.substring(open + 1, close);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * The engine must be known, and on Spark what it does not run yet is refused before anything
     * runs: incremental sources (their merged state and watermarks live in DuckDB files beside the
     * work database) and the PostgreSQL publish (it copies from the DuckDB work database).
     */
    static void checkEngine(JobConfig config) {
        if (!JobConfig.ENGINES.contains(config.engine())) {
            throw new ConfigException(config.file(), "engine '" + config.engine() + "' is not an engine; expected one of "
                    + JobConfig.ENGINES);
        }
        if (!config.onSpark()) {
            return;
        }
        for (SourceSpec source : config.sources().values()) {
            if (source.incremental() != null) {
                throw new ConfigException(config.file(), "sources." + source.entity() + ".incremental is not supported "
                        + "with engine spark yet; run this job with engine duckdb or read the source in full");
            }
        }
        if (config.publishPostgres() != null) {
            throw new ConfigException(config.file(), "publish.postgres is not supported with engine spark yet; "
                    + "run this job with engine duckdb or leave publish.postgres out");
        }
    }
}
