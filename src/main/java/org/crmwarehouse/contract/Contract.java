package org.crmwarehouse.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The input contract: every entity a source can be mapped onto, read from
 * {@code contract/contract.yaml} on the classpath.
 */
public final class Contract {
    public static final String RESOURCE = "contract/contract.yaml";

    // Every key the contract may use, per level: an unknown key is refused, because in a YAML flow
    // mapping an unquoted description holding ", " silently splits into keys of its own.
    private static final Set<String> TOP_KEYS = Set.of("version", "entities");
    private static final Set<String> ENTITY_KEYS = Set.of("description", "columns", "row_rules");
    private static final Set<String> ROW_RULE_KEYS = Set.of("column", "reason", "invalid_when", "detail");
    private static final Set<String> COLUMN_KEYS = Set.of("name", "type", "required", "key", "allowed", "min", "max",
            "not_future", "as_of", "references", "description");

    private final Map<String, EntityContract> entities;
    private final List<String> order;

    private Contract(Map<String, EntityContract> entities, List<String> order) {
        this.entities = Map.copyOf(entities);
        this.order = List.copyOf(order);
        checkReferences();
    }

    public static Contract standard() {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the contract resource " + RESOURCE + " is missing from the classpath");
            }
            return parse(YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Contract parse(JsonNode root) {
        Map<String, EntityContract> entities = new LinkedHashMap<>();
        checkKeys(root, TOP_KEYS, "the top level");
        for (Map.Entry<String, JsonNode> entity : root.required("entities").properties()) {
            checkKeys(entity.getValue(), ENTITY_KEYS, "entity " + entity.getKey());
            checkText(entity.getValue(), "entity " + entity.getKey());
            List<ColumnContract> columns = new ArrayList<>();
            for (JsonNode c : entity.getValue().required("columns")) {
                String where = "column " + entity.getKey() + "." + c.path("name").asString("?");
                checkKeys(c, COLUMN_KEYS, where);
                checkText(c, where);
                List<String> allowed = new ArrayList<>();
                c.path("allowed").forEach(v -> allowed.add(v.asString()));
                columns.add(new ColumnContract(
                        // names go unquoted into generated SQL: only letters, digits, underscores
                        org.crmwarehouse.sql.Sql.requireSimpleName("contract column", c.required("name").asString()),
                        ColumnType.valueOf(c.required("type").asString()),
                        c.path("required").asBoolean(false),
                        c.path("key").asBoolean(false),
                        allowed,
                        c.has("min") ? new BigDecimal(c.get("min").asString()) : null,
                        c.has("max") ? new BigDecimal(c.get("max").asString()) : null,
                        c.path("not_future").asBoolean(false),
                        c.path("as_of").asBoolean(false),
                        c.has("references") ? ColumnContract.Reference.parse(c.get("references").asString()) : null,
                        c.path("description").asString("")));
            }
            org.crmwarehouse.sql.Sql.requireSimpleName("contract entity", entity.getKey());
            List<EntityContract.RowRule> rules = new ArrayList<>();
            for (JsonNode r : entity.getValue().path("row_rules")) {
                checkKeys(r, ROW_RULE_KEYS, "a row rule of " + entity.getKey());
                String column = r.required("column").asString();
                if (columns.stream().noneMatch(c -> c.name().equals(column))) {
                    throw new IllegalStateException("row rule of " + entity.getKey() + " names unknown column " + column);
                }
                String reason = r.required("reason").asString();
                rules.add(new EntityContract.RowRule(column, reason, r.required("invalid_when").asString(),
                        r.required("detail").asString()));
            }
            entities.put(entity.getKey(), new EntityContract(entity.getKey(),
                    entity.getValue().path("description").asString(""), columns, rules));
        }
        return new Contract(entities, List.copyOf(entities.keySet()));
    }

    private static void checkKeys(JsonNode node, Set<String> known, String where) {
        for (String key : node.propertyNames()) {
            if (!known.contains(key)) {
                throw new IllegalStateException(RESOURCE + ": " + where + " has unknown key '" + key + "' (known: "
                        + new java.util.TreeSet<>(known) + "); a description holding ', ' or ': ' must be quoted");
            }
        }
    }

    private static void checkText(JsonNode node, String where) {
        if (node.has("description") && !node.get("description").isString()) {
            throw new IllegalStateException(RESOURCE + ": " + where + " has a description that is not text: quote it");
        }
    }

    private void checkReferences() {
        for (EntityContract e : entities.values()) {
            for (ColumnContract c : e.columns()) {
                if ((c.asOf() || c.notFuture()) && !c.type().isTemporal()) {
                    throw new IllegalStateException("contract column " + e.name() + "." + c.name()
                            + ": as_of and not_future apply to DATE and TIMESTAMP columns only");
                }
                if (c.references() != null) {
                    EntityContract target = entities.get(c.references().entity());
                    if (target == null || target.column(c.references().column()).isEmpty()) {
                        throw new IllegalStateException("contract column " + e.name() + "." + c.name()
                                + " references unknown " + c.references());
                    }
                }
            }
        }
    }

    public EntityContract entity(String name) {
        EntityContract entity = entities.get(name);
        if (entity == null) {
            throw new IllegalArgumentException("unknown entity '" + name + "'; the contract has " + order);
        }
        return entity;
    }

    public boolean hasEntity(String name) {
        return entities.containsKey(name);
    }

    /** Entities in declaration order. */
    public List<EntityContract> entities() {
        return order.stream().map(entities::get).toList();
    }

    /**
     * Entities ordered so that every entity comes after those it references (self-references
     * aside): validation needs the valid keys of a referenced entity first.
     */
    public List<EntityContract> inReferenceOrder() {
        Set<String> done = new LinkedHashSet<>();
        while (done.size() < order.size()) {
            boolean progressed = false;
            for (String name : order) {
                if (done.contains(name)) {
                    continue;
                }
                boolean ready = entities.get(name).referencedEntities().stream()
                        .allMatch(r -> r.equals(name) || done.contains(r));
                if (ready) {
                    done.add(name);
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("contract references form a cycle among " + order);
            }
        }
        return done.stream().map(entities::get).toList();
    }
}
