package org.crmwarehouse.sql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Thin helpers over a DuckDB JDBC connection: statements, single values and column lists. */
public final class Db {
    private Db() {
    }

    /** Environment variable capping DuckDB's memory (e.g. "8GB"), instead of {@link #defaultMemoryLimit}. */
    public static final String MEMORY_LIMIT_ENV = "CRM_WAREHOUSE_DUCKDB_MEMORY";

    /** The default cap: 8 GiB, or half the machine's memory when that is less. */
    static final long DEFAULT_MEMORY_LIMIT_BYTES = 8L << 30;

    /** The folder, beside the database file, that DuckDB spills to beyond its memory limit. */
    public static final String TEMP_FOLDER = "duckdb-temp";

    /**
     * Opens the night's work database with a memory limit, {@link #MEMORY_LIMIT_ENV} or else
     * {@link #defaultMemoryLimit}, and spilling to {@link #TEMP_FOLDER} beside the file. DuckDB's
     * own default (80% of RAM) let a 1M-customer night reach 20 GiB resident; with the cap, DuckDB
     * spills instead, and the night stays below 12 GiB with the JVM's 1 GiB heap beside it.
     */
    public static Connection open(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection(url(file));
        String limit = System.getenv(MEMORY_LIMIT_ENV);
        try {
            execute(connection, "SET temp_directory = " + Sql.literal(
                    file.toAbsolutePath().normalize().resolveSibling(TEMP_FOLDER).toString()));
            if (limit == null || limit.isBlank()) {
                execute(connection, "SET memory_limit = " + Sql.literal(defaultMemoryLimit()));
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        if (limit != null && !limit.isBlank()) {
            try {
                execute(connection, "SET memory_limit = " + Sql.literal(limit.trim()));
            } catch (SQLException e) {
                connection.close();
                // no cause chained: the one-line error shown to the user is the deepest message
                throw new SQLException(MEMORY_LIMIT_ENV + "='" + limit + "' is not a DuckDB memory size (e.g. 8GB): "
                        + e.getMessage());
            }
        }
        return connection;
    }

    /** min(8 GiB, half the physical memory), in DuckDB's notation (e.g. "8192MiB"). */
    public static String defaultMemoryLimit() {
        long bytes = DEFAULT_MEMORY_LIMIT_BYTES;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os && os.getTotalMemorySize() > 0) {
            bytes = Math.min(bytes, os.getTotalMemorySize() / 2);
        }
        return (bytes >> 20) + "MiB";
    }

    public static Connection openReadOnly(Path file) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection(url(file), properties);
    }

    /**
     * The JDBC URL of a DuckDB file. DuckDB's driver reads everything after a {@code ;} as
     * connection options and has no escape for it: a folder whose path holds one (any name a file
     * system allows is a legal output folder) is reached through {@link JdbcPaths#withoutSemicolon}.
     */
    static String url(Path file) throws SQLException {
        Path absolute = file.toAbsolutePath().normalize();
        if (absolute.getFileName().toString().indexOf(';') >= 0) {
            throw new SQLException("a DuckDB file name cannot hold ';' (its JDBC URL would read the rest as options): "
                    + absolute.getFileName());
        }
        try {
            return "jdbc:duckdb:" + JdbcPaths.withoutSemicolon(absolute.getParent()).resolve(absolute.getFileName());
        } catch (IOException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /**
     * Opens {@code file} read-only on a DuckDB instance of its own (in memory, the file attached
     * and made current) whose external access is closed except reading under {@code readable}
     * folders, with extensions neither installed nor loaded and the configuration locked, so no
     * statement can reopen any of it. Reaching other files, ATTACH, INSTALL and LOAD fail with a
     * "Permission Error". DuckDB still lets COPY write under {@code readable}: callers run only
     * what {@link ParsedSql} calls one query. The instance is in memory so that the lock never
     * reaches another connection of this process to the same file (DuckDB's JDBC driver shares
     * one instance per file).
     */
    public static Connection openQueryOnly(Path file, List<Path> readable) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try {
            // named as DuckDB names a file it opens (warehouse.duckdb: warehouse)
            execute(connection, "ATTACH " + Sql.literal(file.toAbsolutePath().toString()) + " AS warehouse (READ_ONLY)");
            execute(connection, "USE warehouse");
            List<String> folders = new ArrayList<>();
            for (Path folder : readable) {
                folders.add(Sql.literal(folder.toAbsolutePath().normalize() + "/"));
                try {
                    // a folder reached through a symbolic link is checked by the name DuckDB is given
                    Path real = folder.toRealPath();
                    if (!real.equals(folder.toAbsolutePath().normalize())) {
                        folders.add(Sql.literal(real + "/"));
                    }
                } catch (IOException absent) {
                    // nothing published there yet: the absolute name is enough
                }
            }
            execute(connection, "SET autoinstall_known_extensions = false");
            execute(connection, "SET autoload_known_extensions = false");
            execute(connection, "SET allow_community_extensions = false");
            execute(connection, "SET allowed_directories = [" + String.join(", ", folders) + "]");
            execute(connection, "SET enable_external_access = false");
            execute(connection, "SET lock_configuration = true");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    public static Connection inMemory() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /**
     * Drops the table or view {@code name} of the current database, whichever it is (DuckDB refuses
     * {@code DROP VIEW IF EXISTS} on a table and the reverse); nothing when there is neither.
     */
    public static void dropTableOrView(Connection connection, String name) throws SQLException {
        String where = " WHERE database_name = current_database() AND schema_name = current_schema() AND ";
        if (queryLong(connection, "SELECT count(*) FROM duckdb_views()" + where + "view_name = " + Sql.literal(name)) > 0) {
            execute(connection, "DROP VIEW " + name);
        } else if (queryLong(connection, "SELECT count(*) FROM duckdb_tables()" + where + "table_name = "
                + Sql.literal(name)) > 0) {
            execute(connection, "DROP TABLE " + name);
        }
    }

    public static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw DuckDbErrors.readable(e);
        }
    }

    public static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw DuckDbErrors.readable(e);
        }
    }

    public static List<String> queryStrings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw DuckDbErrors.readable(e);
        }
        return values;
    }

    /** Column names of a query's result, in order, without running it. */
    public static List<String> columnsOf(Connection connection, String query) throws SQLException {
        return queryStrings(connection, "SELECT column_name FROM (DESCRIBE " + query + ")");
    }

    public static boolean tableExists(Connection connection, String table) throws SQLException {
        return queryLong(connection, "SELECT count(*) FROM duckdb_tables() WHERE table_name = "
                + Sql.literal(table)) > 0;
    }

    /** Whether the attached database {@code database} has a table {@code table}. */
    public static boolean tableExists(Connection connection, String database, String table) throws SQLException {
        return queryLong(connection, "SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                + Sql.literal(database) + " AND table_name = " + Sql.literal(table)) > 0;
    }
}
