package org.crmwarehouse.config;

/**
 * The operational PostgreSQL database that {@code query} sources read from. As for the
 * JobRepository, the password is read from an environment variable, never from the config file.
 */
public record PostgresConfig(String url, String user, String passwordEnv) {

    public String password() {
        if (passwordEnv == null || passwordEnv.isBlank()) {
            return "";
        }
        String value = System.getenv(passwordEnv);
        if (value == null) {
            throw new IllegalStateException("the PostgreSQL source password variable " + passwordEnv + " is not set");
        }
        return value;
    }

    public String redactedUrl() {
        return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***");
    }
}
