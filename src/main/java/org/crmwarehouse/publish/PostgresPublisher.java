package org.crmwarehouse.publish;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.crmwarehouse.config.JobConfig;
import org.crmwarehouse.config.PostgresPublishConfig;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.transform.ModelDoc;
import org.crmwarehouse.transform.SqlModel;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the published night into PostgreSQL for BI tools that cannot read DuckDB or Parquet
 * ({@code publish: {postgres: ...}} in the job config). The same tables as the warehouse file
 * (staging and mart tables, the quarantine, warehouse_info), with their comments.
 *
 * <p>How. Each table is written by DuckDB as CSV ({@code COPY ... TO}, set-based) into the work
 * folder and streamed into PostgreSQL with {@code COPY ... FROM STDIN} (PgJDBC's CopyManager);
 * the rows PostgreSQL counts must equal DuckDB's. Everything goes into a new schema
 * {@code <schema>__incoming}, committed, then swapped in by one transaction: lock the live
 * tables, rename the live schema away, rename the new one in, drop the old one. A BI query sees
 * the previous night or the new one, never both: a query already reading holds its tables, so
 * the swap waits for it; a query that starts during the swap waits for the swap, then PostgreSQL
 * resolves its table names again and reads the new night. A schema rename alone would not do:
 * it takes no table lock, so a reader's transaction that reads one table per statement would
 * read the old night's first table and the new night's second (PostgresPublisherTest saw it
 * do so). The swap's lock wait is short ({@link #LOCK_ATTEMPT}, less than PostgreSQL's 1 s
 * deadlock_timeout), so when a reader holding one table asks for another the swap already
 * locked, the swap gives way, not the reader, and tries again, for up to {@link #SWAP_PATIENCE}.
 * (Measured in PostgresPublisherTest, a reader transaction reading the tables in the opposite
 * order in a tight loop on a loaded machine: 1 to 21 attempts, up to 5 s, per swap.)
 *
 * <p>Safety. Only schemas this class made are replaced or dropped: they carry a comment starting
 * with {@link #MARKER}; an existing schema of the configured name without it is refused. A failed
 * publish drops its new schema and leaves the previous night in place; one killed leaves
 * {@code <schema>__incoming}, dropped by the next publish. One publish per schema at a time (an
 * advisory lock). Objects someone else creates in the schema go with it the next night.
 */
public final class PostgresPublisher {
    private static final Logger log = LoggerFactory.getLogger(PostgresPublisher.class);

    /** The start of the comment on every schema this class creates. */
    static final String MARKER = "crm-warehouse publish";
    static final String STAGING_SUFFIX = "__incoming";
    static final String PREVIOUS_SUFFIX = "__previous";
    /** One attempt's wait for the live tables' locks: below PostgreSQL's default deadlock_timeout (1 s). */
    static final int LOCK_ATTEMPT_MILLIS = 200;
    static final String LOCK_ATTEMPT = LOCK_ATTEMPT_MILLIS + "ms";
    /** How long the swap keeps trying while readers hold the live tables. */
    static final long SWAP_PATIENCE_MILLIS = 300_000;
    static final String SWAP_PATIENCE = "5 minutes";

    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

    /** A table to copy: its name, what to select it from in the work database, its sort, its documentation. */
    public record Table(String name, String from, String orderBy, ModelDoc doc) {
    }

    /** A table copied: the rows PostgreSQL took in. */
    public record Copied(String table, long rows) {
    }

    private final PostgresPublishConfig target;

    public PostgresPublisher(PostgresPublishConfig target) {
        this.target = target;
    }

    /** The tables of the warehouse file, in its order: published models, quarantine, warehouse_info. */
    public static List<Table> tables(JobConfig config, LocalDate date, ModelCatalog catalog) {
        List<Table> tables = new ArrayList<>();
        for (SqlModel model : catalog.publishedModels()) {
            tables.add(new Table(model.name(), model.name(), Publisher.orderBy(model), model.doc()));
        }
        tables.add(new Table(Publisher.QUARANTINE_TABLE, Publisher.QUARANTINE_TABLE, "ALL",
                DataDictionary.builtInDoc(Publisher.QUARANTINE_TABLE, null)));
        tables.add(new Table("warehouse_info", "(SELECT " + Sql.literal(config.name()) + " AS job_name, DATE "
                + Sql.literal(date.toString()) + " AS business_date)", "ALL",
                DataDictionary.builtInDoc("warehouse_info", null)));
        return tables;
    }

    /** Publishes the night: see the class comment. {@code folder} holds the CSV files meanwhile. */
    public List<Copied> publish(Connection work, List<Table> tables, Path folder) throws SQLException, IOException {
        String schema = target.schema();
        String staging = schema + STAGING_SUFFIX;
        long t0 = System.nanoTime();
        Files.createDirectories(folder);
        try (Connection pg = connect()) {
            lockPublisher(pg, schema);
            dropLeftover(pg, staging);
            dropLeftover(pg, schema + PREVIOUS_SUFFIX);
            String comment = schemaComment(pg, schema);
            if (comment != null && !comment.startsWith(MARKER)) {
                throw new IllegalStateException("PostgreSQL schema " + schema + " exists and was not made by "
                        + "crm-warehouse (its comment does not start with '" + MARKER + "'): publish replaces its "
                        + "schema whole every night, so it leaves this one alone; set another publish.postgres.schema");
            }
            List<Copied> copied;
            try {
                copied = stage(work, pg, tables, staging, folder);
                PublishHooks.reached("postgres-staged");
                swap(pg, schema, staging, comment != null);
            } catch (SQLException | IOException | RuntimeException e) {
                dropAfterFailure(pg, staging, e);
                throw e;
            }
            log.info("[publish] PostgreSQL {} schema {}: {} tables, {} rows in {} ms",
                    target.connection().redactedUrl(), schema, copied.size(),
                    copied.stream().mapToLong(Copied::rows).sum(), (System.nanoTime() - t0) / 1_000_000);
            return copied;
        } catch (SQLException e) {
            throw new SQLException("publishing to PostgreSQL " + target.connection().redactedUrl() + " (schema "
                    + schema + "): " + e.getMessage(), e.getSQLState(), e);
        } finally {
            Publisher.deleteRecursively(folder);
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (!target.connection().user().isEmpty()) {
            props.setProperty("user", target.connection().user());
        }
        String passwordEnv = target.connection().passwordEnv();
        if (passwordEnv != null && !passwordEnv.isBlank()) {
            String password = System.getenv(passwordEnv);
            if (password == null) {
                throw new IllegalStateException("publish.postgres.password_env names " + passwordEnv
                        + ", which is not set in the environment");
            }
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "crm-warehouse publish");
        return DriverManager.getConnection(target.connection().url(), props);
    }

    /** Two publishes to one schema (two jobs, two machines) would drop each other's staging. */
    private static void lockPublisher(Connection pg, String schema) throws SQLException {
        try (PreparedStatement s = pg.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            s.setString(1, MARKER + " " + schema);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new IllegalStateException("another crm-warehouse publish to PostgreSQL schema " + schema
                            + " is running; try again when it has finished");
                }
            }
        }
    }

    /** The comment on a schema ("" if it has none), or null if there is no such schema. */
    private static String schemaComment(Connection pg, String schema) throws SQLException {
        try (PreparedStatement s = pg.prepareStatement(
                "SELECT coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** What a killed publish left (its staging schema); refuses to drop a schema it did not make. */
    private static void dropLeftover(Connection pg, String schema) throws SQLException {
        String comment = schemaComment(pg, schema);
        if (comment == null) {
            return;
        }
        if (!comment.startsWith(MARKER)) {
            throw new IllegalStateException("PostgreSQL schema " + schema + " is in the way of publish (it stages the "
                    + "night there) and was not made by crm-warehouse; rename or drop it");
        }
        log.warn("[publish] dropping PostgreSQL schema {}, left by a publish that did not finish", schema);
        try (Statement s = pg.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private List<Copied> stage(Connection work, Connection pg, List<Table> tables, String staging, Path folder)
            throws SQLException, IOException {
        pg.setAutoCommit(false);
        List<Copied> copied = new ArrayList<>();
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE SCHEMA " + staging);
            s.execute("COMMENT ON SCHEMA " + staging + " IS " + Sql.literal(MARKER + " of crm-warehouse: replaced whole "
                    + "every night by the publish step; objects created in it are dropped with it"));
            for (Table table : tables) {
                Map<String, String> columns = duckDbColumns(work, table.from());
                s.execute("CREATE TABLE " + staging + "." + table.name() + " (" + columns.entrySet().stream()
                        .map(c -> Sql.identifier(c.getKey()) + " " + postgresType(c.getValue()))
                        .collect(Collectors.joining(", ")) + ")");
                Path csv = folder.resolve(table.name() + ".csv");
                Db.execute(work, "COPY (SELECT " + columns.entrySet().stream()
                        .map(c -> exportExpression(c.getKey(), c.getValue())).collect(Collectors.joining(", "))
                        + " FROM " + table.from() + " ORDER BY " + table.orderBy() + ") TO " + Sql.literal(csv)
                        + " (FORMAT csv, HEADER false)");
                long rows;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(csv), 1 << 16)) {
                    rows = pg.unwrap(PGConnection.class).getCopyAPI().copyIn(
                            "COPY " + staging + "." + table.name() + " FROM STDIN (FORMAT csv)", in);
                }
                Files.delete(csv);
                long expected = Db.queryLong(work, "SELECT count(*) FROM " + table.from());
                if (rows != expected) {
                    throw new IllegalStateException("PostgreSQL took " + rows + " rows of " + table.name()
                            + ", DuckDB has " + expected);
                }
                comment(s, staging + "." + table.name(), table.doc(), columns);
                s.execute("ANALYZE " + staging + "." + table.name()); // BI queries get plans for the real sizes
                copied.add(new Copied(table.name(), rows));
            }
            if (target.readRole() != null) {
                grantRead(pg, s, staging, target.readRole());
            }
            pg.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            pg.rollback();
            throw e;
        }
        return copied;
    }

    private static Map<String, String> duckDbColumns(Connection work, String from) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement s = work.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
            while (rs.next()) {
                columns.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return columns;
    }

    private static void comment(Statement s, String table, ModelDoc doc, Map<String, String> columns)
            throws SQLException {
        if (doc == null) {
            return;
        }
        s.execute("COMMENT ON TABLE " + table + " IS " + Sql.literal(doc.description().strip()));
        for (ModelDoc.ColumnDoc c : doc.columns()) {
            if (columns.containsKey(c.name())) {
                s.execute("COMMENT ON COLUMN " + table + "." + Sql.identifier(c.name()) + " IS "
                        + Sql.literal(c.description().strip()));
            }
        }
    }

    /** The read role: created (NOLOGIN, a group for BI logins) when missing, granted USAGE and SELECT. */
    private void grantRead(Connection pg, Statement s, String staging, String role) throws SQLException {
        boolean exists;
        try (PreparedStatement q = pg.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            q.setString(1, role);
            try (ResultSet rs = q.executeQuery()) {
                exists = rs.next();
            }
        }
        if (!exists) {
            try {
                s.execute("SAVEPOINT create_role");
                s.execute("CREATE ROLE " + role + " NOLOGIN");
                log.info("[publish] created the PostgreSQL read role {} (NOLOGIN: grant it to BI logins)", role);
            } catch (SQLException e) {
                s.execute("ROLLBACK TO SAVEPOINT create_role");
                throw new SQLException("publish.postgres.read_role " + role + " does not exist and "
                        + target.connection().user() + " cannot create it (" + e.getMessage().strip()
                        + "); create it once as an administrator: CREATE ROLE " + role + " NOLOGIN", e.getSQLState(), e);
            }
        }
        s.execute("GRANT USAGE ON SCHEMA " + staging + " TO " + role);
        s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + staging + " TO " + role);
    }

    /** The one transaction that replaces the live schema: see the class comment. */
    private static void swap(Connection pg, String schema, String staging, boolean live)
            throws SQLException, IOException {
        long deadline = System.currentTimeMillis() + SWAP_PATIENCE_MILLIS;
        String previous = schema + PREVIOUS_SUFFIX;
        for (int attempt = 1; ; attempt++) {
            try (Statement s = pg.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '" + LOCK_ATTEMPT + "'");
                if (live) {
                    List<String> liveTables = tablesOf(pg, schema);
                    if (!liveTables.isEmpty()) {
                        s.execute("LOCK TABLE " + liveTables.stream().map(t -> schema + "." + Sql.identifier(t))
                                .collect(Collectors.joining(", ")) + " IN ACCESS EXCLUSIVE MODE");
                    }
                    s.execute("ALTER SCHEMA " + schema + " RENAME TO " + previous);
                }
                s.execute("ALTER SCHEMA " + staging + " RENAME TO " + schema);
                if (live) {
                    s.execute("DROP SCHEMA " + previous + " CASCADE");
                }
                PublishHooks.reached("postgres-swapping");
                pg.commit();
                if (attempt > 1) {
                    log.info("[publish] PostgreSQL schema {} swapped in at attempt {} (readers held its tables)",
                            schema, attempt);
                }
                return;
            } catch (SQLException e) {
                pg.rollback();
                boolean readersInTheWay = "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                if (!readersInTheWay) {
                    throw e;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new SQLException("could not swap in the new night: readers held the tables of " + schema
                            + " for more than " + SWAP_PATIENCE + " (" + e.getMessage().strip() + "); the previous "
                            + "night stays published", e.getSQLState(), e);
                }
                if (attempt % 50 == 1) {
                    log.info("[publish] PostgreSQL schema {}: readers hold its tables, waiting to swap (attempt {})",
                            schema, attempt);
                }
                sleep(20 + java.util.concurrent.ThreadLocalRandom.current().nextInt(80)); // out of step with readers' loops
            } catch (IOException | RuntimeException e) {
                pg.rollback();
                throw e;
            }
        }
    }

    private static List<String> tablesOf(Connection pg, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement s = pg.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY c.relname")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    private static void dropAfterFailure(Connection pg, String staging, Exception failure) {
        try {
            if (!pg.getAutoCommit()) {
                pg.rollback();
                pg.setAutoCommit(true);
            }
            try (Statement s = pg.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + staging + " CASCADE");
            }
            log.warn("[publish] PostgreSQL publish failed; dropped {}, the previous night stays published", staging);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e); // the next publish drops it
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to swap the PostgreSQL schema", e);
        }
    }

    /**
     * The PostgreSQL type of a DuckDB column type, value for value: DECIMAL(p,s) stays
     * numeric(p,s), unsigned and 128-bit integers widen, lists become arrays of their element
     * type. A type with no faithful counterpart (STRUCT, MAP, UNION, nested lists...) is refused.
     */
    static String postgresType(String duckDbType) {
        String t = duckDbType.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("[]")) {
            String element = t.substring(0, t.length() - 2);
            if (element.endsWith("[]") || element.endsWith("]")) {
                throw unsupported(duckDbType);
            }
            return postgresType(element) + "[]";
        }
        Matcher decimal = DECIMAL.matcher(t);
        if (decimal.matches()) {
            return "numeric(" + decimal.group(1) + "," + decimal.group(2) + ")";
        }
        if (t.startsWith("ENUM(")) {
            return "text";
        }
        return switch (t) {
            case "BOOLEAN" -> "boolean";
            case "TINYINT", "SMALLINT", "UTINYINT" -> "smallint";
            case "INTEGER", "USMALLINT" -> "integer";
            case "BIGINT", "UINTEGER" -> "bigint";
            case "UBIGINT" -> "numeric(20,0)";
            case "HUGEINT", "UHUGEINT" -> "numeric(39,0)";
            case "FLOAT" -> "real";
            case "DOUBLE" -> "double precision";
            case "VARCHAR" -> "text";
            case "DATE" -> "date";
            case "TIME" -> "time";
            case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS" -> "timestamp";
            case "TIMESTAMP WITH TIME ZONE" -> "timestamptz";
            case "INTERVAL" -> "interval";
            case "UUID" -> "uuid";
            case "BLOB" -> "bytea";
            default -> throw unsupported(duckDbType);
        };
    }

    private static IllegalStateException unsupported(String duckDbType) {
        return new IllegalStateException("no faithful PostgreSQL type for the DuckDB type " + duckDbType
                + " (see PostgresPublisher.postgresType); cast the column in its model");
    }

    /** How a column is written into the CSV so that PostgreSQL's COPY reads the same value back. */
    static String exportExpression(String column, String duckDbType) {
        String c = Sql.identifier(column);
        String t = duckDbType.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("[]")) {
            // an array literal {"a","b",NULL}: every element quoted, backslash and quote escaped
            String element = t.substring(0, t.length() - 2).equals("BLOB") ? "'\\x' || hex(e)" : "CAST(e AS VARCHAR)";
            return "CASE WHEN " + c + " IS NULL THEN NULL ELSE '{' || coalesce(array_to_string(list_transform(" + c
                    + ", lambda e: CASE WHEN e IS NULL THEN 'NULL' ELSE '\"' || replace(replace(" + element
                    + ", '\\', '\\\\'), '\"', '\\\"') || '\"' END), ','), '') || '}' END AS " + c;
        }
        if (t.equals("BLOB")) {
            return "'\\x' || hex(" + c + ") AS " + c; // bytea's hex input
        }
        return c;
    }
}
