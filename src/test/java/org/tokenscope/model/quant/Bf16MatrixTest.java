package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Bf16MatrixTest {

    @Test
    void roundsToNearestEven() {
        assertThat(Bf16Matrix.toBf16(1f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even one, 1
        assertThat(Bf16Matrix.toBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6: up, to the even
        assertThat(Bf16Matrix.toBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
        assertThat(Bf16Matrix.toBf16(-1f - 0x1p-7f - 0x1p-9f)).isEqualTo((short) 0xBF81); // just above half: nearest
        assertThat(Bf16Matrix.toFloat(Bf16Matrix.toBf16(Float.NaN))).isNaN();
        assertThat(Bf16Matrix.toFloat(Bf16Matrix.toBf16(Float.NEGATIVE_INFINITY))).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void aBf16TensorIsKeptBitForBitAndMatvecIsItsProduct() {
        int rows = 70;
        int cols = 300;
        Random random = new Random(1);
        ByteBuffer file = ByteBuffer.allocate(rows * cols * 2).order(ByteOrder.LITTLE_ENDIAN);
        short[] bits = new short[rows * cols];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Bf16Matrix.toBf16((float) random.nextGaussian());
            file.putShort(bits[i]);
        }
        Bf16Matrix m = Bf16Matrix.copyOf(rows, cols, file.flip());
        float[] x = new float[cols];
        for (int c = 0; c < cols; c++) x[c] = (float) random.nextGaussian();
        float[] y = new float[rows];
        m.matvec(x, y);
        for (int r = 0; r < rows; r++) {
            double want = 0;
            double magnitude = 0;
            for (int c = 0; c < cols; c++) {
                float w = Bf16Matrix.toFloat(bits[r * cols + c]);
                assertThat(m.get(r, c)).isEqualTo(w);
                want += (double) w * x[c];
                magnitude += Math.abs((double) w * x[c]);
            }
            assertThat((double) y[r]).isCloseTo(want, within(1e-5 * magnitude));
            float[] shifted = new float[2 + cols]; // x from element 2, after values that must not count
            shifted[0] = 1e6f;
            shifted[1] = -1e6f;
            System.arraycopy(x, 0, shifted, 2, cols);
            assertThat(new ScalarKernels().dotBf16(bits, r * cols, shifted, 2, cols)).isCloseTo(y[r], within((float) (1e-5 * magnitude)));
            assertThat(Kernels.best().dotBf16(bits, r * cols, shifted, 2, cols)).isCloseTo(y[r], within((float) (1e-5 * magnitude)));
        }
    }

    @Test
    void roundingFromFloat32LosesAtMostHalfABf16Step() {
        float[][] m = new float[3][50];
        Random random = new Random(2);
        for (float[] row : m) for (int c = 0; c < 50; c++) row[c] = (float) random.nextGaussian();
        Bf16Matrix b = Bf16Matrix.round(3, 50, (r, dst) -> System.arraycopy(m[r], 0, dst, 0, 50));
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 50; c++) {
                assertThat(Math.abs(b.get(r, c) - m[r][c])).isLessThanOrEqualTo(Math.ulp(m[r][c]) * 32768); // 16 bits fewer: half a step is 2^15 float32 ulps
            }
        }
    }
}
