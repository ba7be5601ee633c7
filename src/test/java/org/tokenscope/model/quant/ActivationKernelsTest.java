package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The vectorized activations (our own e^x and tanh) against the formulas in double precision. */
class ActivationKernelsTest {

    /** Values activations meet (a wide normal), the extremes, zeros and a length that leaves a scalar tail. */
    private static float[] inputs() {
        Random random = new Random(3);
        float[] x = new float[100_003];
        for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextGaussian() * 4);
        float[] edges = {0f, -0f, 1e-30f, -1e-30f, 9f, -9f, 9.5f, -9.5f, 20f, -20f, 87f, -87f, 88f, -88f, 89f, -89f,
                         100f, -100f, 1e4f, -1e4f, Float.MAX_VALUE, -Float.MAX_VALUE, 3e-4f, -3e-4f, 0.5f, -0.5f};
        System.arraycopy(edges, 0, x, 0, edges.length);
        return x;
    }

    /**
     * 0.5·x·(1 + tanh u) written x / (1 + e^−2u): the same function (checked here), without double's
     * 1 + tanh u = 0 for u < −19.
     */
    private static double gelu(double x) {
        double u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        double gelu = x / (1 + Math.exp(-2 * u));
        assertThat(gelu).isCloseTo(0.5 * x * (1 + Math.tanh(u)), within(1e-15 * (1 + Math.abs(x))));
        return gelu;
    }

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    /** An activation in place over x[from..to). */
    private interface InPlace {
        void apply(Kernels kernels, float[] x, int from, int to);
    }

    /** Each kernel's activation of {@link #inputs()} against {@code want}, within {@code tolerance}(x, want). */
    private static void check(String name, InPlace activation, DoubleUnaryOperator want, DoubleBinaryOperator tolerance) {
        for (Kernels k : new Kernels[] {Kernels.best(), new ScalarKernels()}) {
            float[] x = inputs();
            float[] y = x.clone();
            activation.apply(k, y, 0, y.length);
            for (int i = 0; i < x.length; i++) {
                double w = want.applyAsDouble(x[i]);
                assertThat(Math.abs(y[i] - w)).as("%s %s(%s)", k.description(), name, x[i])
                        .isLessThanOrEqualTo(tolerance.applyAsDouble(x[i], w));
            }
        }
    }

    @Test
    void geluTanhMatchesTheFormula() {
        check("gelu", Kernels::geluTanh,
                x -> Math.abs(x) > 1e18 ? Math.max(x, 0) : gelu(x),          // the double formula overflows x³ there
                // e^a carries a's float32 rounding (a few ulps of |a|) as a relative error of |a|·1e-7
                (x, want) -> 3e-7 * (1 + Math.min(100, 2 * Math.sqrt(2 / Math.PI) * Math.abs(x + 0.044715 * x * x * x)))
                        * Math.abs(want) + 1e-37);
    }

    @Test
    void siluMatchesTheFormula() {
        check("silu", Kernels::silu, ActivationKernelsTest::silu,
                (x, want) -> 3e-7 * (1 + Math.abs(x)) * Math.abs(want) + 1e-36);
    }

    @Test
    void onlyTheRangeIsTouched() {
        float[] x = inputs();
        float[] y = x.clone();
        Kernels.best().geluTanh(y, 5, 41);
        Kernels.best().silu(y, 60, 99);
        for (int i = 0; i < x.length; i++) {
            if (i < 5 || (i >= 41 && i < 60) || i >= 99) assertThat(y[i]).isEqualTo(x[i]);
        }
    }
}
