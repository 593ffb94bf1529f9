package org.crmwarehouse.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crm-warehouse bench}: throughput and peak memory of the nightly job at a given scale. */
@Command(name = "bench", description = {
        "Measure the nightly job at a given scale: generate N customers, run the nightly job on them in a"
        + " child JVM and report generation time, time per step and per model (as shares of the run),"
        + " input rows/s, peak Java heap and peak RSS. Writes <work>/bench-report.json.",
        "With --incremental-nights N: split the history into N nights (night 1 everything up to the last",
        "date minus N-1 days, then one day each, with late updates and deletions), run one full run over",
        "the final state and the N nights incrementally, each in a child JVM, compare the last night's",
        "Parquet tables with the full run's and report each night's time as a fraction of the full run.",
        "Resumable: run the same command again to continue after the last finished night. Exit 1 when a",
        "table differs. Writes <work>/incremental-report.json and .txt.",
        "With --floor: run the nightly job and its floor (the same input loaded with read_csv, the same",
        "sql/ models as CREATE TABLE AS, the Java models, the marts written to Parquet) alternately",
        "--repetitions times, each in a child JVM; print pipeline / floor per step and in total (wall and",
        "process CPU) and check that both built the same marts. Exit 1 when they differ. Writes",
        "<work>/floor-report.json.",
        "With --engine spark: the same ordinary bench with the night on Spark local (the crossover: run it",
        "and the DuckDB bench on one --input, the Spark one with --baseline <the DuckDB bench-report.json>)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--scale", description = "Customers to generate (required unless --input is given).")
    Long scale;

    @Option(names = "--seed", defaultValue = "1", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--input", description = "Folder with the seven contract CSVs (e.g. a `generate` output): skip generation.")
    Path input;

    @Option(names = "--work", description = "Work folder (default var/bench/scale-<N>, or var/bench/<input folder name>;"
            + " prefixed floor-, incremental-<N>- or spark- for those benchmarks).")
    Path work;

    @Option(names = "--keep", description = "Keep the generated input, the warehouse and the JobRepository (deleted by default).")
    boolean keep;

    @Option(names = "--heap", defaultValue = "1g", description = "Child JVM -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--date", defaultValue = "2026-06-30", description = "Business date, also the generated history's last day (default ${DEFAULT-VALUE}).")
    LocalDate date;

    @Option(names = "--baseline", description = "An earlier bench-report.json: also print this run's times as ratios of it.")
    Path baseline;

    @Option(names = "--top", defaultValue = "15", description = "Models to list, slowest first (0: all; the JSON has all). Default ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--incremental-nights", description = "Nights of the incremental benchmark (at least 2; 0, the default: the ordinary bench).")
    int incrementalNights;

    @Option(names = "--floor", description = "Measure the nightly job against its own SQL run bare (see above).")
    boolean floor;

    @Option(names = "--engine", defaultValue = "duckdb", paramLabel = "duckdb|spark",
            description = "The night's engine (default ${DEFAULT-VALUE}). spark: run as ./crm-warehouse bench --engine spark,"
                    + " which puts Spark's jars on the class path; --baseline a DuckDB report of the same --input"
                    + " prints Spark / DuckDB per step. Not with --floor or --incremental-nights (DuckDB benchmarks).")
    String engine;

    @Option(names = "--repetitions", defaultValue = "3", description = "With --floor: pipeline and floor runs each, alternating (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Override
    public Integer call() throws Exception {
        if (input == null && scale == null) {
            throw new IllegalArgumentException("give --scale N (customers to generate) or --input DIR");
        }
        if (!heap.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("--heap must look like 512m or 1g, was " + heap);
        }
        Path folder = work != null ? work
                : Path.of("var", "bench", (incrementalNights != 0 ? "incremental-" + incrementalNights + "-"
                        : floor ? "floor-" : "spark".equals(engine) ? "spark-" : "")
                        + (input != null ? String.valueOf(input.toAbsolutePath().normalize().getFileName()) : "scale-" + scale));
        if (floor && incrementalNights != 0) {
            throw new IllegalArgumentException("--floor and --incremental-nights are two benchmarks: give one");
        }
        if ((floor || incrementalNights != 0) && !org.crmwarehouse.config.JobConfig.ENGINE_DUCKDB.equals(engine)) {
            throw new IllegalArgumentException("--floor and --incremental-nights measure the DuckDB night: "
                    + "--engine " + engine + " applies to the ordinary bench only");
        }
        if (incrementalNights != 0) {
            return incremental(folder);
        }
        if (floor) {
            return floor(folder);
        }
        Bench bench = new Bench(new Bench.Options(scale == null ? 0 : scale, seed, folder, input, keep, heap, date,
                baseline, engine), System.out);
        BenchReport report = bench.run();
        System.out.println();
        System.out.print(BenchPrinter.format(report, top));
        System.out.println("report: " + bench.reportFile().toAbsolutePath().normalize());
        return 0;
    }

    private int floor(Path folder) throws Exception {
        if (baseline != null) {
            throw new IllegalArgumentException("--baseline does not apply with --floor");
        }
        FloorBench bench = new FloorBench(new FloorBench.Options(scale == null ? 0 : scale, seed, folder, input, heap,
                date, repetitions), System.out);
        FloorReport report = bench.run();
        System.out.println();
        System.out.print(FloorPrinter.format(report));
        System.out.println("report: " + bench.reportFile());
        if (!keep) {
            for (String kept : new String[] {"out", "repo", "floor"}) {
                Bench.deleteTree(folder.resolve(kept));
            }
            if (input == null) {
                Bench.deleteTree(folder.resolve("input"));
            }
        }
        return report.content().identical() ? 0 : 1;
    }

    private int incremental(Path folder) throws Exception {
        if (keep || baseline != null) {
            throw new IllegalArgumentException("--keep and --baseline do not apply with --incremental-nights "
                    + "(the work folder is always kept: it is how an interrupted run resumes)");
        }
        IncrementalBench bench = new IncrementalBench(new IncrementalBench.Options(scale == null ? 0 : scale, seed,
                incrementalNights, folder, input, heap, date), System.out);
        IncrementalReport report = bench.run();
        System.out.println();
        System.out.print(IncrementalPrinter.format(report));
        System.out.println("report: " + bench.reportFile() + " (and " + bench.textReportFile().getFileName() + ")");
        return report.comparison().passed() ? 0 : 1;
    }
}
