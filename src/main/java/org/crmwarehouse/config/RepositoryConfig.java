package org.crmwarehouse.config;

import java.nio.file.Path;

/**
 * The Spring Batch JobRepository database. By default an embedded H2 file under the
 * crm-warehouse home folder; PostgreSQL (or any JDBC database Spring Batch supports) when a URL is
 * configured. The password is taken from an environment variable so it never sits in a config
 * file, a log or a report.
 */
public record RepositoryConfig(String url, String user, String passwordEnv) {

    public static final String HOME_ENV = "CRM_WAREHOUSE_HOME";

    public static RepositoryConfig embeddedDefault() {
        return embeddedAt(home().resolve("job-repository"));
    }

    public static RepositoryConfig embeddedAt(Path folder) {
        String file = folder.toAbsolutePath().normalize().resolve("batch").toString();
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
