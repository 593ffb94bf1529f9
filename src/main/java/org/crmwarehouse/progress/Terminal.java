package org.crmwarehouse.progress;

import java.util.Locale;
import java.util.Map;

/**
 * Whether progress is drawn as a bar or written as lines. A bar only for a person at a terminal:
 * {@link System#console()} is there only when standard input and output are both a terminal
 * (not a pipe, a file, CI or a service's journal). {@code CRM_WAREHOUSE_PROGRESS=bar|lines|off}
 * overrides; a CI environment ({@code CI} set) or {@code TERM=dumb} gets lines.
 */
public final class Terminal {
    public static final String OVERRIDE = "CRM_WAREHOUSE_PROGRESS";

    private Terminal() {
    }

    public static Progress.Mode mode() {
        return mode(System.getenv(), System.console() != null);
    }

    static Progress.Mode mode(Map<String, String> env, boolean console) {
        String override = env.get(OVERRIDE);
        if (override != null && !override.isBlank()) {
            return switch (override.trim().toLowerCase(Locale.ROOT)) {
                case "bar" -> Progress.Mode.BAR;
                case "lines" -> Progress.Mode.LINES;
                case "off" -> Progress.Mode.OFF;
                default -> throw new IllegalArgumentException(OVERRIDE + " must be bar, lines or off, was " + override);
            };
        }
        boolean ci = env.get("CI") != null && !env.get("CI").isBlank() && !env.get("CI").equalsIgnoreCase("false");
        return console && !ci && !"dumb".equals(env.get("TERM")) ? Progress.Mode.BAR : Progress.Mode.LINES;
    }
}
