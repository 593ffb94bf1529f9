package org.crmwarehouse.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of one long piece of work with a known total (customers generated, models built, runs
 * of a bench): percent, rate and an estimate of the time left, shown as a bar redrawn in place on
 * a terminal, or as plain lines (at most one per {@link #lineInterval}, plus the last) in CI and
 * log files, where carriage returns would pile up. Updates may come from several threads.
 */
public final class Progress {
    /** How the progress is shown. */
    public enum Mode {
        /** One line redrawn with a carriage return, for a person at a terminal. */
        BAR,
        /** A plain line now and then: logs, CI, pipes. */
        LINES,
        /** Nothing. */
        OFF
    }

    /**
     * Plain lines at most this often at first (the final line always); later at most every tenth
     * of the time so far, up to {@link #MAX_LINE_INTERVAL_NANOS}, so that an hour's work logs
     * about a hundred lines, not seven hundred.
     */
    static final long LINE_INTERVAL_NANOS = 5_000_000_000L;
    static final long MAX_LINE_INTERVAL_NANOS = 60_000_000_000L;
    /** The bar is redrawn at most this often. */
    static final long BAR_INTERVAL_NANOS = 200_000_000L;
    static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final java.util.function.Consumer<String> lineSink;
    private final boolean lastLineAlways;
    private final Mode mode;
    private final String label;
    private final String unit;
    private final long total;
    private final LongSupplier nanoTime;
    private final long started;
    private long done;
    private String detail = "";
    private long lastShown;
    private boolean shown;
    private int lastLength;
    private String lastLine = "";
    private boolean finished;

    Progress(PrintStream out, Mode mode, String label, long total, String unit, LongSupplier nanoTime) {
        this(out, out::println, true, mode, label, total, unit, nanoTime);
    }

    private Progress(PrintStream out, java.util.function.Consumer<String> lineSink, boolean lastLineAlways, Mode mode,
            String label, long total, String unit, LongSupplier nanoTime) {
        this.out = out;
        this.lineSink = lineSink;
        this.lastLineAlways = lastLineAlways;
        this.mode = mode;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(0, total);
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastShown = started;
    }

    /** Progress on {@code out}, as a bar when this process writes to a terminal, else as lines. */
    public static Progress start(PrintStream out, String label, long total, String unit) {
        return new Progress(out, Terminal.mode(), label, total, unit, System::nanoTime);
    }

    public static Progress start(PrintStream out, Mode mode, String label, long total, String unit) {
        return new Progress(out, mode, label, total, unit, System::nanoTime);
    }

    /**
     * Plain lines handed to {@code log} (a logger: the nightly job's output is its log), for work
     * inside a step such as a Java model's rows. Work done within the first interval logs nothing,
     * not even a last line: a small night keeps its log as it was.
     */
    public static Progress toLog(java.util.function.Consumer<String> log, String label, long total, String unit) {
        return toLog(log, label, total, unit, System::nanoTime);
    }

    static Progress toLog(java.util.function.Consumer<String> log, String label, long total, String unit,
            LongSupplier nanoTime) {
        return new Progress(null, log, false, Mode.LINES, label, total, unit, nanoTime);
    }

    /** Sets how much is done (and shows it if it is time to). */
    public synchronized void update(long doneSoFar) {
        update(doneSoFar, detail);
    }

    /** Sets how much is done and what is being worked on (shown after the figures). */
    public synchronized void update(long doneSoFar, String what) {
        this.done = Math.max(0, doneSoFar);
        this.detail = what == null ? "" : what;
        long now = nanoTime.getAsLong();
        // the bar appears at once; a plain line only after an interval, so short work writes one line
        boolean due = mode == Mode.BAR ? !shown || now - lastShown >= BAR_INTERVAL_NANOS
                : now - lastShown >= lineInterval(now - started);
        if (due && !finished) {
            show(now);
        }
    }

    /** Shows the final state once: the bar ends with a newline, lines print a last one. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (mode == Mode.LINES && !lastLineAlways && !shown) {
            return;
        }
        show(nanoTime.getAsLong());
        if (mode == Mode.BAR) {
            out.println();
        }
        if (out != null) {
            out.flush();
        }
    }

    /** The status text as shown now, without the bar (for log lines of callers that log themselves). */
    public synchronized String status() {
        return status(label, done, total, unit, nanoTime.getAsLong() - started, detail);
    }

    private void show(long now) {
        lastShown = now;
        shown = true;
        long elapsed = now - started;
        switch (mode) {
            case BAR -> {
                String text = bar(done, total, BAR_WIDTH) + " " + status(label, done, total, unit, elapsed, detail);
                // pad over the end of a longer previous line, then return to the start
                int pad = Math.max(0, lastLength - text.length());
                lastLength = text.length();
                out.print("\r" + text + " ".repeat(pad));
                out.flush();
            }
            case LINES -> {
                String line = status(label, done, total, unit, elapsed, detail);
                if (!line.equals(lastLine)) { // finish right after a line: no copy of it
                    lineSink.accept(line);
                }
                lastLine = line;
            }
            case OFF -> {
            }
        }
    }

    /**
     * {@code label: 1,200 of 4,000 customers (30%), 12 s, 100 customers/s, about 28 s left; detail}.
     * Rate and estimate only once something is done; the estimate assumes the rate so far holds.
     */
    static String status(String label, long done, long total, String unit, long elapsedNanos, String detail) {
        StringBuilder s = new StringBuilder(label).append(": ");
        s.append(String.format(Locale.ROOT, "%,d of %,d %s (%d%%), %s", done, total, unit, percent(done, total),
                duration(elapsedNanos)));
        if (done > 0 && elapsedNanos > 0) {
            s.append(", ").append(rateText(rate(done, elapsedNanos), unit));
            if (done < total) {
                s.append(", about ").append(duration(remainingNanos(done, total, elapsedNanos))).append(" left");
            }
        }
        if (detail != null && !detail.isEmpty()) {
            s.append("; ").append(detail);
        }
        return s.toString();
    }

    /**
     * {@code 64% done, 1 min 20 s, about 45 s left}: for code that writes its own log line per
     * piece of work (one line a model) and adds where it stands.
     */
    public static String since(long done, long total, long elapsedNanos) {
        String s = percent(done, total) + "% done, " + duration(elapsedNanos);
        return done > 0 && done < total ? s + ", about " + duration(remainingNanos(done, total, elapsedNanos)) + " left"
                : s;
    }

    /** The least time between two plain lines after {@code elapsedNanos} of work. */
    static long lineInterval(long elapsedNanos) {
        return Math.min(MAX_LINE_INTERVAL_NANOS, Math.max(LINE_INTERVAL_NANOS, elapsedNanos / 10));
    }

    /** Whole percent done, rounded down (100 only when all is done); 0 of 0 is 100. */
    static int percent(long done, long total) {
        if (total <= 0) {
            return 100;
        }
        return (int) Math.min(100, Math.floorDiv(Math.min(done, total) * 100, total));
    }

    /** Units per second. */
    static double rate(long done, long elapsedNanos) {
        return elapsedNanos > 0 ? done * 1e9 / elapsedNanos : 0;
    }

    /** Time left if the rest goes at the average rate so far: elapsed * (total - done) / done. */
    static long remainingNanos(long done, long total, long elapsedNanos) {
        if (done <= 0 || done >= total) {
            return 0;
        }
        return (long) ((double) elapsedNanos * (total - done) / done);
    }

    /** {@code [#########...............]}: one mark per 1/width done, rounded down. */
    static String bar(long done, long total, int width) {
        int marks = total <= 0 ? width : (int) Math.min(width, Math.min(done, total) * width / total);
        return "[" + "#".repeat(marks) + ".".repeat(width - marks) + "]";
    }

    /** 0.4 s, 12 s, 3 min 05 s, 2 h 07 min. */
    static String duration(long nanos) {
        double seconds = nanos / 1e9;
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        long m = Math.round(seconds / 60);
        return String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
    }

    /** Per second, or per minute or hour when less than one a second would read as 0.0. */
    private static String rateText(double perSecond, String unit) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%,.0f %s/s", perSecond, unit);
        }
        if (perSecond >= 0.1) {
            return String.format(Locale.ROOT, "%.1f %s/s", perSecond, unit);
        }
        if (perSecond * 60 >= 0.1) {
            return String.format(Locale.ROOT, "%.1f %s/min", perSecond * 60, unit);
        }
        return String.format(Locale.ROOT, "%.1f %s/h", perSecond * 3600, unit);
    }
}
