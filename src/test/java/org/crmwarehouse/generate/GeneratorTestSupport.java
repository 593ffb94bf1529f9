package org.crmwarehouse.generate;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;

final class GeneratorTestSupport {
    static final LocalDate END = LocalDate.of(2025, 6, 30);

    static GenerationSummary generate(Path dir, long scale, long seed, double badRate) throws Exception {
        return new DataGenerator(new GeneratorOptions(scale, seed, dir, badRate, END))
                .run(new PrintStream(OutputStream.nullOutputStream()));
    }
}
