package org.crmwarehouse.publish;

import java.io.IOException;

/**
 * TEST HOOKS, never set in production: named points inside publish (see {@link Publisher}) where
 * a test can pause the process to kill it, or make publish fail as a full disk would.
 * <ul>
 *   <li>{@code CRM_WAREHOUSE_TEST_PAUSE_AT=<point>}: prints {@code crm-warehouse-test: paused at
 *       <point>} on stdout and sleeps {@code CRM_WAREHOUSE_TEST_PAUSE_SECONDS} (default 300).</li>
 *   <li>{@code CRM_WAREHOUSE_TEST_FAIL_AT=<point>}: throws an IOException there.</li>
 * </ul>
 * Both read the environment (a child process's) or, for in-process tests, the system property
 * of the same name.
 */
public final class PublishHooks {
    public static final String PAUSE_ENV = "CRM_WAREHOUSE_TEST_PAUSE_AT";
    public static final String FAIL_ENV = "CRM_WAREHOUSE_TEST_FAIL_AT";
    public static final String SECONDS_ENV = "CRM_WAREHOUSE_TEST_PAUSE_SECONDS";
    public static final String MARKER = "crm-warehouse-test: paused at ";

    private PublishHooks() {
    }

    static void reached(String point) throws IOException {
        if (point.equals(setting(FAIL_ENV))) {
            throw new IOException("test hook " + FAIL_ENV + ": simulated failure at " + point + " (as a full disk)");
        }
        if (point.equals(setting(PAUSE_ENV))) {
            String seconds = setting(SECONDS_ENV);
            System.out.println(MARKER + point);
            System.out.flush();
            try {
                Thread.sleep(1000L * (seconds == null ? 300 : Long.parseLong(seconds)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while paused at " + point, e);
            }
        }
    }

    private static String setting(String name) {
        String value = System.getenv(name);
        return value != null ? value : System.getProperty(name);
    }
}
