package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crmwarehouse.cli.CrmWarehouse;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GeneratorOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The crossover benchmark as a user runs it, at a tiny scale: the DuckDB bench and the Spark bench
 * on one generated input, the Spark one against the DuckDB report. Checks that the Spark child
 * really ran on Spark (its log shows Spark's model runner), read every generated row, timed every model the DuckDB
 * night timed, and that the printed comparison names both engines; never absolute times.
 */
// Two whole nights, one of them on Spark (about 2-3 minutes): in the acceptance profile, which CI runs.
@Tag("acceptance")
class SparkBenchTest {
    @TempDir
    Path tmp;

    @Test
    void sparkBenchAgainstTheDuckDbBenchOfTheSameInput() throws IOException {
        Path input = tmp.resolve("input");
        new DataGenerator(new GeneratorOptions(150, 7, input, 0, java.time.LocalDate.of(2026, 6, 30)))
                .run(new PrintStream(OutputStream.nullOutputStream()));

        String duckdbPrinted = bench("--input", input.toString(), "--work", tmp.resolve("duckdb").toString());
        Path duckdbReport = tmp.resolve("duckdb").resolve("bench-report.json");
        String sparkPrinted = bench("--input", input.toString(), "--work", tmp.resolve("spark").toString(),
                "--engine", "spark", "--heap", "2g", "--baseline", duckdbReport.toString());

        JsonMapper json = JsonMapper.builder().build();
        JsonNode duckdb = json.readTree(Files.readString(duckdbReport));
        JsonNode spark = json.readTree(Files.readString(tmp.resolve("spark").resolve("bench-report.json")));
        assertThat(duckdb.path("engine").asString()).isEqualTo("duckdb");
        assertThat(spark.path("engine").asString()).isEqualTo("spark");
        // the Spark night's model runner logs each model; the DuckDB night has no such logger
        assertThat(Files.readString(tmp.resolve("spark").resolve("child.log"))).contains("SparkModelRunner [transform]");
        assertThat(Files.readString(tmp.resolve("duckdb").resolve("child.log"))).doesNotContain("SparkModelRunner");
        assertThat(spark.path("run").path("inputRows").asLong()).isEqualTo(duckdb.path("run").path("inputRows").asLong())
                .isGreaterThan(150);
        assertThat(models(spark)).containsExactlyInAnyOrderElementsOf(models(duckdb)).isNotEmpty();
        assertThat(sparkPrinted).as(duckdbPrinted).contains("engine spark", "engine duckdb)", "transform x");
        assertThat(spark.path("comparison").path("wallRatio").asDouble()).isPositive();
    }

    private static List<String> models(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.path("models").forEach(m -> names.add(m.path("model").asString()));
        return names;
    }

    private static String bench(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            List<String> all = new ArrayList<>(List.of("bench"));
            all.addAll(List.of(args));
            exit = new CommandLine(new CrmWarehouse()).execute(all.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        return printed;
    }
}
