package org.crmwarehouse.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.crmwarehouse.contract.ColumnContract;
import org.crmwarehouse.contract.Contract;
import tools.jackson.databind.JsonNode;

/** Reads a model's YAML documentation; staging columns inherit their contract description. */
public final class ModelDocReader {
    private static final Set<String> TOP = Set.of("description", "grain", "unique_key", "checks", "columns");
    private static final Set<String> COLUMN = Set.of("name", "description", "tests", "accepted", "references");
    private static final Set<String> TESTS = Set.of("not_null", "unique");

    private ModelDocReader() {
    }

    public static ModelDoc read(String origin, String text, String modelName, Contract contract) {
        JsonNode root = ModelCatalog.yaml(origin, text);
        for (String key : root.propertyNames()) {
            if (!TOP.contains(key)) {
                throw new IllegalStateException(origin + ": unknown key '" + key + "' (known: " + TOP + ")");
            }
        }
        String entity = modelName.startsWith("stg_") ? modelName.substring(4) : null;
        List<ModelDoc.ColumnDoc> columns = new ArrayList<>();
        for (JsonNode c : root.path("columns")) {
            for (String key : c.propertyNames()) {
                if (!COLUMN.contains(key)) {
                    throw new IllegalStateException(origin + ": unknown column key '" + key + "' (known: " + COLUMN + ")");
                }
            }
            String name = c.required("name").asString();
            String description = c.path("description").asString("");
            if (description.isBlank() && entity != null && contract.hasEntity(entity)) {
                description = contract.entity(entity).column(name).map(ColumnContract::description).orElse("");
            }
            if (description.isBlank()) {
                throw new IllegalStateException(origin + ": column " + name + " has no description");
            }
            List<String> tests = new ArrayList<>();
            for (JsonNode t : c.path("tests")) {
                if (!TESTS.contains(t.asString())) {
                    throw new IllegalStateException(origin + ": column " + name + ": unknown test '" + t.asString()
                            + "' (known: " + TESTS + ", plus 'accepted' and 'references' keys)");
                }
                tests.add(t.asString());
            }
            List<String> accepted = new ArrayList<>();
            c.path("accepted").forEach(v -> accepted.add(v.asString()));
            String references = c.has("references") ? c.get("references").asString() : null;
            columns.add(new ModelDoc.ColumnDoc(name, description.trim(), tests, accepted, references));
        }
        if (columns.isEmpty()) {
            throw new IllegalStateException(origin + ": 'columns' must document every column of the model");
        }
        List<String> uniqueKey = new ArrayList<>();
        root.path("unique_key").forEach(v -> uniqueKey.add(v.asString()));
        List<String> checks = new ArrayList<>();
        root.path("checks").forEach(v -> checks.add(v.asString()));
        return new ModelDoc(root.path("description").asString("").trim(), root.path("grain").asString("").trim(),
                columns, uniqueKey, checks);
    }
}
