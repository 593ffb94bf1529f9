package org.crmwarehouse.bench;

import java.util.Locale;
import java.util.Map;

/** The incremental bench report as text: the same figures as incremental-report.json. */
public final class IncrementalPrinter {
    private IncrementalPrinter() {
    }

    public static String format(IncrementalReport r) {
        StringBuilder out = new StringBuilder();
        BenchReport.Machine m = r.machine();
        line(out, "crm-warehouse bench --incremental-nights %d: %,d customers, seed %d, last night %s", r.nightsPlanned(),
                r.customers(), r.seed(), r.lastDate());
        line(out, "machine: %d cores, %.1f GiB, Java %s; load average %.2f before, %.2f after%s", m.cores(),
                m.memoryGiB(), m.java(), m.loadBefore(), m.loadAfter(),
                Math.max(m.loadBefore(), m.loadAfter()) > m.cores() * 0.5
                        ? " (other work on the machine: times are inflated)" : "");
        IncrementalReport.Changes c = r.changes();
        line(out, "late change in the deltas: %,d customers updated, %,d invoices landed unpaid then paid, %,d orders "
                + "(%,d invoices) deleted by feeds, %,d contacts flagged deleted", c.customersUpdatedLate(),
                c.invoicesLandedUnpaidThenPaid(), c.ordersDeleted(), c.invoicesDeleted(), c.contactsFlaggedDeleted());
        out.append('\n');
        line(out, "%-12s %-10s %9s %8s %12s %9s %9s  %s", "run", "date", "wall s", "of full", "rows", "heap MiB",
                "RSS MiB", "steps (s)");
        IncrementalReport.RunFigures f = r.fullRun();
        line(out, "%-12s %-10s %9.1f %8s %12s %9.0f %9.0f  %s", "full", r.lastDate(), f.wallSeconds(), "1.00",
                String.format(Locale.ROOT, "%,d", f.inputRows()), f.peakHeapUsedMiB(), f.peakRssMiB(), steps(f.steps()));
        IncrementalReport.RunFigures a = r.fullRunAfter();
        for (IncrementalReport.Night n : r.nights()) {
            IncrementalReport.RunFigures nr = n.run();
            line(out, "%-12s %-10s %9.1f %8.2f %12s %9.0f %9.0f  %s%s", "night " + n.night(), n.date(), nr.wallSeconds(),
                    n.fractionOfFull(), String.format(Locale.ROOT, "%,d", n.deltaRows()), nr.peakHeapUsedMiB(),
                    nr.peakRssMiB(), steps(nr.steps()), n.wasResumed() ? "  [resumed: partial, not in the statistics]" : "");
        }
        line(out, "%-12s %-10s %9.1f %8.2f %12s %9.0f %9.0f  %s", "full again", r.lastDate(), a.wallSeconds(),
                r.summary().fullRunDrift(), String.format(Locale.ROOT, "%,d", a.inputRows()), a.peakHeapUsedMiB(),
                a.peakRssMiB(), steps(a.steps()));
        line(out, "(rows: input rows of the full run; rows landed for a night, deletion feeds included)");
        out.append('\n');
        IncrementalReport.Summary s = r.summary();
        line(out, "full run: %.1f s; night 1 (initial load): %.1f s = %.2f of the full run", s.fullRunSeconds(),
                s.initialLoadSeconds(), s.initialLoadFraction());
        line(out, "nights 2..%d (%d daily nights): median %.1f s = %.3f of the full run, mean %.1f s = %.3f",
                r.nights().size(), s.dailyNights(), s.medianDailySeconds(), s.medianDailyFraction(), s.meanDailySeconds(),
                s.meanDailyFraction());
        line(out, "full run again after the nights: %.1f s = %.2f of the first; the median daily night is %.3f of the "
                + "mean of the two full runs", s.fullRunAfterSeconds(), s.fullRunDrift(),
                s.medianDailyFractionOfBothFullRuns());
        if (r.nights().size() < r.nightsPlanned()) {
            line(out, "(only %d of %d nights ran)", r.nights().size(), r.nightsPlanned());
        }
        out.append('\n');
        IncrementalReport.Comparison cmp = r.comparison();
        line(out, "last night vs full run: %s", cmp.passed() ? "SAME" : "DIFFERENT");
        line(out, "  %d tables identical (row count and md5 of sorted rows)", cmp.identical().size());
        for (String d : cmp.differing()) {
            line(out, "  DIFFERS: %s", d);
        }
        for (Map.Entry<String, String> h : cmp.nightHistory().entrySet()) {
            line(out, "  %s: %s (records the sequence of nights; not compared)", h.getKey(), h.getValue());
        }
        line(out, "  quarantine per entity/reason: %s (full %s, last night %s)", cmp.quarantineSame() ? "same" : "DIFFERS",
                cmp.quarantineFull(), cmp.quarantineLast());
        return out.toString();
    }

    private static String steps(Map<String, Double> steps) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Double> e : steps.entrySet()) {
            s.append(s.isEmpty() ? "" : " ").append(e.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%.1f", e.getValue()));
        }
        return s.toString();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
