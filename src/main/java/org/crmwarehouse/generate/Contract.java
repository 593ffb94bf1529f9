package org.crmwarehouse.generate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The input contract (contract/contract.yaml on the classpath): entities, their columns and rules. */
public record Contract(Map<String, List<Column>> entities) {

    public static final String RESOURCE = "/contract/contract.yaml";

    /** One column and the rules the loader checks on it. */
    public record Column(String name, String type, boolean required, boolean key, List<String> allowed,
                         Double min, Double max, boolean notFuture, String references) {
        public boolean isNumeric() { return type.equals("DECIMAL") || type.equals("BIGINT"); }
        public boolean isTemporal() { return type.equals("DATE") || type.equals("TIMESTAMP"); }
    }

    public static Contract load() {
        try (InputStream in = Contract.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing classpath resource " + RESOURCE);
            return parse(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Contract parse(JsonNode root) {
        Map<String, List<Column>> entities = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entity : root.get("entities").properties()) {
            List<Column> columns = new ArrayList<>();
            for (JsonNode c : entity.getValue().get("columns")) {
                List<String> allowed = new ArrayList<>();
                c.path("allowed").forEach(v -> allowed.add(v.asString()));
                columns.add(new Column(c.get("name").asString(), c.get("type").asString(),
                        c.path("required").asBoolean(false), c.path("key").asBoolean(false), List.copyOf(allowed),
                        c.has("min") ? c.get("min").asDouble() : null, c.has("max") ? c.get("max").asDouble() : null,
                        c.path("not_future").asBoolean(false), c.has("references") ? c.get("references").asString() : null));
            }
            entities.put(entity.getKey(), List.copyOf(columns));
        }
        return new Contract(entities);
    }

    public List<Column> columns(String entity) {
        List<Column> columns = entities.get(entity);
        if (columns == null) throw new IllegalArgumentException("no entity " + entity + " in the contract");
        return columns;
    }

    public List<String> columnNames(String entity) {
        return columns(entity).stream().map(Column::name).toList();
    }
}
