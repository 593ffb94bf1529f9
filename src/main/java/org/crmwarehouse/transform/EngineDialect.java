package org.crmwarehouse.transform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.crmwarehouse.sql.Db;

/**
 * The one seam between the portable model SQL and the engine that runs it. Models use standard
 * SQL plus the small set of functions defined in {@code sql/engine/duckdb.sql} (date arithmetic
 * whose argument order or name differs between engines); a Spark port supplies the same
 * functions under the same names and the same {@code CREATE TABLE ... AS} materialisation.
 */
public final class EngineDialect {
    private static final String FUNCTIONS = "sql/engine/duckdb.sql";

    /** Defines the engine functions the models rely on. */
    public void defineFunctions(Connection db) throws SQLException {
        Db.execute(db, functionsSql());
    }

    /** The text of sql/engine/duckdb.sql. */
    String functionsSql() {
        try (InputStream in = EngineDialect.class.getClassLoader().getResourceAsStream(FUNCTIONS)) {
            if (in == null) {
                throw new IllegalStateException(FUNCTIONS + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String materialize(String table, String select) {
        return "CREATE OR REPLACE TABLE " + table + " AS\n" + select;
    }
}
