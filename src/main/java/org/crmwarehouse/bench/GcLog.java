package org.crmwarehouse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peak Java heap of a JVM, read from its unified GC log ({@code -Xlog:gc*:file=...}).
 *
 * <p>Every collection logs {@code used-before->used-after(committed)}, e.g. {@code 18M->2M(380M)};
 * the heap is fullest just before a collection, so the largest "before" figure is the peak the
 * collector saw. The exit line ({@code garbage-first heap total 71680K, used 25916K}) covers a peak
 * reached after the last collection. Sizes are in MiB.
 *
 * @param collections    number of collection pauses logged
 * @param peakUsedMiB    largest heap in use (before a collection, or at exit)
 * @param peakCommittedMiB largest heap the JVM had reserved from the OS for objects
 */
public record GcLog(int collections, double peakUsedMiB, double peakCommittedMiB) {

    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) Pause .*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final Pattern EXIT = Pattern.compile("heap\\s+total (\\d+)([KMG]), used (\\d+)([KMG])");

    public static GcLog read(Path file) throws IOException {
        return parse(Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of());
    }

    public static GcLog parse(List<String> lines) {
        int collections = 0;
        double used = 0;
        double committed = 0;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                if (line.contains("Pause Young") || line.contains("Pause Full")) {
                    collections++;
                }
                used = Math.max(used, mib(pause.group(1), pause.group(2)));
                committed = Math.max(committed, mib(pause.group(5), pause.group(6)));
                continue;
            }
            Matcher exit = EXIT.matcher(line);
            if (exit.find()) {
                committed = Math.max(committed, mib(exit.group(1), exit.group(2)));
                used = Math.max(used, mib(exit.group(3), exit.group(4)));
            }
        }
        return new GcLog(collections, used, committed);
    }

    private static double mib(String amount, String unit) {
        double value = Double.parseDouble(amount);
        return switch (unit) {
            case "K" -> value / 1024;
            case "G" -> value * 1024;
            default -> value;
        };
    }
}
