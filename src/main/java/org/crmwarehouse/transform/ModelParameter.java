package org.crmwarehouse.transform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import tools.jackson.databind.JsonNode;

/**
 * A value the SQL models read from the one-row table {@code run_parameters}, declared with its
 * default in a {@code sql/parameters/*.yml} file and overridable in a job config's {@code parameters:}.
 * A VARCHAR parameter that is a choice lists its {@code allowed} values; a number may declare an
 * inclusive {@code min} and {@code max}. A VARCHAR parameter with {@code columns_of: <entity>} is a
 * list of text columns of that input-contract entity (a YAML list in the job config), held in
 * run_parameters as the names joined by commas ('' for none).
 */
public record ModelParameter(String name, String type, String defaultValue, List<String> allowed, BigDecimal min,
        BigDecimal max, String description, String columnsOf) {

    public ModelParameter {
        allowed = List.copyOf(allowed);
    }

    public ModelParameter(String name, String type, String defaultValue, List<String> allowed, BigDecimal min,
            BigDecimal max, String description) {
        this(name, type, defaultValue, allowed, min, max, description, null);
    }

    /** The names of a columns_of list as held in run_parameters: "a,b", or "" for none. */
    public static List<String> listValue(String joined) {
        return joined == null || joined.isBlank() ? List.of()
                : java.util.Arrays.stream(joined.split(",")).map(String::trim).toList();
    }

    static List<ModelParameter> parse(String yaml) {
        List<ModelParameter> parameters = new ArrayList<>();
        if (yaml == null) {
            return parameters;
        }
        for (JsonNode p : ModelCatalog.yaml("sql/parameters/*.yml", yaml).path("parameters")) {
            List<String> allowed = new ArrayList<>();
            p.path("allowed").forEach(v -> allowed.add(v.asString()));
            parameters.add(new ModelParameter(p.required("name").asString(), p.required("type").asString(),
                    p.required("default").asString(), allowed,
                    p.has("min") ? new BigDecimal(p.get("min").asString()) : null,
                    p.has("max") ? new BigDecimal(p.get("max").asString()) : null,
                    p.required("description").asString(),
                    p.has("columns_of") ? p.get("columns_of").asString() : null));
        }
        return parameters;
    }

    /** The parameters packaged with the application (sql/parameters/*.yml), without reading the models. */
    public static List<ModelParameter> packaged() {
        List<ModelParameter> parameters = new ArrayList<>();
        try {
            for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:sql/parameters/*.yml")) {
                try (var in = r.getInputStream()) {
                    parameters.addAll(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged model parameters", e);
        }
        return parameters;
    }

    /**
     * Why {@code value} (as YAML gave it: a Long, Double, Boolean or String) is not a value of this
     * parameter, or null when it is. Checked when a job config is loaded, so a wrong value never
     * reaches the night.
     */
    public String refusal(Object value) {
        if (columnsOf != null) {
            return listRefusal(value);
        }
        String text = String.valueOf(value);
        switch (type) {
            case "BIGINT" -> {
                if (!(value instanceof Long)) {
                    return "must be a whole number (BIGINT)";
                }
            }
            case "DOUBLE" -> {
                if (!(value instanceof Long || value instanceof Double)) {
                    return "must be a number (DOUBLE)";
                }
                if (!Double.isFinite(((Number) value).doubleValue())) {
                    return "must be a finite number (DOUBLE)";
                }
            }
            case "BOOLEAN" -> {
                if (!(value instanceof Boolean)) {
                    return "must be true or false (BOOLEAN)";
                }
            }
            case "DATE" -> {
                try {
                    LocalDate.parse(text);
                } catch (DateTimeParseException e) {
                    return "must be a date YYYY-MM-DD (DATE)";
                }
            }
            case "VARCHAR" -> {
                if (!(value instanceof String) && !allowed.isEmpty()) {
                    return "must be one of " + allowed;
                }
            }
            default -> {
                return "has unsupported type " + type;
            }
        }
        if (!allowed.isEmpty() && !allowed.contains(text)) {
            return "must be one of " + allowed;
        }
        if (value instanceof Number n && (min != null || max != null)) {
            BigDecimal v = new BigDecimal(n.toString());
            if (min != null && v.compareTo(min) < 0 || max != null && v.compareTo(max) > 0) {
                return "must be " + (min == null ? "at most " + max.toPlainString()
                        : max == null ? "at least " + min.toPlainString()
                        : "from " + min.toPlainString() + " to " + max.toPlainString());
            }
        }
        return null;
    }

    /**
     * A columns_of list: each name a text (VARCHAR) column of the entity that is neither its key
     * nor a reference to another row (identifiers are not attributes), and no name twice.
     */
    private String listRefusal(Object value) {
        if (!(value instanceof List<?> names)) {
            return "must be a list of " + columnsOf + " columns";
        }
        org.crmwarehouse.contract.EntityContract entity = org.crmwarehouse.contract.Contract.standard().entity(columnsOf);
        List<String> columns = entity.columns().stream()
                .filter(c -> c.type() == org.crmwarehouse.contract.ColumnType.VARCHAR && !c.key() && c.references() == null)
                .map(org.crmwarehouse.contract.ColumnContract::name).toList();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Object n : names) {
            String column = String.valueOf(n);
            if (!columns.contains(column)) {
                return "names '" + column + "', which is not a text attribute column of " + columnsOf + " (one of "
                        + columns + ")";
            }
            if (!seen.add(column)) {
                return "names '" + column + "' twice";
            }
        }
        return null;
    }

    /** The default as YAML would give it, for {@link #refusal} of the declaration itself. */
    Object typedDefault() {
        if (columnsOf != null) {
            return listValue(defaultValue);
        }
        return switch (type) {
            case "BIGINT" -> defaultValue.matches("-?\\d+") ? (Object) Long.parseLong(defaultValue) : defaultValue;
            case "DOUBLE" -> {
                try {
                    yield new BigDecimal(defaultValue).doubleValue();
                } catch (NumberFormatException e) {
                    yield defaultValue;
                }
            }
            case "BOOLEAN" -> defaultValue.equals("true") || defaultValue.equals("false")
                    ? (Object) Boolean.parseBoolean(defaultValue) : defaultValue;
            default -> defaultValue;
        };
    }
}
