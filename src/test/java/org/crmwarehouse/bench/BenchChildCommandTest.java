package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child JVM the bench starts for each engine, without starting it: a Spark child must get what
 * ./crm-warehouse gives a Spark night (the module opens, and from the jar Spring Boot's
 * PropertiesLauncher with Spark's jars as loader.path), a DuckDB child none of it.
 */
class BenchChildCommandTest {
    private static final List<String> RUN = List.of("run", "--config", "/w/bench-config.yaml");
    private static final List<String> SPARK_JVM = List.of("-Xmx2g", "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true", "-Dloader.path=/p/target/spark-lib", "-Dunrelated=1");

    @TempDir
    Path tmp;

    @Test
    void sparkChildFromTheJarIsStartedByThePropertiesLauncherWithSparkJarsAndOpens() throws IOException {
        Path jar = bootJar(tmp.resolve("crm-warehouse.jar"));
        List<String> command = Bench.sparkChildCommand("6g", tmp.resolve("gc.log"), RUN, SPARK_JVM, jar.toString(),
                "/p/target/spark-lib");

        assertThat(command).contains("-Xmx6g", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:+IgnoreUnrecognizedVMOptions", "-Djdk.reflect.useDirectMethodHandle=false",
                "-Dio.netty.tryReflectionSetAccessible=true", "-Dloader.path=/p/target/spark-lib");
        assertThat(command).doesNotContain("-Xmx2g", "-Dunrelated=1", "-jar"); // the parent's heap is not the child's
        int cp = command.indexOf("-cp");
        assertThat(command.subList(cp, cp + 3)).containsExactly("-cp", jar.toAbsolutePath().toString(),
                "org.springframework.boot.loader.launch.PropertiesLauncher");
        assertThat(command.subList(command.size() - 3, command.size())).isEqualTo(RUN);
    }

    @Test
    void sparkChildFromAClassPathRunsTheMainClassOnIt() throws IOException {
        String classPath = "/p/classes" + java.io.File.pathSeparator + "/m2/spark-sql.jar";
        List<String> command = Bench.sparkChildCommand("2g", tmp.resolve("gc.log"), RUN, SPARK_JVM, classPath, null);
        int cp = command.indexOf("-cp");
        assertThat(command.subList(cp, cp + 3)).containsExactly("-cp", classPath, "org.crmwarehouse.cli.CrmWarehouse");
        assertThat(command).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Test
    void sparkChildFromTheJarWithoutSparkJarsIsRefusedWithTheCommandToUse() throws IOException {
        Path jar = bootJar(tmp.resolve("crm-warehouse.jar"));
        assertThatThrownBy(() -> Bench.sparkChildCommand("2g", tmp.resolve("gc.log"), RUN, List.of(), jar.toString(),
                null)).hasMessageContaining("./crm-warehouse bench --engine spark");
    }

    @Test
    void theBenchConfigNamesTheEngine() throws IOException {
        for (String engine : List.of("duckdb", "spark")) {
            Bench bench = new Bench(new Bench.Options(10, 1, tmp, null, false, "1g", LocalDate.of(2026, 6, 30), null,
                    engine), System.out);
            Path config = bench.writeConfig(tmp, tmp.resolve("input"), tmp.resolve("out"), tmp.resolve("repo"));
            assertThat(Files.readAllLines(config)).contains("engine: " + engine);
        }
        assertThatThrownBy(() -> new Bench.Options(10, 1, tmp, null, false, "1g", LocalDate.of(2026, 6, 30), null,
                "trino")).hasMessageContaining("[duckdb, spark]").hasMessageContaining("trino");
    }

    private static Path bootJar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Start-Class", "org.crmwarehouse.cli.CrmWarehouse");
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }
}
