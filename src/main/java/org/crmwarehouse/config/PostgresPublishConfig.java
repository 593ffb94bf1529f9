package org.crmwarehouse.config;

/**
 * Where publish also copies the night for BI tools ({@code publish: {postgres: ...}} in a job
 * config): a PostgreSQL database, the schema the night appears in (replaced whole every night),
 * and the role granted read access to it. The password comes from the environment variable
 * {@code connection.passwordEnv()}, never from the config file.
 *
 * @param connection where to connect, as whom
 * @param schema     the published schema (lower-case simple name; never public or a system schema)
 * @param readRole   the role granted USAGE on the schema and SELECT on its tables, created (NOLOGIN)
 *                   when missing; null grants nothing
 */
public record PostgresPublishConfig(PostgresConfig connection, String schema, String readRole) {
}
