package org.tokenscope.remote;

import java.time.Duration;

/**
 * How often a request the server turned away for now (429 rate limit, 502/503/504) is sent again, and
 * how long to wait: the server's {@code Retry-After} (seconds) when it gives one, capped at
 * {@code maxDelay}, else a delay doubling from {@code firstDelay} up to {@code maxDelay}.
 *
 * @param maxAttempts tries in all (1 = never retry)
 */
record Retry(int maxAttempts, Duration firstDelay, Duration maxDelay) {

    Retry {
        if (maxAttempts < 1) throw new IllegalArgumentException("At least one attempt is needed, not " + maxAttempts + ".");
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("Retry delays need 0 <= first <= max.");
        }
    }

    static Retry defaults() {
        return new Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** The wait before try {@code attempt + 1} after try {@code attempt} (from 1) failed. */
    Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null) return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
        Duration d = firstDelay;
        for (int i = 1; i < attempt && d.compareTo(maxDelay) < 0; i++) d = d.multipliedBy(2);
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
