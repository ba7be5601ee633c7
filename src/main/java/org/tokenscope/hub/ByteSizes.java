package org.tokenscope.hub;

import java.util.Locale;

/** Byte counts for people: 548.1 MB (powers of 1000, as the Hub and {@code hf cache scan} show them). */
public final class ByteSizes {

    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private ByteSizes() {
    }

    public static String format(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
