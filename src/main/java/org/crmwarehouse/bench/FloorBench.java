package org.crmwarehouse.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.crmwarehouse.progress.Progress;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench --floor}: the nightly job and its floor ({@link FloorNight}) on the same input,
 * alternately (pipeline, floor, pipeline, floor...), each in a child JVM with the same heap, so both
 * see the same machine load; then pipeline / floor per step and in total, wall and CPU, and a
 * content check of the marts. Work folder: input/ (generated), out/ and repo/ (the job's), floor/
 * (the floor's), pipeline-N.log, floor-N.log, bench-config.yaml and floor-report.json.
 */
final class FloorBench {
    static final String PIPELINE = "pipeline";
    static final String FLOOR = "floor";
    static final String OTHER = "start-up and other";
    static final String TOTAL = "total";
    static final String CPU_MEASURE = "process CPU (user + system, all threads, DuckDB's native ones included) of "
            + "each child JVM from /proc/<pid>/stat, read by the bench every " + ChildRun.POLL_MILLIS
            + " ms and at each step's start and end line";
    /** Pipeline steps against the floor's: the pipeline's names joined by '+'; null: no counterpart. */
    static final List<String[]> PAIRS = List.of(
            new String[] {"extract+validate", FloorNight.LOAD},
            new String[] {"transform", FloorNight.MODELS},
            new String[] {"publish", FloorNight.PARQUET},
            new String[] {"report", null},
            new String[] {OTHER, OTHER},
            new String[] {TOTAL, TOTAL});
    private static final Pattern STEP_LINE = Pattern.compile("\\[([a-z_]+)\\] (\\d+/\\d+)?");

    record Options(long scale, long seed, Path work, Path input, String heap, LocalDate businessDate,
                   int repetitions) {
    }

    private final Options options;
    private final PrintStream out;
    private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    FloorBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    Path reportFile() {
        return options.work().toAbsolutePath().normalize().resolve("floor-report.json");
    }

    FloorReport run() throws IOException, InterruptedException, java.sql.SQLException {
        if (options.repetitions() < 1) {
            throw new IllegalArgumentException("--repetitions must be at least 1, was " + options.repetitions());
        }
        Path work = options.work().toAbsolutePath().normalize();
        Files.createDirectories(work);
        Path outFolder = work.resolve("out");
        Path repo = work.resolve("repo");
        Path floorFolder = work.resolve("floor");
        double loadBefore = Bench.loadAverage();
        Bench bench = new Bench(new Bench.Options(options.scale(), options.seed(), work, options.input(), true,
                options.heap(), options.businessDate(), null, org.crmwarehouse.config.JobConfig.ENGINE_DUCKDB), out);
        Path input;
        if (options.input() != null) {
            input = options.input().toAbsolutePath().normalize();
        } else {
            input = work.resolve("input");
            Bench.deleteTree(input);
            bench.generate(input);
        }
        Path config = bench.writeConfig(work, input, outFolder, repo);
        List<FloorReport.Run> runs = new ArrayList<>();
        Map<String, String> checksums = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        Progress progress = Progress.start(out, "bench --floor", 2L * options.repetitions(), "runs");
        int done = 0;
        FloorReport report = null;
        for (int r = 1; r <= options.repetitions(); r++) {
            Bench.deleteTree(outFolder);
            Bench.deleteTree(repo);
            ChildRun.Result pipeline = child(PIPELINE, r, List.of("run", "--config", config.toString()), work,
                    progress, done);
            runs.add(run(PIPELINE, r, pipeline));
            Map<String, String> pipelineSums = withoutQuarantine(ParquetChecksums.of(outFolder, options.businessDate()));
            progress.update(++done);
            ChildRun.Result floor = child(FLOOR, r, List.of("bench-floor", "--config", config.toString(), "--work",
                    floorFolder.toString()), work, progress, done);
            runs.add(run(FLOOR, r, floor));
            Map<String, String> floorSums = ParquetChecksums.of(floorFolder, options.businessDate());
            progress.update(++done);
            compare(r, pipelineSums, floorSums, checksums, differences);
            // written after every pair: an interrupted bench keeps the repetitions it finished
            report = report(input, loadBefore, r, runs, checksums, differences);
            Files.writeString(reportFile(), json.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        }
        progress.finish();
        return report;
    }

    private FloorReport report(Path input, double loadBefore, int repetitions, List<FloorReport.Run> runs,
            Map<String, String> checksums, List<String> differences) {
        return new FloorReport(options.input() == null ? options.scale() : -1,
                options.input() == null ? options.seed() : -1, input.toString(), repetitions, options.heap(),
                Bench.machine(loadBefore, Bench.loadAverage()), CPU_MEASURE, rows(runs), List.copyOf(runs),
                new FloorReport.Content(differences.isEmpty(), checksums.size(), List.copyOf(differences),
                        new TreeMap<>(checksums)));
    }

    private ChildRun.Result child(String side, int repetition, List<String> args, Path work, Progress progress,
            int done) throws IOException, InterruptedException {
        Path log = work.resolve(side + "-" + repetition + ".log");
        String who = side + " " + repetition + "/" + options.repetitions();
        progress.update(done, who + ": starting");
        Consumer<String> lines = line -> {
            Matcher m = STEP_LINE.matcher(line);
            if (m.find()) {
                progress.update(done, who + ": " + m.group(1) + (m.group(2) == null ? "" : " " + m.group(2)));
            }
        };
        ChildRun.Result result = ChildRun.run(Bench.childCommand(options.heap(), work.resolve("gc-" + side + ".log"),
                args), log, lines, () -> progress.update(done));
        if (result.exit() != 0) {
            throw new IllegalStateException("the " + side + " run exited " + result.exit() + ": " + Bench.tail(log));
        }
        return result;
    }

    private static FloorReport.Run run(String side, int repetition, ChildRun.Result r) {
        return new FloorReport.Run(side, repetition, r.wallSeconds(), r.cpuSeconds(),
                r.peakRssKib() < 0 ? -1 : r.peakRssKib() / 1024.0, r.steps());
    }

    /** The quarantine is the pipeline's alone (the floor keeps no rejected rows): only the marts are compared. */
    private static Map<String, String> withoutQuarantine(Map<String, String> sums) {
        Map<String, String> marts = new TreeMap<>(sums);
        marts.keySet().removeIf(name -> name.startsWith(org.crmwarehouse.publish.Publisher.QUARANTINE_TABLE + "."));
        return marts;
    }

    static void compare(int repetition, Map<String, String> pipeline, Map<String, String> floor,
            Map<String, String> checksums, List<String> differences) {
        java.util.Set<String> tables = new java.util.TreeSet<>(pipeline.keySet());
        tables.addAll(floor.keySet());
        for (String table : tables) {
            String p = pipeline.get(table);
            String f = floor.get(table);
            if (p == null || !p.equals(f)) {
                differences.add("repetition " + repetition + ": " + table + " pipeline " + (p == null ? "missing" : p)
                        + ", floor " + (f == null ? "missing" : f));
            } else if (checksums.putIfAbsent(table, p) != null && !checksums.get(table).equals(p)) {
                differences.add("repetition " + repetition + ": " + table + " differs from repetition 1 (" + p + ")");
            }
        }
    }

    /** Medians over the repetitions, per pair of steps, wall and CPU. */
    static List<FloorReport.Row> rows(List<FloorReport.Run> runs) {
        List<FloorReport.Row> rows = new ArrayList<>();
        for (String[] pair : PAIRS) {
            double[] pw = figures(runs, PIPELINE, pair[0], false);
            double[] pc = figures(runs, PIPELINE, pair[0], true);
            double[] fw = pair[1] == null ? new double[0] : figures(runs, FLOOR, pair[1], false);
            double[] fc = pair[1] == null ? new double[0] : figures(runs, FLOOR, pair[1], true);
            double pWall = median(pw);
            double pCpu = median(pc);
            double fWall = pair[1] == null ? Double.NaN : median(fw);
            double fCpu = pair[1] == null ? Double.NaN : median(fc);
            rows.add(new FloorReport.Row(pair[0], pair[1], pWall, fWall, Bench.ratio(pWall, fWall), pCpu, fCpu,
                    Bench.ratio(pCpu, fCpu)));
        }
        return rows;
    }

    /** One figure per run of the side: a step (or steps joined by '+'), the rest outside the steps, or the total. */
    private static double[] figures(List<FloorReport.Run> runs, String side, String step, boolean cpu) {
        return runs.stream().filter(r -> r.side().equals(side)).mapToDouble(r -> {
            double whole = cpu ? r.cpuSeconds() : r.wallSeconds();
            double steps = r.steps().values().stream().mapToDouble(s -> cpu ? s.cpuSeconds() : s.wallSeconds()).sum();
            return switch (step) {
                case TOTAL -> whole;
                case OTHER -> Math.max(0, whole - steps);
                default -> Stream.of(step.split("\\+")).mapToDouble(name -> {
                    ChildRun.Step s = r.steps().get(name);
                    return s == null ? 0 : cpu ? s.cpuSeconds() : s.wallSeconds();
                }).sum();
            };
        }).toArray();
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
