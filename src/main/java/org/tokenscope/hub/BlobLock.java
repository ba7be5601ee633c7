package org.tokenscope.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Exclusive use of one blob while it is downloaded: an OS file lock on its {@code .lock} file
 * against other processes, and a semaphore against other threads of this one (the JVM refuses a
 * second lock on the same file from the same process). Waiting checks for cancellation.
 *
 * <p>Java's file locks are POSIX record locks ({@code fcntl}); Python's {@code filelock} uses
 * {@code flock}, and on Linux the two do not see each other. That costs at worst a duplicate
 * download, never a corrupt blob: both sides rename a complete, verified file into place.
 */
final class BlobLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 50;

    private final Semaphore semaphore;
    private final FileChannel channel;

    private BlobLock(Semaphore semaphore, FileChannel channel) {
        this.semaphore = semaphore;
        this.channel = channel;
    }

    static BlobLock acquire(Path lockFile, BooleanSupplier cancelled) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        Semaphore semaphore = IN_PROCESS.computeIfAbsent(key, k -> new Semaphore(1));
        try {
            while (!semaphore.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                checkCancelled(cancelled, lockFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadCancelledException("Download cancelled while waiting for " + lockFile + ".");
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (channel.tryLock() == null) {
                checkCancelled(cancelled, lockFile);
                Thread.sleep(POLL_MILLIS);
            }
            return new BlobLock(semaphore, channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            semaphore.release();
            throw new DownloadCancelledException("Download cancelled while waiting for " + lockFile + ".");
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            semaphore.release();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        // Closing the channel releases the lock, even on a thread that has been interrupted
        // (where FileLock.release() itself would throw).
        try {
            channel.close();
        } finally {
            semaphore.release();
        }
    }

    private static void checkCancelled(BooleanSupplier cancelled, Path lockFile) throws DownloadCancelledException {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new DownloadCancelledException("Download cancelled while waiting for another download of "
                    + lockFile.getFileName() + " to finish.");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a channel we failed to lock: nothing to do.
            }
        }
    }
}
