package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.config.JobConfigLoader;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.contract.EntityContract;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GenerationSummary;
import org.crmwarehouse.generate.GeneratorOptions;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.transform.ModelCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machinery of {@code bench --floor}, fast: the floor's load of 40 generated customers' files
 * (in this JVM), how a child's CPU and steps are measured (a shell spinning between two step
 * lines), and the pipeline / floor arithmetic on runs made up by hand. The whole floor night and the whole
 * command, child JVMs and the content check against the nightly job, are {@link FloorBenchAcceptanceTest}.
 */
class FloorBenchTest {
    @TempDir
    Path tmp;

    @Test
    void theFloorLoadsEveryRowWithTheContractsTypes() throws Exception {
        Path input = tmp.resolve("input");
        GenerationSummary generated = new DataGenerator(new GeneratorOptions(40, 3, input, 0,
                LocalDate.of(2026, 6, 30))).run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Contract contract = Contract.standard();
        var config = new JobConfigLoader(contract).load(input.resolve("nightly.yaml"));
        FloorNight floor = new FloorNight(config, contract, ModelCatalog.packaged(contract), System.out);
        Map<String, Long> loaded = new TreeMap<>();
        try (Connection db = Db.inMemory()) {
            for (EntityContract entity : contract.entities()) {
                Db.execute(db, "CREATE TABLE valid_" + entity.name() + " AS " + floor.load(entity));
                loaded.put(entity.name() + ".csv", Db.queryLong(db, "SELECT count(*) FROM valid_" + entity.name()));
                List<String> expected = new ArrayList<>(List.of("_source VARCHAR", "_line BIGINT"));
                entity.columns().forEach(c -> expected.add(c.name() + " " + c.type().storageType()));
                assertThat(Db.queryStrings(db, "SELECT column_name || ' ' || data_type FROM information_schema.columns "
                        + "WHERE table_name = 'valid_" + entity.name() + "' ORDER BY ordinal_position")).isEqualTo(expected);
            }
            // lines counted from 2, after the header, as the pipeline numbers them
            assertThat(Db.queryLong(db, "SELECT min(_line) FROM valid_customers")).isEqualTo(2);
            assertThat(Db.queryStrings(db, "SELECT DISTINCT _source FROM valid_orders")).containsExactly("orders.csv");
        }
        // every row of every file: the generator's own counts (bad rate 0)
        assertThat(loaded).isEqualTo(new TreeMap<>(generated.rowsPerFile()));
    }

    @Test
    void cpuIsUserPlusSystemTicksCountedAfterTheCommandName() {
        // fields 14 and 15 (utime 250, stime 130 ticks of 1/100 s); the name holds spaces and ')'
        String stat = "1234 (my (odd) name) S 1 2 3 4 5 6 7 8 9 10 250 130 0 0 20 0 1 0 100 1000 10";
        assertThat(ChildRun.cpuSeconds(stat)).isCloseTo(3.8, within(1e-9));
    }

    @Test
    void aChildsStepsAreTimedFromItsOwnLinesAndItsCpuIsItsOwn() throws Exception {
        List<String> seen = new ArrayList<>();
        Path log = tmp.resolve("child.log");
        ChildRun.Result r = ChildRun.run(List.of("sh", "-c", "echo '[spin] started'; i=0; "
                + "while [ $i -lt 100000 ]; do i=$((i+1)); done; echo '12:00:00 [spin] completed in 0.5 s'; echo after"),
                log, seen::add);
        assertThat(r.exit()).isZero();
        assertThat(seen).containsExactly("[spin] started", "12:00:00 [spin] completed in 0.5 s", "after");
        assertThat(Files.readAllLines(log)).isEqualTo(seen);
        assertThat(r.steps()).containsOnlyKeys("spin");
        ChildRun.Step spin = r.steps().get("spin");
        assertThat(spin.wallSeconds()).isPositive().isLessThanOrEqualTo(r.wallSeconds());
        if (Files.exists(Path.of("/proc/self/stat"))) {
            // a busy shell loop: some CPU, at most one core's worth of the step's wall time (one 1/100 s tick of slack)
            assertThat(spin.cpuSeconds()).isPositive().isLessThanOrEqualTo(spin.wallSeconds() + 0.011);
            assertThat(r.cpuSeconds()).isGreaterThanOrEqualTo(spin.cpuSeconds());
        }
    }

    @Test
    void pipelineOverFloorPairsTheStepsAndTakesMediansOverRepetitions() {
        // one run each, figures chosen by hand; the ratios below are worked out from them
        Map<String, ChildRun.Step> p = new LinkedHashMap<>();
        p.put("extract", new ChildRun.Step(1, 1.5));
        p.put("validate", new ChildRun.Step(2, 3));
        p.put("transform", new ChildRun.Step(4, 6));
        p.put("publish", new ChildRun.Step(1.5, 2));
        p.put("report", new ChildRun.Step(0.5, 0.5));
        Map<String, ChildRun.Step> f = new LinkedHashMap<>();
        f.put("load", new ChildRun.Step(1, 2));
        f.put("models", new ChildRun.Step(2.5, 4.5));
        f.put("parquet", new ChildRun.Step(0.5, 0.5));
        List<FloorReport.Row> rows = FloorBench.rows(List.of(new FloorReport.Run("pipeline", 1, 10, 15, 100, p),
                new FloorReport.Run("floor", 1, 5, 8, 50, f)));
        assertThat(rows).extracting(FloorReport.Row::pipelineStep)
                .containsExactly("extract+validate", "transform", "publish", "report", "start-up and other", "total");
        // extract + validate: wall 1 + 2 = 3 against 1, CPU 1.5 + 3 = 4.5 against 2
        assertRow(rows.get(0), 3, 1, 3.0, 4.5, 2, 2.25);
        assertRow(rows.get(1), 4, 2.5, 1.6, 6, 4.5, 6 / 4.5);
        assertRow(rows.get(2), 1.5, 0.5, 3.0, 2, 0.5, 4.0);
        assertThat(rows.get(3).floorStep()).isNull();
        assertThat(rows.get(3).wallRatio()).isNaN();
        // outside the steps: pipeline wall 10 - 9 = 1, CPU 15 - 13 = 2; floor wall 5 - 4 = 1, CPU 8 - 7 = 1
        assertRow(rows.get(4), 1, 1, 1.0, 2, 1, 2.0);
        assertRow(rows.get(5), 10, 5, 2.0, 15, 8, 1.875);

        assertThat(FloorBench.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(FloorBench.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    }

    @Test
    void theContentCheckListsEveryTableThatDiffersOrIsMissing() {
        Map<String, String> checksums = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        FloorBench.compare(1, Map.of("a.parquet", "2:x", "b.parquet", "3:y", "c.parquet", "1:z"),
                Map.of("a.parquet", "2:x", "b.parquet", "3:w"), checksums, differences);
        assertThat(checksums).containsExactly(Map.entry("a.parquet", "2:x"));
        assertThat(differences).containsExactly("repetition 1: b.parquet pipeline 3:y, floor 3:w",
                "repetition 1: c.parquet pipeline 1:z, floor missing");
        // the second repetition agrees with itself but not with the first
        differences.clear();
        FloorBench.compare(2, Map.of("a.parquet", "2:v"), Map.of("a.parquet", "2:v"), checksums, differences);
        assertThat(differences).containsExactly("repetition 2: a.parquet differs from repetition 1 (2:v)");
    }

    private static void assertRow(FloorReport.Row row, double pWall, double fWall, double wallRatio, double pCpu,
            double fCpu, double cpuRatio) {
        assertThat(row.pipelineWallSeconds()).as(row.pipelineStep()).isCloseTo(pWall, within(1e-9));
        assertThat(row.floorWallSeconds()).as(row.pipelineStep()).isCloseTo(fWall, within(1e-9));
        assertThat(row.wallRatio()).as(row.pipelineStep()).isCloseTo(wallRatio, within(1e-9));
        assertThat(row.pipelineCpuSeconds()).as(row.pipelineStep()).isCloseTo(pCpu, within(1e-9));
        assertThat(row.floorCpuSeconds()).as(row.pipelineStep()).isCloseTo(fCpu, within(1e-9));
        assertThat(row.cpuRatio()).as(row.pipelineStep()).isCloseTo(cpuRatio, within(1e-9));
    }
}
