package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.publish.CanonicalRows;
import org.crmwarehouse.sql.Db;

/**
 * Every table of a published warehouse file and of a PostgreSQL schema, each as its row count and
 * the checksum of its canonically rendered rows ({@link CanonicalRows}: read through each
 * database's own JDBC driver, so independently of how publish copied them).
 */
final class PublishedTables {
    private PublishedTables() {
    }

    static Map<String, CanonicalRows.Summary> ofDuckDb(Path warehouse) throws SQLException {
        Map<String, CanonicalRows.Summary> tables = new TreeMap<>();
        try (Connection c = Db.openReadOnly(warehouse)) {
            for (String t : Db.queryStrings(c, "SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'")) {
                tables.put(t, CanonicalRows.summary(c, t));
            }
        }
        return tables;
    }

    static Map<String, CanonicalRows.Summary> ofPostgres(Connection pg, String schema) throws SQLException {
        Map<String, CanonicalRows.Summary> tables = new TreeMap<>();
        for (String t : strings(pg, "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                + schema + "' AND table_type = 'BASE TABLE'")) {
            tables.put(t, CanonicalRows.summary(pg, schema + "." + t));
        }
        return tables;
    }

    static java.util.List<String> strings(Connection c, String sql) throws SQLException {
        java.util.List<String> values = new java.util.ArrayList<>();
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
