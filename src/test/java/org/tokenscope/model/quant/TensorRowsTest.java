package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tokenscope.model.safetensors.DType;

/**
 * Rows read a block at a time through a {@link TensorRows.Reader} (how loading reads weights it
 * quantizes) equal the rows read from the whole buffer, across block boundaries, for F32 and BF16,
 * stored [out, in] and [in, out], and quantized by several threads at once.
 */
class TensorRowsTest {

    /** 150 rows of 4,096 F32 values: 16 KiB a row, 64 rows a 1 MiB block, the last block short. */
    private static ByteBuffer bytes(DType dtype, int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(rows * cols * dtype.bits() / 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            float v = (float) random.nextGaussian();
            if (dtype == DType.F32) b.putFloat(v); else b.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        return b.flip();
    }

    private static TensorRows.Reader reader(ByteBuffer whole, AtomicInteger reads) {
        return (offset, dst) -> {
            reads.incrementAndGet();
            dst.put(whole.duplicate().position(Math.toIntExact(offset)).limit(Math.toIntExact(offset) + dst.remaining()));
        };
    }

    @Test
    void blocksOfRowsEqualTheWholeBuffer() {
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            for (boolean inOut : new boolean[] {false, true}) {
                ByteBuffer whole = bytes(dtype, 150, 4096, 3);
                AtomicInteger reads = new AtomicInteger();
                long[] shape = {150, 4096};
                TensorRows mapped = TensorRows.of(whole, dtype, shape, inOut);
                TensorRows read = TensorRows.of(reader(whole, reads), dtype, shape, inOut);
                assertThat(read.out()).isEqualTo(mapped.out());
                float[] a = new float[mapped.in()];
                float[] b = new float[mapped.in()];
                for (int r = mapped.out() - 1; r >= 0; r -= 7) { // backwards: every block read again
                    mapped.row(r, a);
                    read.row(r, b);
                    assertThat(b).as("%s %s row %d", dtype, inOut ? "[in, out]" : "[out, in]", r).containsExactly(a);
                }
                assertThat(reads.get()).as("whole blocks, not rows").isLessThan(150);
            }
        }
    }

    @Test
    void quantizingFromBlocksOnSeveralThreadsEqualsTheMapping() {
        ByteBuffer whole = bytes(DType.F32, 300, 1024, 5);
        long[] shape = {300, 1024};
        Q8Matrix fromMapping = Q8Matrix.quantize(300, 1024, TensorRows.of(whole, DType.F32, shape, false));
        Q8Matrix fromBlocks = Q8Matrix.quantize(300, 1024, TensorRows.of(reader(whole, new AtomicInteger()), DType.F32, shape, false));
        for (int r = 0; r < 300; r++) {
            for (int c = 0; c < 1024; c += 13) {
                assertThat(fromBlocks.quant(r, c)).isEqualTo(fromMapping.quant(r, c));
                assertThat(fromBlocks.scale(r, c)).isEqualTo(fromMapping.scale(r, c));
            }
        }
    }

    @Test
    void aFailedReadSaysSo() {
        TensorRows read = TensorRows.of((offset, dst) -> {
            throw new IOException("the file is gone");
        }, DType.F32, new long[] {4, 32}, false);
        assertThatThrownBy(() -> read.row(0, new float[32])).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("the file is gone");
    }
}
