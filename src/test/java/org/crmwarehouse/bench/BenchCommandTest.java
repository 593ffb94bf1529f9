package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.crmwarehouse.cli.CrmWarehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench} at a tiny scale (200 customers), child JVM and all. Checks the report's shape and
 * consistency, never absolute times: every step and every model documented under sql/ is there,
 * figures are non-negative, shares add up to the whole, input rows equal the rows generated, and
 * the heap stays within the child's limit.
 */
// Several whole nights (20-35 s): in the acceptance profile, which CI runs, so that the default
// test command stays under 10 minutes with the Spark night's equality test in it.
@Tag("acceptance")
class BenchCommandTest {
    @TempDir
    static Path tmp;

    static int exit;
    static String printed;
    static JsonNode report;

    @BeforeAll
    static void benchTinyScale() throws IOException {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new CrmWarehouse()).execute("bench", "--scale", "200", "--seed", "5",
                    "--work", tmp.resolve("work").toString(), "--heap", "512m");
        } finally {
            System.setOut(old);
        }
        printed = out.toString(StandardCharsets.UTF_8);
        Path file = tmp.resolve("work").resolve("bench-report.json");
        report = Files.exists(file) ? JsonMapper.builder().build().readTree(Files.readString(file)) : null;
    }

    @Test
    void runsAndWritesTheReport() {
        assertThat(exit).as(printed).isZero();
        assertThat(report).isNotNull();
        assertThat(printed).contains("share of run", "peak Java heap", "peak RSS", "bench-report.json");
        assertThat(report.path("scale").asLong()).isEqualTo(200);
    }

    @Test
    void everyStepIsThereWithSharesAddingUpToTheRun() {
        List<String> steps = new ArrayList<>();
        double shares = 0;
        for (JsonNode s : report.path("steps")) {
            steps.add(s.path("step").asString());
            assertThat(s.path("seconds").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(s.path("shareOfRun").asDouble()).isBetween(0.0, 1.0);
            shares += s.path("shareOfRun").asDouble();
        }
        assertThat(steps).containsExactly("extract", "validate", "transform", "publish", "start-up and other");
        // "start-up and other" is the rest of the wall time, so the shares cover the run exactly.
        assertThat(shares).isCloseTo(1.0, within(1e-9));
        assertThat(report.path("run").path("wallSeconds").asDouble()).isGreaterThan(0);
    }

    @Test
    void everyDocumentedModelIsTimedAndLayersAddUpToTheTransformStep() throws IOException {
        Map<String, String> documented = new HashMap<>(); // model -> layer, from the YAML beside each model
        for (String layer : List.of("staging", "intermediate", "marts")) {
            try (Stream<Path> files = Files.list(Path.of("sql", layer))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml"))
                        .forEach(n -> documented.put(n.substring(0, n.length() - 4), layer));
            }
        }
        Map<String, String> timed = new HashMap<>();
        for (JsonNode m : report.path("models")) {
            timed.put(m.path("model").asString(), m.path("layer").asString());
            assertThat(m.path("buildMillis").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(m.path("rows").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(m.path("shareOfTransform").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(timed).isEqualTo(documented);
        double shares = 0;
        int models = 0;
        for (JsonNode l : report.path("layers")) {
            shares += l.path("shareOfTransform").asDouble();
            models += l.path("models").asInt();
        }
        assertThat(models).isEqualTo(documented.size());
        assertThat(shares).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void inputRowsAreTheRowsGeneratedAndRatesAreConsistent() {
        long generated = 0;
        for (JsonNode n : report.path("generation").path("rowsPerFile")) {
            generated += n.asLong();
        }
        JsonNode run = report.path("run");
        assertThat(generated).isEqualTo(report.path("generation").path("rows").asLong()).isGreaterThan(200);
        assertThat(run.path("inputRows").asLong()).isEqualTo(generated); // bad rate 0: all read
        assertThat(run.path("inputRowsPerSecond").asDouble())
                .isCloseTo(generated / run.path("wallSeconds").asDouble(), within(1e-6));
    }

    @Test
    void memoryIsMeasuredWithinTheChildHeapLimit() {
        JsonNode memory = report.path("memory");
        double used = memory.path("peakHeapUsedMiB").asDouble();
        double committed = memory.path("peakHeapCommittedMiB").asDouble();
        assertThat(used).isGreaterThan(0).isLessThanOrEqualTo(committed);
        assertThat(committed).isLessThanOrEqualTo(512); // --heap 512m
        double rss = memory.path("peakRssMiB").asDouble();
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertThat(rss).isGreaterThanOrEqualTo(used); // resident memory includes the heap in use
        }
    }

    @Test
    void generatedInputAndWarehouseAreDeletedWithoutKeep() {
        Path work = tmp.resolve("work");
        assertThat(work.resolve("input")).doesNotExist();
        assertThat(work.resolve("out")).doesNotExist();
        assertThat(work.resolve("gc.log")).exists();
    }
}
