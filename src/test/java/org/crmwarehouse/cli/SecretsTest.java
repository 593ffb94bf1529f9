package org.crmwarehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JobRepository password (taken from an environment variable named by
 * {@code repository.password_env}, or written into a JDBC URL) never shows in the command line's
 * output, its errors, the logs or the run report. A test cannot set an environment variable, so it
 * uses one that the test process already has, with a value distinctive enough to search for.
 */
class SecretsTest {
    private static final String URL_SECRET = "UrlSecret-7f3a9";

    @TempDir
    Path tmp;

    /** An environment variable whose value is at least 8 characters, not a path: the "password". */
    private static Map.Entry<String, String> passwordVariable() {
        Optional<Map.Entry<String, String>> found = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*"))
                .filter(e -> e.getValue().length() >= 8 && e.getValue().matches("[A-Za-z0-9_.-]+"))
                .filter(e -> !e.getValue().matches("[0-9.]+") && !e.getValue().equalsIgnoreCase("crm-warehouse"))
                .min(Comparator.comparing(Map.Entry::getKey));
        Assumptions.assumeTrue(found.isPresent(), "no environment variable usable as a test password");
        return found.get();
    }

    private Path config(String name, String repository) throws Exception {
        Files.writeString(tmp.resolve("customers.csv"), "customer_id,name,created_at\nC1,Alice,2025-01-01 09:00:00\n");
        Path file = tmp.resolve(name + ".yaml");
        Files.writeString(file, "name: " + name + "\nbusiness_date: 2026-03-31\noutput: out\nrepository: " + repository
                + "\nsources:\n  customers: {path: customers.csv}\n");
        return file;
    }

    @Test
    void aFailingConnectionDoesNotShowThePassword() throws Exception {
        Map.Entry<String, String> password = passwordVariable();
        Path cfg = config("secret_fail", "{url: \"jdbc:postgresql://127.0.0.1:1/crm?user=batch&password=" + URL_SECRET
                + "\", user: batch, password_env: " + password.getKey() + "}");
        for (String command : new String[] {"run", "status"}) {
            Cli.Result r = Cli.run(command, "--config", cfg.toString());
            assertThat(r.exit()).as(command).isNotZero();
            assertThat(r.errLines()).as(command).hasSize(1);
            assertThat(r.out() + r.err()).as(command).doesNotContain(password.getValue()).doesNotContain(URL_SECRET);
        }
    }

    @Test
    void aRunWithAPasswordKeepsItOutOfOutputLogsAndReport() throws Exception {
        Map.Entry<String, String> password = passwordVariable();
        Path cfg = config("secret_ok", "{url: \"jdbc:h2:file:" + tmp.resolve("repo/batch") + ";AUTO_SERVER=TRUE\", "
                + "user: sa, password_env: " + password.getKey() + "}");
        Cli.Result run = Cli.run("run", "--config", cfg.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(password.getValue());
        Cli.Result status = Cli.run("status", "--config", cfg.toString());
        assertThat(status.exit()).isZero();
        assertThat(status.out() + status.err()).doesNotContain(password.getValue());
        try (Stream<Path> files = Files.walk(tmp.resolve("out/reports"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, StandardCharsets.UTF_8)).as(f.toString()).doesNotContain(password.getValue());
            }
        }
        // the same repository with a wrong password: the error says so without either password
        Path wrong = config("secret_ok", "{url: \"jdbc:h2:file:" + tmp.resolve("repo/batch") + ";AUTO_SERVER=TRUE\", "
                + "user: sa}");
        Cli.Result denied = Cli.run("run", "--config", wrong.toString());
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.out() + denied.err()).doesNotContain(password.getValue());
    }
}
