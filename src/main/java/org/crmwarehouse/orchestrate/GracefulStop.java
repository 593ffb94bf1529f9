package org.crmwarehouse.orchestrate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What SIGTERM (systemd's and Kubernetes' stop) and SIGINT (Ctrl-C) do while a command runs:
 * <ol>
 *   <li>the first: the command starts no further night, lets the running one finish, then exits 0;</li>
 *   <li>the second, or the first plus the stop grace: the running night stops at its next step
 *       boundary (the step in progress finishes; the next one is recorded STOPPED without running),
 *       and the command exits {@link #EXIT_STOPPED}; the next run of that date resumes there;</li>
 *   <li>the third: the process exits at once, as a kill would (the next run resumes the night).</li>
 * </ol>
 * The signals are handled, not left to the JVM's shutdown: a JVM shutdown runs every shutdown
 * hook at once (H2's closes the job repository under the running step), cannot see a second
 * signal, and always exits 128 + signal. (Turning H2's hook off with DB_CLOSE_ON_EXIT=FALSE is
 * not possible: H2 refuses it with AUTO_SERVER=TRUE, which {@code status} needs to read the
 * repository while a night holds it.) So the JVM shuts down only when the command has closed the
 * repository and returned its exit code.
 */
public final class GracefulStop implements AutoCloseable {
    /** A night stopped at a step boundary: sysexits.h EX_TEMPFAIL, "try again later". */
    public static final int EXIT_STOPPED = 75;
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger("org.crmwarehouse.progress");
    private static volatile GracefulStop current;

    private final Duration grace;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile int received;
    private volatile String signalName;
    private volatile boolean atStepBoundary;
    private Thread graceTimer;

    private GracefulStop(Duration grace) {
        this.grace = grace;
    }

    /** Handles SIGTERM and SIGINT until {@link #close()}, which puts the previous handlers back. */
    public static GracefulStop install(Duration grace) {
        GracefulStop stop = new GracefulStop(grace);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal signal = new Signal(name);
                stop.previous.put(signal, Signal.handle(signal, stop::onSignal));
            } catch (IllegalArgumentException unavailable) {
                // e.g. java -Xrs: the JVM keeps the signal, and a stop is a kill
                log.warn("[stop] SIG{} cannot be handled ({}): it stops the process at once; the next run of the "
                        + "date resumes the night", name, unavailable.getMessage());
            }
        }
        current = stop;
        return stop;
    }

    /** A stop was asked: start no further night. */
    public static boolean requested() {
        GracefulStop stop = current;
        return stop != null && stop.received > 0;
    }

    /** The running night must stop before its next step. */
    public static boolean atStepBoundary() {
        GracefulStop stop = current;
        return stop != null && stop.atStepBoundary;
    }

    /** The signal that asked the stop, e.g. {@code SIGTERM}. */
    public static String signalName() {
        GracefulStop stop = current;
        return stop == null || stop.signalName == null ? "SIGTERM" : stop.signalName;
    }

    /** The step an execution stopped before (recorded STOPPED), or null when it did not stop. */
    public static String stoppedBefore(JobExecution execution) {
        if (execution.getStatus() != BatchStatus.STOPPED) {
            return null;
        }
        return execution.getStepExecutions().stream().filter(s -> s.getStatus() == BatchStatus.STOPPED)
                .map(StepExecution::getStepName).findFirst().orElse("?");
    }

    private synchronized void onSignal(Signal signal) {
        received++;
        String name = "SIG" + signal.getName();
        if (received == 1) {
            signalName = name;
            if (grace.isZero()) {
                atStepBoundary = true;
                log.info("[stop] {}: a running night stops at its next step boundary (the stop grace is 0), then "
                        + "crm-warehouse stops", name);
                return;
            }
            log.info("[stop] {}: stopping after the running night, if any, finishes (a second {}, or the stop grace "
                    + "of {} passing, stops the night at its next step boundary)", name, name, describe(grace));
            graceTimer = new Thread(this::awaitGrace, "crm-warehouse-stop-grace");
            graceTimer.setDaemon(true);
            graceTimer.start();
        } else if (received == 2) {
            stopAtStepBoundary("second " + name);
        } else {
            log.warn("[stop] {} again: exiting now, as a kill would; the next run of the date resumes the night", name);
            System.out.flush();
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
    }

    private void awaitGrace() {
        try {
            Thread.sleep(grace.toMillis());
        } catch (InterruptedException closed) {
            return; // the command ended first
        }
        stopAtStepBoundary("the stop grace of " + describe(grace) + " has passed");
    }

    private synchronized void stopAtStepBoundary(String why) {
        if (!atStepBoundary && current == this) {
            atStepBoundary = true;
            log.info("[stop] {}: the night stops at its next step boundary", why);
        }
    }

    /** {@code 10m}, {@code 90s}, {@code 1h}: as {@code --stop-grace} takes it. */
    public static String describe(Duration d) {
        long s = d.toSeconds();
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }

    /** Parses {@code 0}, {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h} or ISO-8601 ({@code PT10M}). */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? (n == 0 ? "s" : "") : m.group(2);
            switch (unit) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                default: break;
            }
        } else if (t.startsWith("pt")) {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (java.time.format.DateTimeParseException ignored) {
                // refused below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 90s, 10m, 1h or 0");
    }

    @Override
    public synchronized void close() {
        if (current == this) {
            current = null;
        }
        if (graceTimer != null) {
            graceTimer.interrupt();
        }
        previous.forEach(Signal::handle);
    }
}
