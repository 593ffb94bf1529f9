package org.crmwarehouse.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Guards a source mapping. A mapping is one read-only query: it is always run wrapped as a
 * subquery ({@code SELECT * FROM (<mapping>)}), where anything but a query is a syntax error, and
 * it is rejected here first with a clearer message.
 */
final class MappingSql {
    private MappingSql() {
    }

    static String checkReadOnly(Path file, String key, String sql) {
        String body = trimTrailingSemicolons(stripComments(sql));
        String head = body.toLowerCase(Locale.ROOT);
        if (!(head.startsWith("select") || head.startsWith("with") || head.startsWith("from")
                || head.startsWith("values") || head.startsWith("("))) {
            throw new ConfigException(file, key + " must be one read-only query (SELECT, WITH ... SELECT or FROM ...)");
        }
        if (containsStatementSeparator(body)) {
            throw new ConfigException(file, key + " must be a single query: it contains ';'");
        }
        // The checks read the text without comments; the query itself keeps them.
        return trimTrailingSemicolons(sql);
    }

    private static String trimTrailingSemicolons(String sql) {
        String body = sql.trim();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).trim();
        }
        return body;
    }

    private static String stripComments(String sql) {
        return sql.replaceAll("(?m)--.*$", "");
    }

    /** True when a ';' stands outside string literals and quoted identifiers. */
    private static boolean containsStatementSeparator(String sql) {
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == ';') {
                return true;
            }
        }
        return false;
    }
}
