package org.tokenscope.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tokenscope.model.quant.Bf16Matrix;
import org.tokenscope.model.quant.Q8Matrix;

/**
 * Times one linear layer in every {@link WeightFormat} on random weights of a given shape, through
 * {@link LinearWeights#apply} as the forward pass calls it (the copies between engine and Java
 * included) and, for bf16/q8, the bare Java kernel: what {@code bench --kernels} prints, so the
 * choice of kernel is measured, not assumed.
 */
public final class KernelBenchmark {

    static {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    }

    /** One shape and format: median milliseconds per call at T = 1 and at T = {@code batch}, and GB/s of weights read at T = 1. */
    public record Result(int in, int out, String weights, String path, int positions, double medianMs,
                         double cpuMs, double weightGBperS) {
    }

    private KernelBenchmark() {
    }

    /** The Java kernel's description on this JVM ("Vector API, 512-bit" or "scalar ..."). */
    public static String kernel() {
        return Q8Matrix.kernel();
    }

    public static List<Result> run(int[][] shapes, int batch, int repeats) {
        List<Result> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            LinearWeights.Scratch scratch = new LinearWeights.Scratch();
            for (int[] shape : shapes) {
                int in = shape[0];
                int out = shape[1];
                float[] w = new float[in * out];
                SplittableRandom random = new SplittableRandom(in * 31L + out);
                for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
                NDArray weight = manager.create(w, new Shape(out, in));                   // [out, in]
                NDArray bias = manager.zeros(new Shape(out));
                Q8Matrix q8 = Q8Matrix.quantize(out, in, (r, dst) -> System.arraycopy(w, r * in, dst, 0, in));
                Bf16Matrix bf16 = Bf16Matrix.round(out, in, (r, dst) -> System.arraycopy(w, r * in, dst, 0, in));
                LinearWeights[] layers = {new LinearWeights.F32(weight, bias),
                        new LinearWeights.Packed(WeightFormat.BF16, bf16, bias, scratch),
                        new LinearWeights.Packed(WeightFormat.Q8, q8, bias, scratch)};
                float[] xs = new float[in];
                for (int i = 0; i < in; i++) xs[i] = (float) random.nextGaussian();
                float[] y = new float[out];
                results.add(time(in, out, "q8", "java kernel", 1, q8.bytes(), repeats, () -> q8.matvec(xs, y)));
                results.add(time(in, out, "bf16", "java kernel", 1, bf16.bytes(), repeats, () -> bf16.matvec(xs, y)));
                for (int positions : new int[] {1, 4, 16, batch}) {
                    float[] input = new float[positions * in];
                    for (int i = 0; i < input.length; i++) input[i] = (float) random.nextGaussian();
                    for (LinearWeights layer : layers) {
                        String format = layer.format().label();
                        if (layer instanceof LinearWeights.Packed stored) { // both paths, to place the crossover
                            if (positions <= 64) {
                                results.add(time(in, out, format, "java", positions, layer.bytes(), repeats,
                                        () -> call(manager, input, positions, in, x -> stored.applyRows(x, positions))));
                            }
                            if (positions > 1) {
                                results.add(time(in, out, format, "widen+gemm", positions, layer.bytes(), repeats,
                                        () -> call(manager, input, positions, in, stored::applyWidened)));
                            }
                        } else {
                            results.add(time(in, out, format, "engine", positions, layer.bytes(), repeats,
                                    () -> call(manager, input, positions, in, layer::apply)));
                        }
                    }
                }
                weight.close();
                bias.close();
            }
        }
        return results;
    }

    /** One call as the forward pass makes it: the input into the engine, the layer, the output back out. */
    private static void call(NDManager manager, float[] input, int positions, int in,
                             java.util.function.Function<NDArray, NDArray> layer) {
        try (NDManager step = manager.newSubManager()) {
            layer.apply(step.create(input, new Shape(positions, in))).toFloatArray();
        }
    }

    private static Result time(int in, int out, String weights, String path, int positions, long bytes, int repeats,
                               Runnable call) {
        int inner = Math.max(1, (int) (2e8 / ((long) in * out * Math.max(1, positions)))); // ~0.2 G multiply-adds a sample
        for (int i = 0; i < Math.max(3, inner); i++) call.run(); // warm-up: JIT and the engine's first calls
        double[] ms = new double[repeats];
        double[] cpu = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < inner; i++) call.run();
            ms[r] = (System.nanoTime() - start) / 1e6 / inner;
            cpu[r] = (processCpuNanos() - cpuStart) / 1e6 / inner;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        double median = ms[repeats / 2];
        return new Result(in, out, weights, path, positions, median, cpu[repeats / 2],
                positions == 1 ? bytes / (median * 1e6) : Double.NaN);
    }

    /** CPU time of the whole process, every thread (the engine's too): steadier than wall time on a busy machine. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
