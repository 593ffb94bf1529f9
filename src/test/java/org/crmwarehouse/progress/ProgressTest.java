package org.crmwarehouse.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Progress rendering with a hand-driven clock: the arithmetic (percent, rate, time left) against
 * figures worked out by hand in each comment, the bar redrawn in place with carriage returns, and
 * plain lines without a single carriage return, at most one per interval.
 */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void rateAndTimeLeftAreTheAverageSoFarCarriedForward() {
        // 300 of 1,200 in 12 s: 25 per second; the 900 left at 25/s take 36 s
        assertThat(Progress.rate(300, 12 * SECOND)).isEqualTo(25.0);
        assertThat(Progress.remainingNanos(300, 1200, 12 * SECOND)).isEqualTo(36 * SECOND);
        // all done, or nothing done yet: no estimate
        assertThat(Progress.remainingNanos(1200, 1200, 12 * SECOND)).isZero();
        assertThat(Progress.remainingNanos(0, 1200, 12 * SECOND)).isZero();
        // 1 of 3 is 33.3...%: rounded down; 100% only when all is done (2,999 of 3,000 is 99%)
        assertThat(Progress.percent(1, 3)).isEqualTo(33);
        assertThat(Progress.percent(2999, 3000)).isEqualTo(99);
        assertThat(Progress.percent(3000, 3000)).isEqualTo(100);
        assertThat(Progress.percent(0, 0)).isEqualTo(100);
    }

    @Test
    void statusSaysDoneTotalPercentElapsedRateAndTimeLeft() {
        assertThat(Progress.status("generate", 300, 1200, "customers", 12 * SECOND, ""))
                .isEqualTo("generate: 300 of 1,200 customers (25%), 12 s, 25.0 customers/s, about 36 s left");
        // 40 of 57 models in 150 s: 150 * 17 / 40 = 63.75 s left, shown as 1 min 04 s
        assertThat(Progress.status("transform", 40, 57, "models", 150 * SECOND, "mart_funnel"))
                .isEqualTo("transform: 40 of 57 models (70%), 2 min 30 s, 0.3 models/s, about 1 min 04 s left; mart_funnel");
        assertThat(Progress.status("x", 0, 10, "rows", 0, "")).isEqualTo("x: 0 of 10 rows (0%), 0.0 s");
        // slow units read per minute or per hour, not as 0.0/s: 1 run in 19 min is 3600 / 1140 = 3.2 an hour,
        // and the 5 runs left take 5 * 19 min = 1 h 35 min
        assertThat(Progress.status("bench", 1, 6, "runs", 1140 * SECOND, ""))
                .isEqualTo("bench: 1 of 6 runs (16%), 19 min 00 s, 3.2 runs/h, about 1 h 35 min left");
        assertThat(Progress.status("bench", 1, 2, "runs", 300 * SECOND, ""))
                .isEqualTo("bench: 1 of 2 runs (50%), 5 min 00 s, 0.2 runs/min, about 5 min 00 s left");
    }

    @Test
    void sinceSaysPercentElapsedAndTimeLeftForCallersThatLogThemselves() {
        // 19 of 57 models in 30 s: a third done, the other 38 at 19 per 30 s take 60 s
        assertThat(Progress.since(19, 57, 30 * SECOND)).isEqualTo("33% done, 30 s, about 1 min 00 s left");
        assertThat(Progress.since(57, 57, 90 * SECOND)).isEqualTo("100% done, 1 min 30 s");
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertThat(Progress.duration(400_000_000L)).isEqualTo("0.4 s");
        assertThat(Progress.duration(59 * SECOND)).isEqualTo("59 s");
        assertThat(Progress.duration(185 * SECOND)).isEqualTo("3 min 05 s");
        assertThat(Progress.duration((2 * 3600 + 7 * 60) * SECOND)).isEqualTo("2 h 07 min");
    }

    @Test
    void barHasOneMarkPerWidththDone() {
        // 30% of 10 marks: 3
        assertThat(Progress.bar(3, 10, 10)).isEqualTo("[###.......]");
        assertThat(Progress.bar(0, 10, 4)).isEqualTo("[....]");
        assertThat(Progress.bar(10, 10, 4)).isEqualTo("[####]");
        assertThat(Progress.bar(15, 10, 4)).isEqualTo("[####]");
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndEndsWithANewline() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), Progress.Mode.BAR, "load", 4,
                "files", clock::get);
        p.update(1, "a long name of the first file");
        clock.addAndGet(Progress.BAR_INTERVAL_NANOS / 2);
        p.update(2, "b"); // too soon after the last redraw: not drawn
        clock.addAndGet(Progress.BAR_INTERVAL_NANOS);
        p.update(3, "c");
        p.finish();
        String text = bytes.toString(StandardCharsets.UTF_8);
        String[] draws = text.split("\r", -1);
        assertThat(draws[0]).isEmpty();
        assertThat(draws).hasSize(4); // 1, 3 and the final 3 of 4 (finish redraws whatever was last set)
        assertThat(draws[1]).startsWith("[######..................] load: 1 of 4 files (25%)");
        assertThat(draws[2]).startsWith("[##################......] load: 3 of 4 files (75%)").contains("; c");
        // the shorter line covers the end of the longer one before it
        assertThat(draws[2].length()).isGreaterThanOrEqualTo(draws[1].length());
        assertThat(text).endsWith("\n").doesNotContain("b\r");
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void inLogsPlainLinesAtMostOncePerIntervalAndTheLastOneAlways() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), Progress.Mode.LINES,
                "generate", 1000, "customers", clock::get);
        for (int i = 1; i <= 1000; i++) {
            clock.addAndGet(SECOND / 50); // 20 s in all: lines at 5, 10, 15 and 20 s, the last from finish
            p.update(i);
        }
        p.finish();
        p.finish(); // once only
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        assertThat(text.split("\n")).containsExactly(
                // 250 customers in 5 s: 50/s, 750 left take 15 s
                "generate: 250 of 1,000 customers (25%), 5.0 s, 50.0 customers/s, about 15 s left",
                "generate: 500 of 1,000 customers (50%), 10 s, 50.0 customers/s, about 10 s left",
                "generate: 750 of 1,000 customers (75%), 15 s, 50.0 customers/s, about 5.0 s left",
                "generate: 1,000 of 1,000 customers (100%), 20 s, 50.0 customers/s");
    }

    @Test
    void toALogShortWorkWritesNothingAndLongWorkLinesAndTheLast() {
        AtomicLong clock = new AtomicLong();
        java.util.List<String> logged = new java.util.ArrayList<>();
        Progress quick = Progress.toLog(logged::add, "m", 10, "rows", clock::get);
        for (int i = 1; i <= 10; i++) {
            clock.addAndGet(SECOND / 10); // 1 s in all: within the first interval
            quick.update(i);
        }
        quick.finish();
        assertThat(logged).isEmpty();
        Progress slow = Progress.toLog(logged::add, "m", 10, "rows", clock::get);
        for (int i = 1; i <= 10; i++) {
            clock.addAndGet(SECOND); // 10 s in all: a line at 5 s, and the last
            slow.update(i);
        }
        slow.finish();
        assertThat(logged).containsExactly("m: 5 of 10 rows (50%), 5.0 s, 1.0 rows/s, about 5.0 s left",
                "m: 10 of 10 rows (100%), 10 s, 1.0 rows/s");
    }

    @Test
    void plainLinesThinOutAsTheWorkGoesOn() {
        // 5 s at first; a tenth of the time so far after 50 s (2 min: 12 s); never more than a minute
        assertThat(Progress.lineInterval(20 * SECOND)).isEqualTo(5 * SECOND);
        assertThat(Progress.lineInterval(120 * SECOND)).isEqualTo(12 * SECOND);
        assertThat(Progress.lineInterval(3 * 3600 * SECOND)).isEqualTo(60 * SECOND);
    }

    @Test
    void aBarOnlyForAPersonAtATerminalUnlessOverridden() {
        assertThat(Terminal.mode(Map.of("TERM", "xterm"), true)).isEqualTo(Progress.Mode.BAR);
        assertThat(Terminal.mode(Map.of("TERM", "xterm"), false)).isEqualTo(Progress.Mode.LINES);
        assertThat(Terminal.mode(Map.of("TERM", "dumb"), true)).isEqualTo(Progress.Mode.LINES);
        assertThat(Terminal.mode(Map.of("CI", "true"), true)).isEqualTo(Progress.Mode.LINES);
        assertThat(Terminal.mode(Map.of(Terminal.OVERRIDE, "bar"), false)).isEqualTo(Progress.Mode.BAR);
        assertThat(Terminal.mode(Map.of(Terminal.OVERRIDE, "off", "CI", "1"), true)).isEqualTo(Progress.Mode.OFF);
        assertThatThrownBy(() -> Terminal.mode(Map.of(Terminal.OVERRIDE, "fancy"), true))
                .hasMessageContaining("bar, lines or off");
    }
}
