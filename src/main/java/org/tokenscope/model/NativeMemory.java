package org.tokenscope.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Keeps the engine's freed temporaries from staying resident. PyTorch's CPU tensors come from
 * glibc's {@code malloc}, which serves large blocks with {@code mmap} and gives them back on free,
 * but raises that threshold to the size of each large block freed (up to 32 MiB); after the first
 * [128 × 50,257] head chunk is freed, every later temporary below 32 MiB is carved from the heap,
 * whose freed holes stay resident. Fixing the threshold ({@code mallopt(M_MMAP_THRESHOLD, ...)},
 * what the environment variable {@code MALLOC_MMAP_THRESHOLD_} does) keeps blocks of that size or
 * more out of the heap, at the price of fresh pages for each of them. Measured on gpt2 scoring
 * 1,024 tokens (BENCHMARKS.md): glibc's own 1.97 s and 1,277 MiB peak; 1 MiB 2.45 s, 921 MiB;
 * 2 MiB 2.31 s, 917 MiB; 8 MiB 2.05–2.21 s, 980–1,026 MiB; 32 MiB 1.78 s, 1,248 MiB. On 4,096
 * tokens 2 MiB peaks at 1,035 MiB and 8 MiB at 1,161: 2 MiB keeps gpt2 within the weights plus
 * 600 MB at every length, for about a tenth of the scoring time.
 *
 * <p>Only glibc has {@code mallopt}; elsewhere (macOS, Windows, musl) this does nothing. An explicit
 * {@code MALLOC_MMAP_THRESHOLD_} in the environment wins.
 */
final class NativeMemory {

    /**
     * Blocks this large or larger are mapped and unmapped, never kept in the heap; the system property
     * {@code tokenscope.mmapThreshold} sets another (bytes; 0 leaves glibc's own, for measuring).
     */
    static final int MMAP_THRESHOLD = 2 << 20;
    private static final int M_MMAP_THRESHOLD = -3; // malloc.h

    private static volatile boolean applied;

    private NativeMemory() {
    }

    private interface CLibrary extends Library {
        int mallopt(int param, int value);
    }

    /** Applies the threshold once per process; true when glibc took it. */
    static synchronized boolean fixMmapThreshold() {
        if (applied) {
            return true;
        }
        if (!System.getProperty("os.name", "").startsWith("Linux") || System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
            return false;
        }
        int threshold = Integer.getInteger("tokenscope.mmapThreshold", MMAP_THRESHOLD);
        if (threshold <= 0) {
            return false;
        }
        try {
            CLibrary c = Native.load("c", CLibrary.class);
            applied = c.mallopt(M_MMAP_THRESHOLD, threshold) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            applied = false; // no glibc (musl): its malloc has no such threshold to fix
        }
        return applied;
    }
}
