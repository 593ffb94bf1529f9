package org.crmwarehouse.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The engine seam on Spark, the counterpart of {@link org.crmwarehouse.transform.EngineDialect}:
 * {@code sql/engine/spark.sql} defines the functions the models use beside standard SQL (same
 * names, same meaning as sql/engine/duckdb.sql) as temporary SQL functions of the session.
 */
public final class SparkDialect {
    static final String FUNCTIONS = "sql/engine/spark.sql";

    /** Defines the engine functions in the session (temporary functions: once per session). */
    public void defineFunctions(SparkSession spark) {
        for (String statement : statements(functionsSql())) {
            spark.sql(statement);
        }
    }

    /** The text of sql/engine/spark.sql (its hash is the 'spark' row of warehouse_models). */
    public String functionsSql() {
        try (InputStream in = SparkDialect.class.getClassLoader().getResourceAsStream(FUNCTIONS)) {
            if (in == null) {
                throw new IllegalStateException(FUNCTIONS + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's statements: comment lines dropped, split at the ';' that ends a line. */
    static List<String> statements(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    /**
     * A query generated for DuckDB (the data tests) in Spark's spelling: "quoted" identifiers in
     * backticks (Spark reads double quotes as a string), VARCHAR casts as STRING.
     */
    public static String fromDuckDb(String sql) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        boolean inIdentifier = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (inString) {
                out.append(c);
                inString = c != '\'';
            } else if (c == '\'' && !inIdentifier) {
                inString = true;
                out.append(c);
            } else if (c == '"') {
                if (inIdentifier && i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
                    out.append('"');
                    i++;
                } else {
                    inIdentifier = !inIdentifier;
                    out.append('`');
                }
            } else if (c == '`' && inIdentifier) {
                out.append("``");
            } else {
                out.append(c);
            }
        }
        return out.toString().replaceAll("(?i)\\bAS VARCHAR\\)", "AS STRING)");
    }
}
