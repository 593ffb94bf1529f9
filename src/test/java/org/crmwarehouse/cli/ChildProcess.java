package org.crmwarehouse.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real command line in a child JVM ({@code java -cp <this test's class path>
 * org.crmwarehouse.cli.CrmWarehouse ...}), with stdout and stderr merged and collected line by
 * line, so a test can wait for a marker line and kill the process with SIGKILL.
 */
final class ChildProcess implements AutoCloseable {
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private String awaited;
    private CountDownLatch marker;

    private ChildProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::pump, "child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), CrmWarehouse.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("CRM_WAREHOUSE_HOME", workDir.resolve("home").toString());
        pb.environment().putAll(env);
        return new ChildProcess(pb.start());
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    if (marker != null && line.contains(awaited)) {
                        marker.countDown();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process was killed
        } finally {
            ended.countDown();
        }
    }

    /** Waits for a line containing the text; false on timeout or when the process ended without it. */
    boolean awaitLine(String text, long seconds) throws InterruptedException {
        CountDownLatch latch;
        synchronized (this) {
            if (lines.stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            awaited = text;
            marker = latch = new CountDownLatch(1);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (latch.await(200, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (ended.getCount() == 0) {
                synchronized (this) {
                    return lines.stream().anyMatch(l -> l.contains(text));
                }
            }
        }
        return false;
    }

    /**
     * Sends SIGTERM, as systemd's or Kubernetes' stop does. Not {@link Process#destroy()}: it also
     * closes this side's pipes, so the lines the child logs while it stops would be lost.
     */
    void sigterm() {
        if (!process.toHandle().destroy()) {
            throw new AssertionError("could not send SIGTERM to " + process.pid());
        }
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child process did not end within " + seconds + " s:\n" + output());
        }
        ended.await(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    synchronized String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
