package org.tokenscope.net;

import java.time.Duration;

/**
 * When to try a request again, for every client that talks over the network (the Hugging Face Hub's
 * downloads, remote inference servers): at most {@code maxAttempts} tries in a row that fail, waiting
 * the server's {@code Retry-After} when it gives one (capped at {@code maxDelay}), else a delay doubling
 * from {@code firstDelay} up to {@code maxDelay}.
 *
 * @param maxAttempts tries in a row before giving up (at least 1; 1 = never retry)
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

    /**
     * Downloads: five tries, waiting 1, 2, 4, 8 seconds in between. The count starts again whenever a try
     * brings new bytes, so a slow but live connection is never given up on (huggingface_hub does the same).
     */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(8));
    }

    /** Inference servers that turn a request away for now (429, 502, 503, 504): four tries, 1 s doubling to 30 s. */
    public static RetryPolicy servers() {
        return new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** The wait after the {@code failures}-th failure in a row (1-based). */
    public Duration delayAfter(int failures) {
        return delayAfter(failures, null);
    }

    /** As {@link #delayAfter(int)}, or the server's {@code retryAfter} (capped at {@code maxDelay}) when it gave one. */
    public Duration delayAfter(int failures, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
        }
        Duration delay = firstDelay;
        for (int i = 1; i < failures && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
