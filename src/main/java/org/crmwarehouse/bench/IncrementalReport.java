package org.crmwarehouse.bench;

import java.util.List;
import java.util.Map;

/**
 * What {@code bench --incremental-nights N} measured: one full run over the final state, then N
 * incremental nights over daily deltas of the same history, and whether the last night published
 * the same tables as the full run. Written as incremental-report.json (and .txt) in the work
 * folder. Times are seconds; fractions are of the full run's wall time.
 *
 * @param nightsRunNow nights this invocation ran (the rest were done by an earlier, interrupted one)
 * @param fullRunAfter the same full run again, after the last night: the nights take hours, and
 *                     the two full runs show how far the machine's speed drifted meanwhile
 */
public record IncrementalReport(
        long customers,
        long seed,
        String history,
        String lastDate,
        int nightsPlanned,
        int nightsRunNow,
        boolean fullRunRunNow,
        boolean fullRunAfterRunNow,
        BenchReport.Machine machine,
        Changes changes,
        RunFigures fullRun,
        RunFigures fullRunAfter,
        List<Night> nights,
        Summary summary,
        Comparison comparison) {

    /** The realistic change the deltas carry besides new rows (all invisible to the full run's input). */
    public record Changes(long customersUpdatedLate, long invoicesLandedUnpaidThenPaid, long ordersDeleted,
                          long invoicesDeleted, long contactsFlaggedDeleted) {
    }

    /**
     * One child-JVM run of {@code crm-warehouse run}.
     *
     * @param wallSeconds child JVM start to exit
     * @param steps       step -> seconds, from the child's run report
     * @param inputRows   rows the run report says were read from all sources
     * @param peakRssMiB  -1 where /proc is not available
     */
    public record RunFigures(double wallSeconds, Map<String, Double> steps, long inputRows, double peakHeapUsedMiB,
                             double peakRssMiB) {
    }

    /**
     * @param deltaRows      rows of the night's delta (new and changed rows of every landed file,
     *                       deletion feeds included)
     * @param deltaRowsByFile landed file -> its delta rows
     * @param fractionOfFull the night's wall time over the full run's
     * @param resumed        true when an earlier attempt of the night was interrupted (the bench
     *                       or its machine stopped) and this run resumed it at the failed step: its
     *                       time is partial, so it is left out of the daily statistics (null in
     *                       reports written before this was recorded: false)
     */
    public record Night(int night, String date, long deltaRows, Map<String, Long> deltaRowsByFile, RunFigures run,
                        double fractionOfFull, Boolean resumed) {

        public boolean wasResumed() {
            return Boolean.TRUE.equals(resumed);
        }
    }

    /**
     * @param initialLoadFraction night 1 (everything up to the first day) over the full run
     * @param dailyNights         the nights after the initial load that are in the statistics (not
     *                            the resumed ones, whose time is partial)
     * @param fullRunDrift        the full run after the nights over the one before them
     * @param medianDailyFractionOfBothFullRuns the median daily night over the mean of the two full runs
     *                            (the other fractions are of the first full run)
     */
    public record Summary(double fullRunSeconds, double initialLoadSeconds, double initialLoadFraction,
                          int dailyNights, double medianDailySeconds, double meanDailySeconds,
                          double medianDailyFraction, double meanDailyFraction, double fullRunAfterSeconds,
                          double fullRunDrift, double medianDailyFractionOfBothFullRuns) {
    }

    /**
     * The last night's published Parquet tables against the full run's.
     *
     * @param identical       tables with the same row count and md5 of sorted rows
     * @param differing       tables that differ or are missing on one side: a failure
     * @param nightHistory    dim_customer_history and mart_tier_migration -> "same" or "differs":
     *                        they record the sequence of nights by design, so not a failure
     * @param quarantineFull  quarantine rows per entity/reason of the full run
     * @param quarantineLast  the same for the last night (compared by these counts: its rows name
     *                        source files and lines, which differ by design)
     */
    public record Comparison(boolean passed, List<String> identical, List<String> differing,
                             Map<String, String> nightHistory, Map<String, Long> quarantineFull,
                             Map<String, Long> quarantineLast, boolean quarantineSame) {
    }
}
