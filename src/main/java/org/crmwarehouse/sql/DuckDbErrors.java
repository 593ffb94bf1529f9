package org.crmwarehouse.sql;

import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * DuckDB's JDBC driver (1.5) reports most failed statements as "Invalid Input Error: Attempting to
 * execute an unsuccessful or closed pending query result", with the real error on the next line
 * ("Error: Catalog Error: Table with name x does not exist!"); duckdb/duckdb#18106. Operators
 * read the first line (the CLI's error, {@code status}, the step log), so the real error is
 * brought to the front.
 */
public final class DuckDbErrors {
    private static final Pattern PENDING_RESULT_LINE = Pattern.compile("(?:Invalid Input Error: )?"
            + Pattern.quote("Attempting to execute an unsuccessful or closed pending query result")
            + "[ \\t]*\\R\\s*(?:Error: )?");

    private DuckDbErrors() {
    }

    /**
     * The message with the pending-result line taken out (what comes before it, such as "model
     * marts/x.sql failed: ", stays); any other message unchanged.
     */
    public static String readable(String message) {
        return message == null ? null : PENDING_RESULT_LINE.matcher(message).replaceAll("");
    }

    /**
     * The exception with its message made readable, keeping its state, code and stack trace; the
     * same exception when there is nothing to change. No cause is chained: the CLI shows the
     * deepest message of a cause chain, which would be the unreadable one again.
     */
    public static SQLException readable(SQLException e) {
        String message = readable(e.getMessage());
        if (message == null || message.equals(e.getMessage())) {
            return e;
        }
        SQLException clear = new SQLException(message, e.getSQLState(), e.getErrorCode());
        clear.setStackTrace(e.getStackTrace());
        return clear;
    }

    /** The deepest message of a cause chain, on one line. */
    public static String oneLine(Throwable e) {
        Throwable t = e;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = readable(t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
