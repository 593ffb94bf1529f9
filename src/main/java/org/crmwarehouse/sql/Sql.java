package org.crmwarehouse.sql;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Quoting for the few places where SQL text must be generated. Values and paths are always
 * rendered as quoted literals and names as quoted identifiers, so nothing from a config file or
 * an input header is ever concatenated raw into a statement.
 */
public final class Sql {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Sql() {
    }

    /** A string literal: 'it''s'. */
    public static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character cannot appear in a SQL literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    public static String literal(Path path) {
        return literal(path.toAbsolutePath().normalize().toString());
    }

    /** A quoted identifier: "order" or "weird""name". */
    public static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * Checks a name that becomes part of a generated table name (an entity, a raw file, a model):
     * such names are restricted to letters, digits and underscores so they never need quoting.
     */
    public static String requireSimpleName(String kind, String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " name '" + name
                    + "' must start with a letter or underscore and hold only letters, digits and underscores");
        }
        return name;
    }
}
