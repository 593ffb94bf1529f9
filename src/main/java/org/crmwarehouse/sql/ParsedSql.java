package org.crmwarehouse.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A SQL text as DuckDB's own parser reads it ({@code json_serialize_sql}, which serializes queries
 * only): its statements' parse trees, or why it is not queries. Deciding "one query" here rather
 * than by scanning the text for {@code ;} leaves no quoting ({@code $$...$$}, {@code E'...'},
 * comments) that a scan could read differently from DuckDB.
 */
public final class ParsedSql {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<JsonNode> statements;
    private final String problem;

    private ParsedSql(List<JsonNode> statements, String problem) {
        this.statements = statements;
        this.problem = problem;
    }

    /** Parses {@code sql} on {@code db} (nothing runs; only the parser sees the text). */
    public static ParsedSql parse(Connection db, String sql) throws SQLException {
        String json;
        try (PreparedStatement s = db.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            s.setString(1, sql);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                json = rs.getString(1);
            }
        } catch (SQLException e) {
            throw DuckDbErrors.readable(e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SQLException("DuckDB's parser gave no readable answer: " + e.getOriginalMessage());
        }
        if (root.path("error").asBoolean(false)) {
            String message = root.path("error_message").asString("");
            if (message.startsWith("Only SELECT statements")) {
                return new ParsedSql(List.of(), "it holds a statement that is not a query");
            }
            return new ParsedSql(List.of(), "DuckDB cannot parse it: " + message.replaceAll("\\s+", " ").trim());
        }
        List<JsonNode> list = new ArrayList<>();
        root.path("statements").forEach(list::add);
        if (list.isEmpty()) {
            return new ParsedSql(list, "it holds no statement");
        }
        if (list.size() > 1) {
            return new ParsedSql(list, "it holds " + list.size() + " statements");
        }
        return new ParsedSql(list, null);
    }

    /**
     * How many statements the PostgreSQL JDBC driver makes of {@code sql}: it splits a text on
     * {@code ;} with its own reading of PostgreSQL quoting ({@code $tag$}, {@code E'...'},
     * comments) and sends each part as a statement of its own, so one means one statement.
     */
    public static int postgresStatements(String sql, boolean standardConformingStrings) {
        try {
            return org.postgresql.core.Parser.parseJdbcSql(sql, standardConformingStrings, false, true, false, false)
                    .size();
        } catch (SQLException e) {
            throw new IllegalArgumentException("the PostgreSQL driver cannot read the query: " + e.getMessage(), e);
        }
    }

    /** Null when the text is exactly one query (SELECT, WITH ... SELECT, FROM ..., VALUES, DESCRIBE ...). */
    public String notOneQuery() {
        return problem;
    }

    /** The parse tree of the one query ({@code {"node": ...}}); only when {@link #notOneQuery()} is null. */
    public JsonNode query() {
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return statements.get(0);
    }
}
