package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GeneratorOptions;
import org.crmwarehouse.transform.ModelCatalog;
import org.crmwarehouse.cli.CrmWarehouse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench --floor} end to end at 200 customers, child JVMs and all (two nightly jobs and two
 * floors: about a minute, hence acceptance): both sides built the same marts, every step pair and
 * the total were measured on both sides, and the work folder is cleaned without --keep; and the
 * floor night alone in this JVM on 40 customers (every model built: several seconds).
 */
@Tag("acceptance")
class FloorBenchAcceptanceTest {
    @TempDir
    Path tmp;

    @Test
    void pipelineAndFloorBuildTheSameMarts() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new CrmWarehouse()).execute("bench", "--floor", "--scale", "200", "--seed", "5",
                    "--repetitions", "2", "--work", tmp.resolve("work").toString(), "--heap", "512m");
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("content: the same", "pipeline step", "floor-report.json");
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(tmp.resolve("work").resolve("floor-report.json")));
        assertThat(report.path("content").path("identical").asBoolean()).isTrue();
        assertThat(report.path("content").path("marts").asInt()).isGreaterThan(20);
        assertThat(report.path("runs")).hasSize(4);
        for (JsonNode row : report.path("rows")) {
            assertThat(row.path("pipelineWallSeconds").asDouble()).as(row.toString()).isPositive();
            assertThat(row.path("pipelineCpuSeconds").asDouble()).as(row.toString()).isPositive();
            if (!row.path("floorStep").isNull()) {
                assertThat(row.path("floorWallSeconds").asDouble()).as(row.toString()).isPositive();
                assertThat(row.path("floorCpuSeconds").asDouble()).as(row.toString()).isPositive();
            }
        }
        assertThat(tmp.resolve("work").resolve("out")).doesNotExist();
        assertThat(tmp.resolve("work").resolve("floor")).doesNotExist();
    }

    @Test
    void theFloorNightWritesEveryMartAndLogsItsSteps() throws Exception {
        Path input = tmp.resolve("input");
        new DataGenerator(new GeneratorOptions(40, 3, input, 0,
                LocalDate.of(2026, 6, 30))).run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Contract contract = Contract.standard();
        var config = new JobConfigLoader(contract).load(input.resolve("nightly.yaml"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Path> files = new FloorNight(config, contract, ModelCatalog.packaged(contract),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run(tmp.resolve("floor"));

        // one Parquet file per mart documented under sql/marts, in the dated folder
        List<String> documented;
        try (Stream<Path> yml = Files.list(Path.of("sql", "marts"))) {
            documented = yml.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml"))
                    .map(n -> n.substring(0, n.length() - 4) + ".parquet").sorted().toList();
        }
        assertThat(files.stream().map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(documented);
        assertThat(files).allSatisfy(f -> assertThat(f.getParent().getFileName().toString())
                .isEqualTo("business_date=2026-06-30"));

        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("[load] started", "[models] started", "[parquet] started")
                .containsPattern("\\[load\\] completed in [0-9.]+ s")
                .containsPattern("\\[models\\] (\\d+)/\\1 \\w+; 100% done");
    }

}
