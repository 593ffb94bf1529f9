package org.crmwarehouse.generate;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What to generate.
 *
 * @param scale   number of customers (at least 1)
 * @param seed    random seed; same options give byte-identical files
 * @param outDir  folder receiving the CSV files and nightly.yaml
 * @param badRate share of rows per file that are deliberately corrupted, in [0, 1)
 * @param endDate the business date: nothing that must not be in the future is after it
 * @param duplicateRate share of customers that get a planted near-copy (test truth for duplicate detection,
 *                written to {@code planted_duplicates.csv}), in [0, 1); 0 (the default) plants none
 */
public record GeneratorOptions(long scale, long seed, Path outDir, double badRate, LocalDate endDate, double duplicateRate) {
    public GeneratorOptions(long scale, long seed, Path outDir, double badRate, LocalDate endDate) {
        this(scale, seed, outDir, badRate, endDate, 0);
    }

    public GeneratorOptions {
        if (!(duplicateRate >= 0 && duplicateRate < 1)) throw new IllegalArgumentException("duplicateRate must be in [0, 1), was " + duplicateRate);
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, was " + scale);
        if (scale > 99_999_999L) throw new IllegalArgumentException("scale must be < 100,000,000, was " + scale);
        if (!(badRate >= 0 && badRate < 1)) throw new IllegalArgumentException("badRate must be in [0, 1), was " + badRate);
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(endDate, "endDate");
    }
}
