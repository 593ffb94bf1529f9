package org.crmwarehouse.transform;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A value the SQL models read from the one-row table {@code run_parameters}, declared with its
 * default in a {@code sql/parameters/*.yml} file and overridable in a job config's {@code parameters:}.
 */
public record ModelParameter(String name, String type, String defaultValue, String description) {

    static List<ModelParameter> parse(String yaml) {
        List<ModelParameter> parameters = new ArrayList<>();
        if (yaml == null) {
            return parameters;
        }
        for (JsonNode p : ModelCatalog.yaml("sql/parameters/*.yml", yaml).path("parameters")) {
            parameters.add(new ModelParameter(p.required("name").asString(), p.required("type").asString(),
                    p.required("default").asString(), p.required("description").asString()));
        }
        return parameters;
    }
}
