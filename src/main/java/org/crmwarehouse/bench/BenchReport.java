package org.crmwarehouse.bench;

import java.util.List;
import java.util.Map;

/**
 * What one benchmark measured: generation, the nightly run in a child JVM (steps, models, memory)
 * and, when a baseline report was given, the ratios of this run to it. Written as bench-report.json.
 * Times are seconds unless a name says millis; shares are fractions (0..1) of the enclosing time.
 * {@code engine} is the night's engine (duckdb or spark): a Spark report compared with a DuckDB
 * report of the same input (--baseline) gives the engines' ratio per step.
 */
public record BenchReport(
        long scale,
        long seed,
        String input,
        String engine,
        Machine machine,
        Generation generation,
        Run run,
        List<Step> steps,
        List<Layer> layers,
        List<Model> models,
        Memory memory,
        Comparison comparison) {

    /**
     * @param cores            processors the JVM sees
     * @param memoryGiB        physical memory
     * @param loadBefore       one-minute load average before the run (other work on the machine
     *                         makes times longer: compare runs made under similar load)
     * @param loadAfter        one-minute load average after the run
     */
    public record Machine(int cores, double memoryGiB, double loadBefore, double loadAfter, String java) {
    }

    /** Generation in the bench JVM; null when an existing input folder was used. */
    public record Generation(double seconds, long rows, double rowsPerSecond, Map<String, Long> rowsPerFile) {
    }

    /**
     * @param wallSeconds        child JVM start to exit (includes JVM and Spring start-up)
     * @param inputRows          rows read from all sources
     * @param inputRowsPerSecond inputRows / wallSeconds
     * @param childCommand       the child JVM's command line
     */
    public record Run(double wallSeconds, long inputRows, double inputRowsPerSecond, String heapLimit,
                      List<String> childCommand) {
    }

    /** A step of the job (or "start-up and other": the wall time outside the steps). */
    public record Step(String step, double seconds, double shareOfRun, double inputRowsPerSecond) {
    }

    /** Build time of all models of one layer; "data tests and other" is the transform time outside model builds. */
    public record Layer(String layer, int models, double seconds, double shareOfTransform) {
    }

    public record Model(String model, String layer, long rows, long buildMillis, double shareOfTransform) {
    }

    /**
     * @param peakHeapUsedMiB      largest Java heap in use (from the child's GC log)
     * @param peakHeapCommittedMiB largest Java heap committed
     * @param gcPauses             young and full collections
     * @param peakRssMiB           peak resident set of the child process (VmHWM: Java heap plus
     *                             DuckDB's native memory); -1 where /proc is not available
     */
    public record Memory(double peakHeapUsedMiB, double peakHeapCommittedMiB, int gcPauses, double peakRssMiB) {
    }

    /**
     * This run divided by a baseline report's figures (e.g. 1M over 100k shows how time scales, a
     * Spark run over a DuckDB run of the same input the engines' ratio).
     *
     * @param baselineEngine the baseline's engine (duckdb for reports written before engines were recorded)
     */
    public record Comparison(String baseline, long baselineScale, String baselineEngine, double scaleRatio, double wallRatio,
                             Map<String, Double> stepRatios, double peakHeapRatio, double peakRssRatio) {
    }
}
