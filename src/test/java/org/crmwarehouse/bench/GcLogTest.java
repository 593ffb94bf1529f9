package org.crmwarehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Peak heap from unified GC log lines (lines in the shape JDK 17's G1 writes them). */
class GcLogTest {

    @Test
    void peakIsTheLargestBeforeFigureOrTheExitFigure() {
        GcLog log = GcLog.parse(List.of(
                "[1.736s][info][gc,heap     ] GC(0) Eden regions: 18->0(19)",
                "[1.736s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 18M->2M(380M) 30.843ms",
                "[3.434s][info][gc          ] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 210M->3M(512M) 62.910ms",
                "[27.345s][info][gc          ] GC(12) Pause Remark 18M->18M(70M) 8.555ms",
                "[28.0s][info][gc          ] GC(13) Pause Full (System.gc()) 1G->40M(1G) 80.1ms",
                "[28.071s][info][gc,heap,exit]  garbage-first heap   total 71680K, used 25916K [0x00000000c0000000"));
        // Young + Young + Full; Remark is a concurrent-cycle pause, not a collection of its own.
        assertThat(log.collections()).isEqualTo(3);
        // max(18, 210, 18, 1024 MiB, 25916 KiB = 25.3 MiB) = 1 GiB; committed max(380, 512, 70, 1024, 70) = 1024.
        assertThat(log.peakUsedMiB()).isCloseTo(1024, within(1e-9));
        assertThat(log.peakCommittedMiB()).isCloseTo(1024, within(1e-9));
    }

    @Test
    void exitLineCoversAPeakAfterTheLastCollection() {
        GcLog log = GcLog.parse(List.of(
                "[1.7s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 18M->2M(380M) 30.8ms",
                "[9.0s][info][gc,heap,exit]  garbage-first heap   total 409600K, used 307200K [0x0]"));
        assertThat(log.peakUsedMiB()).isCloseTo(300, within(1e-9)); // 307200 KiB / 1024
        assertThat(log.peakCommittedMiB()).isCloseTo(400, within(1e-9)); // 409600 KiB / 1024
    }

    @Test
    void noLogMeansZero() {
        assertThat(GcLog.parse(List.of())).isEqualTo(new GcLog(0, 0, 0));
    }
}
