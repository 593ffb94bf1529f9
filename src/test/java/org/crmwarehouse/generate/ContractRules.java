package org.crmwarehouse.generate;

import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Checks generated CSVs against contract.yaml with DuckDB SQL: a method independent of the Java writer.
 * For each entity it counts rows the reader cannot split (malformed) and rows breaking any contract rule.
 */
final class ContractRules {

    record Result(long dataRows, long loadedRows, long violatingRows) {
        long badRows() { return dataRows - loadedRows + violatingRows; }
    }

    static JsonNode contract() throws Exception {
        try (InputStream in = ContractRules.class.getResourceAsStream("/contract/contract.yaml")) {
            return new YAMLMapper().readTree(in);
        }
    }

    static List<String> columnNames(JsonNode contract, String entity) {
        List<String> names = new ArrayList<>();
        contract.get("entities").get(entity).get("columns").forEach(c -> names.add(c.get("name").asString()));
        return names;
    }

    /** dataRows: how many rows the generator reports per file ("customers.csv" -> n). */
    static Map<String, Result> check(Path dir, LocalDate businessDate, Map<String, Long> dataRows) throws Exception {
        JsonNode contract = contract();
        Map<String, Result> out = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = db.createStatement()) {
            st.execute("SET threads = 1"); // keeps scan order, which decides which duplicate counts as first
            for (Map.Entry<String, JsonNode> e : contract.get("entities").properties()) {
                String file = dir.resolve(e.getKey() + ".csv").toString().replace("'", "''");
                StringBuilder cols = new StringBuilder();
                for (JsonNode c : e.getValue().get("columns")) {
                    if (cols.length() > 0) cols.append(", ");
                    cols.append("'").append(c.get("name").asString()).append("': 'VARCHAR'");
                }
                st.execute("CREATE TABLE " + e.getKey() + " AS SELECT row_number() OVER () AS rn, * FROM read_csv('" + file
                        + "', header = true, delim = ',', quote = '\"', escape = '\"', columns = {" + cols
                        + "}, ignore_errors = true, strict_mode = true, null_padding = false)");
            }
            String notAfter = "DATE '" + businessDate + "'"; // as_of and not_future: no slack (issue 14)
            for (Map.Entry<String, JsonNode> e : contract.get("entities").properties()) {
                String t = e.getKey();
                List<String> violations = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                for (JsonNode c : e.getValue().get("columns")) {
                    String col = "\"" + c.get("name").asString() + "\"";
                    String type = c.get("type").asString();
                    String typed = switch (type) {
                        case "DATE" -> "try_strptime(" + col + ", '%Y-%m-%d')";
                        case "TIMESTAMP" -> "try_strptime(" + col + ", '%Y-%m-%d %H:%M:%S')";
                        case "DECIMAL" -> "CASE WHEN regexp_full_match(" + col + ", '-?[0-9]+(\\.[0-9]{1,4})?') THEN CAST(" + col + " AS DECIMAL(18,4)) END";
                        case "BIGINT" -> "CASE WHEN regexp_full_match(" + col + ", '-?[0-9]+') THEN CAST(" + col + " AS BIGINT) END";
                        default -> col;
                    };
                    if (type.equals("BOOLEAN")) violations.add(col + " IS NOT NULL AND " + col + " NOT IN ('true', 'false')");
                    else if (!type.equals("VARCHAR")) violations.add(col + " IS NOT NULL AND " + typed + " IS NULL");
                    if (c.path("required").asBoolean(false)) violations.add(col + " IS NULL");
                    if (c.path("key").asBoolean(false)) keys.add(col);
                    if (c.has("allowed")) {
                        List<String> vals = new ArrayList<>();
                        c.get("allowed").forEach(v -> vals.add("'" + v.asString() + "'"));
                        violations.add(col + " IS NOT NULL AND " + col + " NOT IN (" + String.join(", ", vals) + ")");
                    }
                    if (c.has("min")) violations.add(typed + " < " + c.get("min").asString());
                    if (c.has("max")) violations.add(typed + " > " + c.get("max").asString());
                    if (c.path("not_future").asBoolean(false) || c.path("as_of").asBoolean(false)) violations.add("CAST(" + typed + " AS DATE) > " + notAfter);
                    if (c.has("references")) {
                        String[] ref = c.get("references").asString().split("\\.");
                        violations.add(col + " IS NOT NULL AND " + col + " NOT IN (SELECT \"" + ref[1] + "\" FROM " + ref[0]
                                + " WHERE \"" + ref[1] + "\" IS NOT NULL)");
                    }
                }
                violations.add("rn > min(rn) OVER (PARTITION BY " + String.join(", ", keys) + ")");
                // row rules compare typed values: the generator writes ISO dates, which compare as text
                for (JsonNode rule : e.getValue().path("row_rules")) violations.add(rule.get("invalid_when").asString());
                String sql = "SELECT count(*) AS loaded, count(*) FILTER (WHERE bad) AS bad FROM (SELECT ("
                        + String.join(") OR (", violations.stream().map(v -> "coalesce(" + v + ", false)").toList())
                        + ") AS bad FROM " + t + ")";
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    out.put(t, new Result(dataRows.get(t + ".csv"), rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }
}
