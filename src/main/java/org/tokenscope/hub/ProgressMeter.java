package org.tokenscope.hub;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Transfer rate and time left of one download, over the last few seconds of progress, for a
 * progress bar (the command line's or the app's). Feed it what a {@link DownloadListener} hears.
 * Not thread-safe: use one per listener.
 */
public final class ProgressMeter {

    private record Sample(long nanos, long bytes) {
    }

    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** A meter that averages over the last 5 seconds. */
    public ProgressMeter() {
        this(Duration.ofSeconds(5));
    }

    public ProgressMeter(Duration window) {
        this.windowNanos = window.toNanos();
    }

    /** Records that {@code bytesDone} bytes were done at {@code nanos} ({@link System#nanoTime()}). */
    public void update(long bytesDone, long nanos) {
        if (!samples.isEmpty() && bytesDone < samples.peekLast().bytes()) {
            samples.clear(); // the download started over
        }
        samples.addLast(new Sample(nanos, bytesDone));
        while (samples.size() > 2 && nanos - samples.peekFirst().nanos() > windowNanos) {
            samples.removeFirst();
        }
    }

    /** Bytes per second over the window; 0 until there are two samples apart in time. */
    public double bytesPerSecond() {
        if (samples.size() < 2) {
            return 0;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long nanos = last.nanos() - first.nanos();
        return nanos <= 0 ? 0 : (last.bytes() - first.bytes()) * 1e9 / nanos;
    }

    /** Time left to reach {@code bytesTotal} at the current rate, if there is a rate and a total. */
    public Optional<Duration> timeLeft(long bytesTotal) {
        double rate = bytesPerSecond();
        if (rate <= 0 || bytesTotal < 0 || samples.isEmpty()) {
            return Optional.empty();
        }
        long left = Math.max(0, bytesTotal - samples.peekLast().bytes());
        return Optional.of(Duration.ofMillis((long) Math.ceil(left / rate * 1000)));
    }
}
