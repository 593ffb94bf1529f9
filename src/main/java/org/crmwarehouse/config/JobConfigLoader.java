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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads a job config YAML file, resolving paths and rejecting anything it does not know. */
public final class JobConfigLoader {
    private static final Set<String> TOP_LEVEL = Set.of(
            "name", "description", "business_date", "output", "repository", "raw", "sources", "parameters",
            "keep_snapshots", "schedule");
    private static final Set<String> FILE_KEYS = Set.of(
            "path", "format", "delimiter", "header", "columns", "encoding", "quote", "date_format",
            "timestamp_format");
    private static final Set<String> REPOSITORY_KEYS = Set.of("url", "user", "password_env");

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
        try {
            root = new YAMLMapper().readTree(Files.readString(configFile));
        } catch (IOException | JacksonException e) {
            throw new ConfigException(configFile, "is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(configFile, "must be a YAML mapping with at least 'name' and 'sources'");
        }
        return new Reader(configFile).read(root);
    }

    private final class Reader {
        private final Path file;
        private final Path folder;

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

            RepositoryConfig repository = RepositoryConfig.embeddedDefault();
            if (root.has("repository")) {
                JsonNode r = root.get("repository");
                checkKeys(r, REPOSITORY_KEYS, "repository.");
                repository = new RepositoryConfig(text(r, "url", null, "repository."),
                        text(r, "user", "", "repository."), text(r, "password_env", null, "repository."));
                if (repository.url() == null) {
                    throw new ConfigException(file, "repository.url is required when 'repository' is given");
                }
            }

            Map<String, FileSpec> raw = new LinkedHashMap<>();
            if (root.has("raw")) {
                for (Map.Entry<String, JsonNode> e : root.get("raw").properties()) {
                    Sql.requireSimpleName("raw file", e.getKey());
                    raw.put(e.getKey(), fileSpec(e.getValue(), "raw." + e.getKey() + ".", true));
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
            }

            Map<String, Object> parameters = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("parameters").properties()) {
                Sql.requireSimpleName("parameter", e.getKey());
                JsonNode v = e.getValue();
                parameters.put(e.getKey(), v.isIntegralNumber() ? (Object) v.asLong()
                        : v.isNumber() ? (Object) v.asDouble()
                        : v.isBoolean() ? (Object) v.asBoolean() : v.asString());
            }
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
            return new JobConfig(file, name, businessDate, outputPath, repository, raw, sources, parameters,
                    keepSnapshots, schedule);
        }

        private SourceSpec sourceSpec(String entity, JsonNode node) {
            String prefix = "sources." + entity + ".";
            if (node.isString()) {
                return new SourceSpec(entity, fileSpec(node, prefix, true), null);
            }
            Set<String> allowed = new java.util.HashSet<>(FILE_KEYS);
            allowed.add("mapping");
            checkKeys(node, allowed, prefix);
            String mapping = text(node, "mapping", null, prefix);
            if (mapping != null) {
                if (node.has("path")) {
                    throw new ConfigException(file, prefix + "path and " + prefix
                            + "mapping exclude each other: declare the file under 'raw' and select from it");
                }
                return new SourceSpec(entity, null, MappingSql.checkReadOnly(file, prefix + "mapping", mapping));
            }
            return new SourceSpec(entity, fileSpec(node, prefix, false), null);
        }

        private FileSpec fileSpec(JsonNode node, String prefix, boolean allowShortForm) {
            if (node.isString() && allowShortForm) {
                Path p = folder.resolve(node.asString()).normalize();
                return new FileSpec(p, FileSpec.FileFormat.of(null, p), ",", true, List.of(), "utf-8", "\"", null, null);
            }
            checkKeys(node, FILE_KEYS, prefix);
            String path = text(node, "path", null, prefix);
            if (path == null) {
                throw new ConfigException(file, prefix + "path is required");
            }
            Path p = folder.resolve(path).normalize();
            List<String> columns = new ArrayList<>();
            node.path("columns").forEach(c -> columns.add(Sql.requireSimpleName("column", c.asString())));
            try {
                return new FileSpec(p, FileSpec.FileFormat.of(text(node, "format", null, prefix), p),
                        text(node, "delimiter", ",", prefix), node.path("header").asBoolean(true), columns,
                        text(node, "encoding", "utf-8", prefix), text(node, "quote", "\"", prefix),
                        text(node, "date_format", null, prefix), text(node, "timestamp_format", null, prefix));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, prefix + "format: " + e.getMessage());
            }
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

        private void checkKeys(JsonNode node, Set<String> known, String prefix) {
            if (!node.isObject()) {
                throw new ConfigException(file, (prefix.isEmpty() ? "the document" : prefix) + " must be a mapping");
            }
            for (String key : node.propertyNames()) {
                if (!known.contains(key)) {
                    throw new ConfigException(file, "unknown key '" + prefix + key + "'; known keys here: "
                            + known.stream().sorted().toList());
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
