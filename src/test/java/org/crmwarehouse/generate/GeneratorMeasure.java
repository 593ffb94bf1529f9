package org.crmwarehouse.generate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.stream.Stream;

/**
 * Manual measurement, not a unit test: run a big scale under a small heap and print time, rows, bytes, peak heap.
 * java -Xmx512m -cp target/classes:target/test-classes:$(cat cp.txt) org.crmwarehouse.generate.GeneratorMeasure 1000000 /tmp/out
 */
public final class GeneratorMeasure {
    public static void main(String[] args) throws Exception {
        long scale = Long.parseLong(args[0]);
        Path out = Path.of(args[1]);
        long t0 = System.nanoTime();
        GenerationSummary s = new DataGenerator(new GeneratorOptions(scale, 42, out, args.length > 2 ? Double.parseDouble(args[2]) : 0,
                LocalDate.of(2025, 6, 30))).run(System.out);
        double secs = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        long bytes;
        try (Stream<Path> files = Files.list(out)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("scale %,d: %.1f s (%.2f M customers/min), max heap %d MB, peak heap used %d MB, %d MB on disk%n",
                scale, secs, scale / secs * 60 / 1e6, Runtime.getRuntime().maxMemory() >> 20, peak >> 20, bytes >> 20);
        s.rowsPerFile().forEach((f, n) -> System.out.printf("  %-18s %,d rows%n", f, n));
        System.out.println("  bad rows: " + s.badRows());
    }
}
