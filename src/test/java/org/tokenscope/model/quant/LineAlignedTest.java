package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class LineAlignedTest {

    private static final HotSpotDiagnosticMXBean VM = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    @SuppressWarnings("removal")
    void underG1TheOffsetPutsAnElementOnALineInAnArrayOfHalfARegion() {
        assertThat(VM.getVMOption("UseG1GC").getValue()).isEqualTo("true"); // the tests' JVM: the default collector
        long region = Long.parseLong(VM.getVMOption("G1HeapRegionSize").getValue());
        int offset = LineAligned.offset();
        assertThat(offset).isBetween(1, 15); // a header of 12..20 bytes: never 0 floats to the next line
        assertThat((sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET + Float.BYTES * offset) % 64).isZero();
        float[] buffer = LineAligned.buffer(100);
        assertThat((long) buffer.length * Float.BYTES).isGreaterThanOrEqualTo(region / 2); // humongous: starts a region
    }

    @Test
    void aBufferIsTheThreadsOwnAndGrowsWhenAskedForMore() throws Exception {
        float[] first = LineAligned.buffer(1000);
        assertThat(first.length).isGreaterThanOrEqualTo(LineAligned.offset() + 1000);
        assertThat(LineAligned.buffer(10)).isSameAs(first);
        float[][] other = new float[1][];
        Thread thread = new Thread(() -> other[0] = LineAligned.buffer(1000));
        thread.start();
        thread.join();
        assertThat(other[0]).isNotNull().isNotSameAs(first);
        float[] bigger = LineAligned.buffer(first.length + 1);
        assertThat(bigger.length).isGreaterThanOrEqualTo(LineAligned.offset() + first.length + 1);
        assertThat(LineAligned.buffer(first.length + 1)).isSameAs(bigger);
    }

    @Test
    void linesRoundUpToSixteenFloats() {
        assertThat(LineAligned.lines(0)).isZero();
        assertThat(LineAligned.lines(1)).isEqualTo(16);
        assertThat(LineAligned.lines(3072)).isEqualTo(3072);
        assertThat(LineAligned.lines(4 * 777)).isEqualTo(3120);
    }
}
