package org.crmwarehouse.spark.ingest;

/** Spelling of literals and names in Spark SQL (backslash escapes in strings, backquoted names). */
final class SparkSql {
    private SparkSql() {
    }

    /** A string literal; Spark SQL reads backslash escapes inside quotes, so both are escaped. */
    static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        StringBuilder b = new StringBuilder("'");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0 -> b.append("\\u0000");
                default -> b.append(ch);
            }
        }
        return b.append('\'').toString();
    }

    static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** RE2's regexp_full_match as Java's regex in Spark: the whole text must match. */
    static String fullMatch(String text, String pattern) {
        return "(" + text + " RLIKE " + literal("^(?:" + pattern + ")\\z") + ")";
    }
}
