package org.crmwarehouse.bench;

import java.util.Locale;

/** The floor report as text: pipeline / floor per step and in total, wall and CPU, and the content check. */
final class FloorPrinter {
    private FloorPrinter() {
    }

    static String format(FloorReport r) {
        StringBuilder out = new StringBuilder();
        BenchReport.Machine m = r.machine();
        line(out, "crm-warehouse bench --floor: %s, %d repetitions alternating pipeline and floor, child JVMs -Xmx%s",
                r.scale() >= 0 ? String.format(Locale.ROOT, "%,d customers, seed %d", r.scale(), r.seed())
                        : "input " + r.input(), r.repetitions(), r.heapLimit());
        line(out, "machine: %d cores, %.1f GiB, Java %s; load average %.2f before, %.2f after%s", m.cores(),
                m.memoryGiB(), m.java(), m.loadBefore(), m.loadAfter(),
                Math.max(m.loadBefore(), m.loadAfter()) > m.cores() * 0.5
                        ? " (other work on the machine: times are inflated)" : "");
        line(out, "CPU: %s; medians over the repetitions", r.cpuMeasure());
        out.append('\n');
        line(out, "%-20s %-20s %10s %8s %7s %10s %8s %7s", "pipeline step", "floor step", "wall s", "floor", "ratio",
                "CPU s", "floor", "ratio");
        for (FloorReport.Row row : r.rows()) {
            line(out, "%-20s %-20s %10.1f %8s %7s %10.1f %8s %7s", row.pipelineStep(),
                    row.floorStep() == null ? "(none)" : row.floorStep(), row.pipelineWallSeconds(),
                    number(row.floorWallSeconds()), ratio(row.wallRatio()), row.pipelineCpuSeconds(),
                    number(row.floorCpuSeconds()), ratio(row.cpuRatio()));
        }
        out.append('\n');
        line(out, "runs: %s", String.join(", ", r.runs().stream().map(run -> String.format(Locale.ROOT,
                "%s %d %.1f s wall %.1f s CPU %,.0f MiB RSS", run.side(), run.repetition(), run.wallSeconds(),
                run.cpuSeconds(), run.peakRssMiB())).toList()));
        FloorReport.Content c = r.content();
        if (c.identical()) {
            line(out, "content: the same %d marts on both sides in every repetition (row counts and content hashes)",
                    c.marts());
        } else {
            line(out, "content: DIFFERS (%d differences):", c.differences().size());
            c.differences().forEach(d -> line(out, "  %s", d));
        }
        return out.toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
