package org.crmwarehouse.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child JVM measured from outside, the same way for the nightly job and the floor: wall time
 * from start to exit, the process's CPU time (user + system of all its threads, DuckDB's native
 * ones included: {@code utime + stime} of {@code /proc/<pid>/stat}, in USER_HZ = 100 ticks a second
 * on Linux) and peak resident memory, sampled every {@value #POLL_MILLIS} ms and at each step
 * boundary the child logs ({@code [step] started}, {@code [step] completed in N s}). Its output goes
 * to a log file and, line by line, to a listener (the bench's progress).
 */
final class ChildRun {
    static final long POLL_MILLIS = 50;
    /** Clock ticks per second of /proc/<pid>/stat: USER_HZ, 100 on every Linux architecture Java runs on. */
    static final double TICKS_PER_SECOND = 100;
    private static final Pattern STARTED = Pattern.compile("\\[([a-z_]+)\\] started\\s*$");
    private static final Pattern ENDED = Pattern.compile("\\[([a-z_]+)\\] [A-Za-z]+ in [0-9.,]+ s\\s*$");

    /** Wall and CPU seconds of one step, from the child's start and end lines. */
    record Step(double wallSeconds, double cpuSeconds) {
    }

    /**
     * @param cpuSeconds -1 where /proc is not available
     * @param steps      in the order they started
     */
    record Result(int exit, double wallSeconds, double cpuSeconds, long peakRssKib, Map<String, Step> steps) {
    }

    private ChildRun() {
    }

    static Result run(List<String> command, Path logFile, Consumer<String> lines) throws IOException, InterruptedException {
        return run(command, logFile, lines, () -> { });
    }

    /** As above; {@code tick} runs every poll, so that progress moves on while a long step logs nothing. */
    static Result run(List<String> command, Path logFile, Consumer<String> lines, Runnable tick)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Ctrl-C on the bench must not leave the child running on its own.
        Thread stopChild = new Thread(child::destroyForcibly, "bench-stop-child");
        Runtime.getRuntime().addShutdownHook(stopChild);
        Sampler sampler = new Sampler(child.pid());
        Map<String, double[]> marks = new LinkedHashMap<>(); // step -> wall start, cpu start, wall end, cpu end
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher s = STARTED.matcher(line);
                    Matcher e = ENDED.matcher(line);
                    if (s.find() || e.find()) {
                        double wall = (System.nanoTime() - started) / 1e9;
                        double cpu = sampler.sample();
                        synchronized (marks) {
                            if (s.find(0)) {
                                marks.put(s.group(1), new double[] {wall, cpu, Double.NaN, Double.NaN});
                            } else if (marks.containsKey(e.group(1))) {
                                marks.get(e.group(1))[2] = wall;
                                marks.get(e.group(1))[3] = cpu;
                            }
                        }
                    }
                    log.println(line);
                    lines.accept(line);
                }
            } catch (IOException | RuntimeException ex) {
                // the child's output ended abnormally; its exit code tells what happened
            }
        }, "bench-child-output");
        reader.start();
        while (child.isAlive()) {
            sampler.sample();
            tick.run();
            Thread.sleep(POLL_MILLIS);
        }
        int exit = child.waitFor();
        reader.join();
        Runtime.getRuntime().removeShutdownHook(stopChild);
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Step> steps = new LinkedHashMap<>();
        synchronized (marks) {
            for (Map.Entry<String, double[]> m : marks.entrySet()) {
                double[] v = m.getValue();
                if (!Double.isNaN(v[2])) {
                    steps.put(m.getKey(), new Step(v[2] - v[0], sampler.cpuKnown ? v[3] - v[1] : -1));
                }
            }
        }
        return new Result(exit, wall, sampler.cpuKnown ? sampler.cpu : -1, sampler.peakRssKib, steps);
    }

    /** The child's CPU seconds and peak RSS, last known values (a read after its exit keeps them). */
    static final class Sampler {
        private final Path stat;
        private final Path status;
        volatile double cpu;
        volatile boolean cpuKnown;
        volatile long peakRssKib = -1;

        Sampler(long pid) {
            this.stat = Path.of("/proc", Long.toString(pid), "stat");
            this.status = Path.of("/proc", Long.toString(pid), "status");
        }

        synchronized double sample() {
            try {
                double seconds = cpuSeconds(Files.readString(stat, StandardCharsets.UTF_8));
                cpu = Math.max(cpu, seconds);
                cpuKnown = true;
                for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                    if (line.startsWith("VmHWM:")) {
                        peakRssKib = Math.max(peakRssKib, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process has just ended, or there is no /proc: keep the last reading
            }
            return cpu;
        }
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line, in seconds: fields 14 and 15, counted after
     * the command name in parentheses (which may itself hold spaces), as proc(5) describes.
     */
    static double cpuSeconds(String statLine) {
        String afterName = statLine.substring(statLine.lastIndexOf(')') + 2);
        String[] fields = afterName.trim().split(" +");
        // afterName starts at field 3 (state): utime is field 14, stime field 15
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
