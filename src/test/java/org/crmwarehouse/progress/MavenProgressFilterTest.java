package org.crmwarehouse.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's filter of Maven's output (src/main/build/maven-progress.awk, what a person sees
 * during the first build), on a few lines of a real {@code mvn -B package} log: one line per build
 * step, downloads counted with their sizes added up by hand below, carriage returns only for a
 * terminal. Skipped where no awk is installed.
 */
class MavenProgressFilterTest {
    private static final String MAVEN_OUTPUT = String.join("\n",
            "[INFO] Scanning for projects...",
            "Downloading from central: https://repo.maven.apache.org/maven2/a/a.pom",
            "Downloaded from central: https://repo.maven.apache.org/maven2/a/a.pom (13 kB at 52 kB/s)",
            "Downloaded from central: https://repo.maven.apache.org/maven2/org/duckdb/duckdb_jdbc.jar (85 MB at 20 MB/s)",
            "Downloaded from central: https://repo.maven.apache.org/maven2/b/b.pom (512 B at 3 kB/s)",
            "[INFO] Building crm-warehouse 0.1.0-SNAPSHOT",
            "[INFO] --- maven-clean-plugin:3.4.1:clean (default-clean) @ crm-warehouse ---",
            "[INFO] --- maven-compiler-plugin:3.14.0:compile (default-compile) @ crm-warehouse ---",
            "[INFO] Compiling 120 source files with javac [debug release 17] to target/classes",
            "[WARNING] some warning only the log needs",
            "[INFO] --- spring-boot-maven-plugin:3.5.0:repackage (repackage) @ crm-warehouse ---",
            "[INFO] BUILD SUCCESS",
            "[INFO] Total time:  01:02 min", "");

    @TempDir
    Path tmp;

    @Test
    void inALogOneLinePerStepAndTheDownloadsCountedWithoutCarriageReturns() throws Exception {
        String out = filter("0");
        assertThat(out).doesNotContain("\r");
        // 13 kB + 85 MB + 512 B = 85 MB + 13.5 kB = 85.01 MB, shown to one decimal
        assertThat(out.split("\n")).containsExactly(
                "crm-warehouse: build step 1: clean:clean (3 files downloaded so far)",
                "crm-warehouse: build step 2: compiler:compile (3 files downloaded so far)",
                "crm-warehouse: build step 3: spring-boot-maven:repackage (3 files downloaded so far)",
                "crm-warehouse: build: BUILD SUCCESS",
                "crm-warehouse: build: Total time:  01:02 min",
                "crm-warehouse: build: 3 files downloaded (85.0 MB)");
    }

    @Test
    void onATerminalTheDownloadCountIsRedrawnInPlace() throws Exception {
        String out = filter("1");
        assertThat(out).startsWith("\rcrm-warehouse: build: 1 files downloaded (0.0 MB)"
                + "\rcrm-warehouse: build: 2 files downloaded (85.0 MB)"
                + "\rcrm-warehouse: build: 3 files downloaded (85.0 MB)\n"
                + "crm-warehouse: build step 1: clean:clean");
    }

    private String filter(String tty) throws IOException, InterruptedException {
        assumeTrue(onPath("awk"), "no awk on this machine");
        Path input = tmp.resolve("maven.txt");
        Files.writeString(input, MAVEN_OUTPUT, StandardCharsets.UTF_8);
        Process awk = new ProcessBuilder(List.of("awk", "-v", "tty=" + tty, "-f", "src/main/build/maven-progress.awk"))
                .redirectInput(input.toFile()).redirectErrorStream(true).start();
        String out = new String(awk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(awk.waitFor()).as(out).isZero();
        return out;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
