package org.crmwarehouse.bench;

import java.util.Locale;
import java.util.Map;

/** The bench report as text: the same figures as bench-report.json, slowest models first. */
public final class BenchPrinter {
    private BenchPrinter() {
    }

    /** @param top how many models to list (0: all) */
    public static String format(BenchReport r, int top) {
        StringBuilder out = new StringBuilder();
        BenchReport.Machine m = r.machine();
        line(out, "crm-warehouse bench: %,d customers%s, engine %s, child JVM -Xmx%s", r.scale(),
                r.seed() >= 0 ? ", seed " + r.seed() : " (input " + r.input() + ")", r.engine(), r.run().heapLimit());
        line(out, "machine: %d cores, %.1f GiB, Java %s; load average %.2f before, %.2f after%s", m.cores(),
                m.memoryGiB(), m.java(), m.loadBefore(), m.loadAfter(),
                Math.max(m.loadBefore(), m.loadAfter()) > m.cores() * 0.5
                        ? " (other work on the machine: times are inflated)" : "");
        out.append('\n');
        if (r.generation() != null) {
            BenchReport.Generation g = r.generation();
            line(out, "%-22s %9.1f s %,14d rows %,12.0f rows/s", "generation", g.seconds(), g.rows(),
                    g.rowsPerSecond());
        }
        line(out, "%-22s %9.1f s %,14d input rows %,6.0f rows/s (child JVM start to exit)", "nightly run",
                r.run().wallSeconds(), r.run().inputRows(), r.run().inputRowsPerSecond());
        out.append('\n');
        line(out, "%-22s %11s %12s %16s", "step", "seconds", "share of run", "input rows/s");
        for (BenchReport.Step s : r.steps()) {
            line(out, "%-22s %11.1f %11.1f%% %16s", s.step(), s.seconds(), 100 * s.shareOfRun(),
                    s.inputRowsPerSecond() > 0 ? String.format(Locale.ROOT, "%,.0f", s.inputRowsPerSecond()) : "");
        }
        out.append('\n');
        line(out, "%-22s %11s %18s %7s", "transform by layer", "seconds", "share of transform", "models");
        for (BenchReport.Layer l : r.layers()) {
            line(out, "%-22s %11.1f %17.1f%% %7s", l.layer(), l.seconds(), 100 * l.shareOfTransform(),
                    l.models() > 0 ? Integer.toString(l.models()) : "");
        }
        out.append('\n');
        int shown = top <= 0 ? r.models().size() : Math.min(top, r.models().size());
        line(out, "%-34s %-12s %12s %9s %9s", "slowest models (" + shown + " of " + r.models().size() + ")", "layer",
                "rows", "build s", "share");
        for (BenchReport.Model model : r.models().subList(0, shown)) {
            line(out, "%-34s %-12s %,12d %9.2f %8.1f%%", model.model(), model.layer(), model.rows(),
                    model.buildMillis() / 1000.0, 100 * model.shareOfTransform());
        }
        out.append('\n');
        BenchReport.Memory mem = r.memory();
        line(out, "memory: peak Java heap used %,.0f MiB (committed %,.0f MiB, limit %s, %d GC pauses);"
                        + " peak RSS %s (heap + DuckDB native)", mem.peakHeapUsedMiB(), mem.peakHeapCommittedMiB(),
                r.run().heapLimit(), mem.gcPauses(),
                mem.peakRssMiB() < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB", mem.peakRssMiB()));
        if (r.comparison() != null) {
            BenchReport.Comparison c = r.comparison();
            StringBuilder steps = new StringBuilder();
            for (Map.Entry<String, Double> e : c.stepRatios().entrySet()) {
                steps.append(String.format(Locale.ROOT, ", %s x%.2f", e.getKey(), e.getValue()));
            }
            out.append('\n');
            line(out, "against %s (%,d customers, engine %s): scale x%.2f, wall time x%.2f%s; peak heap x%.2f,"
                            + " peak RSS x%.2f",
                    c.baseline(), c.baselineScale(), c.baselineEngine(), c.scaleRatio(), c.wallRatio(), steps, c.peakHeapRatio(),
                    c.peakRssRatio());
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
