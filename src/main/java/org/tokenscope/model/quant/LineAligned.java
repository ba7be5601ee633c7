package org.tokenscope.model.quant;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The kernels' scratch floats, one buffer a thread, whose element {@link #offset()} starts a 64-byte
 * cache line wherever the JVM allows it.
 *
 * <p>Why: with AVX-512 a register is 64 bytes, and the kernels load rows and positions at multiples of
 * 16 floats from an array's start, so an array whose data starts off a line makes every one of those
 * loads straddle two lines. Java places arrays 8 bytes apart, so which case a run got was chance: gpt2's
 * 48 prompt matrices × 16 positions took 27 ms on one core in runs where the arrays happened to start
 * on a line and 32–36 ms in the others (the 4 × 4 tile alone, cache-hot, 86–170 GFLOP/s). G1 puts an
 * array of at least half a heap region (a "humongous" object) at the start of a region and does not
 * move it, so the buffers here are made that large and used from the first element on a line. Under
 * another collector they are ordinary arrays used from element 0: the same numbers, at the old chance.
 */
final class LineAligned {

    private static final int LINE = 64;

    /** The most a thread's buffer is made larger than it needs to be: half of G1's largest default region. */
    private static final long MAX_BYTES = 16L << 20;

    /** Bytes from which G1 places an array at a region's start; 0 when the collector is not G1. */
    private static final long HUMONGOUS_BYTES = humongousBytes();

    /** The first element of a humongous float[] that starts a line (its data follows the header). */
    private static final int OFFSET = HUMONGOUS_BYTES == 0 ? 0 : firstOnLine();

    private static final ThreadLocal<float[]> BUFFERS = new ThreadLocal<>();

    private LineAligned() {
    }

    /** Where the aligned part of every {@link #buffer} starts: 0 when alignment cannot be had. */
    static int offset() {
        return OFFSET;
    }

    /**
     * This thread's buffer, at least {@link #offset()} + {@code floats} long (grown when asked for more:
     * contents are not kept then). Valid until this thread asks again; never shared between threads.
     */
    static float[] buffer(int floats) {
        float[] buffer = BUFFERS.get();
        if (buffer == null || buffer.length < OFFSET + floats) {
            long wanted = Math.max((long) OFFSET + floats, HUMONGOUS_BYTES / Float.BYTES + LINE);
            buffer = new float[Math.toIntExact(wanted)];
            BUFFERS.set(buffer);
        }
        return buffer;
    }

    /** Rounds a float count up to whole cache lines, so that what follows also starts one. */
    static int lines(int floats) {
        int perLine = LINE / Float.BYTES;
        return (floats + perLine - 1) / perLine * perLine;
    }

    private static long humongousBytes() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            long half = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue()) / 2;
            return half <= MAX_BYTES ? half : 0; // regions set larger than G1 picks itself: not worth the memory
        } catch (RuntimeException | LinkageError e) { // not HotSpot, or no jdk.management: no alignment
            return 0;
        }
    }

    @SuppressWarnings("removal")
    private static int firstOnLine() {
        int base = sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET; // a region starts on a line; the data is this far in
        return base % Float.BYTES != 0 ? 0 : (LINE - base % LINE) % LINE / Float.BYTES;
    }
}
