package org.crmwarehouse.bench;

import java.util.List;
import java.util.Map;

/**
 * What {@code bench --floor} measured: the nightly job and its floor (the same SQL run bare, see
 * {@link FloorNight}) run alternately, each in a child JVM; per step and in total the median wall
 * and CPU seconds of each side over the repetitions and pipeline / floor; and whether both built
 * the same marts. Written as floor-report.json.
 *
 * @param cpuMeasure how CPU time was measured (the same for both sides)
 */
public record FloorReport(
        long scale,
        long seed,
        String input,
        int repetitions,
        String heapLimit,
        BenchReport.Machine machine,
        String cpuMeasure,
        List<Row> rows,
        List<Run> runs,
        Content content) {

    /**
     * One line of the comparison: a pipeline step (or steps) against the floor's counterpart;
     * medians over the repetitions. {@code floorStep} null: the pipeline does work the floor has no
     * counterpart of (its ratio is NaN).
     */
    public record Row(String pipelineStep, String floorStep, double pipelineWallSeconds, double floorWallSeconds,
                      double wallRatio, double pipelineCpuSeconds, double floorCpuSeconds, double cpuRatio) {
    }

    /** One child run: "pipeline" or "floor", its repetition (1..), wall, CPU, peak RSS and its steps. */
    public record Run(String side, int repetition, double wallSeconds, double cpuSeconds, double peakRssMiB,
                      Map<String, ChildRun.Step> steps) {
    }

    /**
     * The marts each side wrote, by table: {@code rows:md5} of the rows as text, sorted (see
     * {@link ParquetChecksums}); {@code differences} lists every table missing on one side or
     * differing in any repetition.
     */
    public record Content(boolean identical, int marts, List<String> differences, Map<String, String> checksums) {
    }
}
