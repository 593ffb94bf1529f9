package org.crmwarehouse.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crm-warehouse bench}: throughput and peak memory of the nightly job at a given scale. */
@Command(name = "bench", description = {
        "Generate N customers, run the nightly job on them in a child JVM and report generation time,",
        "time per step and per model (as shares of the run), input rows/s, peak Java heap and peak RSS.",
        "Writes <work>/bench-report.json."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--scale", description = "Customers to generate (required unless --input is given).")
    Long scale;

    @Option(names = "--seed", defaultValue = "1", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--input", description = "Folder with the seven contract CSVs (e.g. a `generate` output): skip generation.")
    Path input;

    @Option(names = "--work", description = "Work folder (default var/bench/scale-<N>, or var/bench/<input folder name>).")
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

    @Override
    public Integer call() throws Exception {
        if (input == null && scale == null) {
            throw new IllegalArgumentException("give --scale N (customers to generate) or --input DIR");
        }
        if (!heap.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("--heap must look like 512m or 1g, was " + heap);
        }
        Path folder = work != null ? work
                : Path.of("var", "bench", input != null ? String.valueOf(input.toAbsolutePath().normalize().getFileName())
                        : "scale-" + scale);
        Bench bench = new Bench(new Bench.Options(scale == null ? 0 : scale, seed, folder, input, keep, heap, date,
                baseline), System.out);
        BenchReport report = bench.run();
        System.out.println();
        System.out.print(BenchPrinter.format(report, top));
        System.out.println("report: " + bench.reportFile().toAbsolutePath().normalize());
        return 0;
    }
}
