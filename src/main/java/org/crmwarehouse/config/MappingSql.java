package org.crmwarehouse.config;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.ParsedSql;
import tools.jackson.databind.JsonNode;

/**
 * Guards a source mapping and a PostgreSQL {@code query}. Both are one read-only query, decided
 * by the engine's own parser rather than a scan for {@code ;}: a mapping by DuckDB's, which must
 * read it as exactly one query whose tables are the job's {@code rawfile_<name>} tables and its
 * own WITH names (and the one-row {@code business_date}), calling no table function that reaches
 * files; a query by the PostgreSQL
 * driver's statement splitter, which must find one statement (PostgresReader also runs it in a
 * read-only transaction).
 */
final class MappingSql {
    /** Table functions a mapping may call: they make rows from their arguments and reach no file. */
    private static final Set<String> TABLE_FUNCTIONS = Set.of("range", "generate_series", "unnest");

    private MappingSql() {
    }

    /** The mapping without trailing semicolons, when it is one query that reads only {@code rawTables}. */
    static String checkMapping(Path file, String key, String sql, Set<String> rawTables) {
        String body = trimTrailingSemicolons(sql);
        ParsedSql parsed;
        try (Connection db = Db.inMemory()) {
            parsed = ParsedSql.parse(db, body);
        } catch (SQLException e) {
            throw new ConfigException(file, key + " cannot be parsed: " + e.getMessage());
        }
        if (parsed.notOneQuery() != null) {
            throw new ConfigException(file, key + " must be one read-only query (SELECT, WITH ... SELECT or FROM ...), "
                    + "a single query and nothing else: " + parsed.notOneQuery());
        }
        Set<String> allowed = new TreeSet<>();
        rawTables.forEach(t -> allowed.add(t.toLowerCase(Locale.ROOT)));
        List<String> refused = new ArrayList<>();
        Set<String> readable = new TreeSet<>(allowed);
        readable.add(SourceSpec.MAPPING_BUSINESS_DATE); // the night's date, one row
        walk(parsed.query(), Set.of(), readable, refused);
        if (!refused.isEmpty()) {
            throw new ConfigException(file, key + " must read only the job's raw files "
                    + (allowed.isEmpty() ? "(none declared under 'raw')" : allowed)
                    + " and its own WITH queries (and " + SourceSpec.MAPPING_BUSINESS_DATE
                    + "), and no file or table function but " + new TreeSet<>(TABLE_FUNCTIONS)
                    + ": it reads " + refused);
        }
        return body;
    }

    /**
     * Every table reference in the parse tree: a table must be a raw file or a WITH name in scope,
     * a table function one of {@link #TABLE_FUNCTIONS}; any other kind of reference (a file name
     * is a table to the parser, DESCRIBE and SHOW are references of their own) is refused.
     */
    private static void walk(JsonNode node, Set<String> withNames, Set<String> rawTables, List<String> refused) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                walk(child, withNames, rawTables, refused);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Set<String> scope = withNames;
        JsonNode ctes = node.path("cte_map").path("map");
        if (ctes.isArray() && !ctes.isEmpty()) {
            scope = new HashSet<>(withNames);
            for (JsonNode cte : ctes) {
                scope.add(cte.path("key").asString("").toLowerCase(Locale.ROOT));
            }
        }
        // expressions carry a "class"; table references do not
        if (!node.has("class") && node.path("type").isString()) {
            String type = node.path("type").asString();
            switch (type) {
                case "BASE_TABLE" -> {
                    String name = node.path("table_name").asString("");
                    String schema = node.path("schema_name").asString("");
                    boolean plain = node.path("catalog_name").asString("").isEmpty()
                            && (schema.isEmpty() || schema.equalsIgnoreCase("main"));
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!plain || !(rawTables.contains(lower) || schema.isEmpty() && scope.contains(lower))) {
                        refused.add(qualified(node.path("catalog_name").asString(""), schema, name));
                    }
                }
                case "TABLE_FUNCTION" -> {
                    JsonNode function = node.path("function");
                    String name = function.path("function_name").asString("");
                    String schema = function.path("schema").asString("");
                    if (!function.path("catalog").asString("").isEmpty()
                            || !(schema.isEmpty() || schema.equalsIgnoreCase("main"))
                            || !TABLE_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                        refused.add(name + "(...)");
                    }
                }
                case "SHOW_REF", "COLUMN_DATA", "DELIM_GET", "BOUND_TABLE_REF", "INVALID" -> refused.add(type);
                default -> {
                    // SUBQUERY, JOIN, EXPRESSION_LIST (VALUES), EMPTY, PIVOT: their parts are walked
                }
            }
        }
        for (var property : node.properties()) {
            walk(property.getValue(), scope, rawTables, refused);
        }
    }

    private static String qualified(String catalog, String schema, String name) {
        return (catalog.isEmpty() ? "" : catalog + ".") + (schema.isEmpty() ? "" : schema + ".") + name;
    }

    /**
     * The query without trailing semicolons, when it starts as a query and the PostgreSQL driver
     * splits it, wrapped as PostgresReader runs it, into exactly one statement (assuming
     * standard_conforming_strings, PostgreSQL's default since 9.1; PostgresReader checks again
     * with the server's setting). The driver sends each part it splits off as a statement of its
     * own, so one part is one statement.
     */
    static String checkPostgresQuery(Path file, String key, String sql) {
        String body = trimTrailingSemicolons(sql);
        String head = body.replaceAll("(?s)^(\\s|--[^\n]*\n|/\\*.*?\\*/)*", "").toLowerCase(Locale.ROOT);
        if (!(head.startsWith("select") || head.startsWith("with") || head.startsWith("values")
                || head.startsWith("table") || head.startsWith("("))) {
            throw new ConfigException(file, key + " must be one read-only query (SELECT or WITH ... SELECT)");
        }
        // PostgresReader sends it wrapped as a subquery: the wrapped text is what must be one statement
        int statements = ParsedSql.postgresStatements("SELECT * FROM (\n" + body + "\n) q", true);
        if (statements != 1) {
            throw new ConfigException(file, key + " must be a single query: the PostgreSQL driver reads "
                    + statements + " statements in it");
        }
        return body;
    }

    private static String trimTrailingSemicolons(String sql) {
        String body = sql.trim();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).trim();
        }
        return body;
    }
}
