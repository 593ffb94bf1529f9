package org.crmwarehouse.transform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/**
 * What went wrong tonight without failing the night (a customer-value model that could not be
 * fitted, or whose fit is degenerate): the marts that need it fell back, everything else is
 * published. Kept in the work database's {@value #TABLE}, emptied at the start of each transform;
 * the run report lists them in its first line and the run ends with the warning exit code.
 */
public final class NightWarnings {
    public static final String TABLE = "audit_warnings";

    private NightWarnings() {
    }

    static void reset(Connection db) throws SQLException {
        Db.execute(db, "CREATE OR REPLACE TABLE " + TABLE + " (subject VARCHAR, message VARCHAR)");
    }

    /** Records a warning (the table is created when a model runs outside ModelRunner). */
    public static void add(Connection db, String subject, String message) throws SQLException {
        Db.execute(db, "CREATE TABLE IF NOT EXISTS " + TABLE + " (subject VARCHAR, message VARCHAR)");
        Db.execute(db, "INSERT INTO " + TABLE + " VALUES (" + Sql.literal(subject) + ", " + Sql.literal(message) + ")");
    }

    /** "subject: message" per warning, in the order recorded; none when the table does not exist. */
    public static List<String> read(Connection db) throws SQLException {
        if (!Db.tableExists(db, TABLE)) {
            return List.of();
        }
        return Db.queryStrings(db, "SELECT subject || ': ' || message FROM " + TABLE + " ORDER BY rowid");
    }
}
