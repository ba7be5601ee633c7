package org.tokenscope.hub;

import java.time.Duration;

/**
 * How often a cut download is retried, and how long to wait in between: the delay doubles from
 * {@code firstDelay} up to {@code maxDelay}. The count starts again whenever a try brings new
 * bytes, so a slow but live connection is never given up on (huggingface_hub's {@code http_get}
 * does the same).
 *
 * @param maxAttempts tries in a row without a new byte before giving up (at least 1)
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= firstDelay <= maxDelay");
        }
    }

    /** Five tries, waiting 1, 2, 4, 8 seconds in between. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(8));
    }

    /** The wait after the {@code failures}-th failure in a row (1-based). */
    public Duration delayAfter(int failures) {
        Duration delay = firstDelay;
        for (int i = 1; i < failures && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
