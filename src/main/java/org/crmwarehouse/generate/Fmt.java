package org.crmwarehouse.generate;

/**
 * Allocation-light formatting of the contract's value types. Times are local epoch seconds (no zone),
 * dates are epoch days; money is held in cents so totals add up exactly.
 * java.time formatters are correct but several times slower, and this runs a few hundred million times at scale.
 */
final class Fmt {
    private Fmt() {}

    static final long SECONDS_PER_DAY = 86_400L;

    static String date(long epochDay) {
        char[] c = new char[10];
        writeDate(c, 0, epochDay);
        return new String(c);
    }

    static String timestamp(long epochSecond) {
        long day = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secs = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        char[] c = new char[19];
        writeDate(c, 0, day);
        c[10] = ' ';
        two(c, 11, secs / 3600);
        c[13] = ':';
        two(c, 14, secs / 60 % 60);
        c[16] = ':';
        two(c, 17, secs % 60);
        return new String(c);
    }

    /** Civil-from-days, after Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms". */
    private static void writeDate(char[] c, int at, long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        two(c, at, year / 100);
        two(c, at + 2, year % 100);
        c[at + 4] = '-';
        two(c, at + 5, month);
        c[at + 7] = '-';
        two(c, at + 8, day);
    }

    private static void two(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }

    /** Cents as a decimal with exactly two places, e.g. 12345 -> "123.45". */
    static String money(long cents) {
        StringBuilder sb = new StringBuilder(16);
        if (cents < 0) {
            sb.append('-');
            cents = -cents;
        }
        sb.append(cents / 100).append('.');
        long frac = cents % 100;
        if (frac < 10) sb.append('0');
        return sb.append(frac).toString();
    }

    /** A percentage as a fraction with two places, e.g. 15 -> "0.15". */
    static String fraction(int percent) {
        return money(percent);
    }

    /** Zero-padded index, used for ids such as C0000042. */
    static String padded(char prefix, long index, int width) {
        char[] c = new char[width + 1];
        c[0] = prefix;
        for (int i = width; i >= 1; i--) {
            c[i] = (char) ('0' + index % 10);
            index /= 10;
        }
        return new String(c);
    }
}
