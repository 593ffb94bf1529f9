package org.crmwarehouse.transform;

import java.util.List;
import java.util.Map;

/**
 * A model's documentation and data tests, read from its YAML file.
 *
 * @param grain      what one row is ("one row per day x channel x salesperson")
 * @param columns    every column of the table, in order, with its meaning and tests
 * @param uniqueKey  columns that together identify a row (a table-level uniqueness test)
 * @param checks     SQL boolean expressions every row must satisfy
 */
public record ModelDoc(String description, String grain, List<ColumnDoc> columns, List<String> uniqueKey,
        List<String> checks) {

    public ModelDoc {
        columns = List.copyOf(columns);
        uniqueKey = List.copyOf(uniqueKey);
        checks = List.copyOf(checks);
    }

    /**
     * @param tests data tests on the column: "not_null", "unique", "accepted_values" (with
     *              {@code accepted}) and "relationships" (with {@code references}: model.column)
     */
    public record ColumnDoc(String name, String description, List<String> tests, List<String> accepted,
            String references) {
        public ColumnDoc {
            tests = List.copyOf(tests);
            accepted = List.copyOf(accepted);
        }
    }

    public Map<String, ColumnDoc> columnsByName() {
        java.util.LinkedHashMap<String, ColumnDoc> map = new java.util.LinkedHashMap<>();
        columns.forEach(c -> map.put(c.name(), c));
        return map;
    }
}
