package org.crmwarehouse.config;

import java.nio.file.Path;

/**
 * The Spring Batch JobRepository database. By default an embedded H2 file in the job's output
 * folder, {@code <output>/job-repository/batch.mv.db}, so that every command finds the job's runs
 * whatever the working directory; PostgreSQL (or any JDBC database Spring Batch supports) when a
 * URL is configured. The password is taken from an environment variable so it never sits in a
 * config file, a log or a report.
 *
 * @param previousDefault for a job's default repository, the folder where earlier versions kept
 *                        it (shared by every job): a repository that does not exist yet starts as
 *                        a copy of the file there (see orchestrate/RepositorySafety); null otherwise
 */
public record RepositoryConfig(String url, String user, String passwordEnv, Path previousDefault) {

    public static final String HOME_ENV = "CRM_WAREHOUSE_HOME";
    /** The default repository's folder inside the job's output folder. */
    public static final String FOLDER = "job-repository";

    public RepositoryConfig(String url, String user, String passwordEnv) {
        this(url, user, passwordEnv, null);
    }

    /** A job's default repository: {@code <output>/job-repository/batch.mv.db}. */
    public static RepositoryConfig besideOutput(Path output) {
        RepositoryConfig embedded = embeddedAt(output.resolve(FOLDER));
        return new RepositoryConfig(embedded.url(), embedded.user(), null, home().resolve(FOLDER));
    }

    /**
     * The repository earlier versions used for every job without a {@code repository:} key,
     * {@code $CRM_WAREHOUSE_HOME/job-repository}, else {@code ./var/job-repository} of the working
     * directory; {@code status} without {@code --config} reads it.
     */
    public static RepositoryConfig embeddedDefault() {
        return embeddedAt(home().resolve(FOLDER));
    }

    public static RepositoryConfig embeddedAt(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        String file;
        try {
            // H2 reads what follows ';' in its URL as settings: a folder holding one is reached by a link
            file = org.crmwarehouse.sql.JdbcPaths.withoutSemicolon(absolute).resolve("batch").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // AUTO_SERVER lets `status` read the repository while a run holds it open.
        return new RepositoryConfig("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE", "sa", null);
    }

    /** Where runtime state lives unless a config says otherwise: $CRM_WAREHOUSE_HOME or ./var. */
    public static Path home() {
        String env = System.getenv(HOME_ENV);
        return (env == null || env.isBlank() ? Path.of("var") : Path.of(env)).toAbsolutePath().normalize();
    }

    public String password() {
        if (passwordEnv == null || passwordEnv.isBlank()) {
            return "";
        }
        String value = System.getenv(passwordEnv);
        if (value == null) {
            throw new IllegalStateException("the JobRepository password variable " + passwordEnv + " is not set");
        }
        return value;
    }

    /** The URL without anything that may carry a secret (for logs and status output). */
    public String redactedUrl() {
        return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***");
    }
}
