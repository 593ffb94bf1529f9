package org.crmwarehouse.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.crmwarehouse.generate.DataGenerator;
import org.crmwarehouse.generate.GenerationSummary;
import org.crmwarehouse.generate.GeneratorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", description = "Write a synthetic, deterministic input set in the contract (and a nightly.yaml for it).")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--scale", required = true, description = "Number of customers.")
    long scale;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}); same seed, same files.")
    long seed;

    @Option(names = "--out", required = true, description = "Folder to write the CSV files and nightly.yaml into.")
    Path out;

    @Option(names = "--bad-rate", defaultValue = "0", description = "Share of extra malformed or invalid rows per file, 0 to <1 (default ${DEFAULT-VALUE}).")
    double badRate;

    @Option(names = "--end-date", defaultValue = "2026-06-30", description = "Last day of the generated history (default ${DEFAULT-VALUE}); also the config's business date.")
    LocalDate endDate;

    @Option(names = "--duplicate-rate", defaultValue = "0", description = "Share of customers given a planted near-duplicate (typo in the name, phone written differently, another owner), listed in planted_duplicates.csv as test truth; 0 to <1 (default ${DEFAULT-VALUE}).")
    double duplicateRate;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        GenerationSummary summary = new DataGenerator(new GeneratorOptions(scale, seed, out, badRate, endDate, duplicateRate))
                .run(System.out);
        for (Map.Entry<String, Long> e : summary.rowsPerFile().entrySet()) {
            System.out.printf("  %-20s %,14d rows%n", e.getKey(), e.getValue());
        }
        System.out.printf("wrote %s in %.1f s (%,d deliberately bad rows); run it with:%n  ./crm-warehouse run --config %s%n",
                out, (System.nanoTime() - started) / 1e9, summary.badRows(), out.resolve("nightly.yaml"));
        return 0;
    }
}
