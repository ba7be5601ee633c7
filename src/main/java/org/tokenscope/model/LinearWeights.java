package org.tokenscope.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tokenscope.model.quant.Bf16Matrix;
import org.tokenscope.model.quant.PackedMatrix;
import org.tokenscope.model.quant.Q8Matrix;
import org.tokenscope.model.quant.TensorRows;

/**
 * One linear layer's weights, y = x·Wᵀ + b with W [out, in], held in one of the {@link WeightFormat}s.
 * The forward pass calls {@link #apply} and does not care which: float32 runs the engine's fused
 * {@code addmm}; bfloat16 and Q8_0 multiply one position ([1, in], generation) in Java with the
 * Vector API kernels, reading each stored weight once, and more positions (scoring a text) by
 * widening a block of W's rows at a time into a float32 scratch buffer the engine's GEMM reads.
 * {@link #rows} reads W's rows as float32: the lookup of an embedding that is also the head.
 *
 * <p>Not thread-safe: the scratch buffer is shared by every layer of one model, whose single
 * inference thread runs one layer at a time.
 */
sealed interface LinearWeights permits LinearWeights.F32, LinearWeights.Packed {

    /**
     * Positions up to which the Java kernel multiplies (each weight row read once for all of them)
     * rather than widening the matrix for the engine's GEMM; {@code bench --kernels} measures both.
     * Scoring a text of N tokens, q8, 16 against 128 here: gpt2 N = 32 120 vs 88 ms, 64: 153 vs 147,
     * 96: 212 vs 197; Llama-3.2-1B 32: 890 vs 563, 64: 1,148 vs 952, 96: 1,364 vs 1,494.
     */
    int JAVA_POSITIONS = Integer.getInteger("tokenscope.javaPositions", 64);

    WeightFormat format();

    int in();

    int out();

    /** Bytes the matrix holds (the bias not counted). */
    long bytes();

    /** x·Wᵀ + b: [T, in] -> [T, out], made in x's manager. */
    NDArray apply(NDArray x);

    /** Rows {@code ids} of W as float32 ([n, in], in {@code manager}): an embedding lookup. */
    NDArray rows(NDManager manager, long[] ids);

    /** Row {@code id} of W as float32 into {@code dst} ([in]): one embedding lookup, for the Java step. */
    void row(int id, float[] dst);

    /** The same matrix (shared, not copied) with {@code bias} ([out] or null) added by {@link #apply}. */
    LinearWeights withBias(NDArray bias);

    /**
     * The weights of {@code tensor} held as {@code format}, with an optional float32 {@code bias} ([out]).
     * For float32 the matrix is made in {@code manager} (F32 files straight from the mapped bytes
     * when {@code f32Array} is given: the loader's array, [out, in] or [in, out] as stored).
     */
    static LinearWeights of(WeightFormat format, TensorRows tensor, NDArray f32OutIn, NDArray bias, Scratch scratch) {
        return of(format, tensor, f32OutIn, bias, scratch, null);
    }

    /** As above, a q8 matrix placed in {@code arena} (see {@link Q8Matrix.Arena}) when one is given. */
    static LinearWeights of(WeightFormat format, TensorRows tensor, NDArray f32OutIn, NDArray bias, Scratch scratch,
                            Q8Matrix.Arena arena) {
        return switch (format) {
            case F32 -> new F32(f32OutIn, bias);
            case BF16 -> new Packed(WeightFormat.BF16, tensor.dtype() == org.tokenscope.model.safetensors.DType.BF16
                    && !tensor.transposedAtLoad()
                    ? Bf16Matrix.copyOf(tensor.out(), tensor.in(), tensor.rawOutIn())
                    : Bf16Matrix.round(tensor.out(), tensor.in(), tensor), bias, scratch);
            case Q8 -> new Packed(WeightFormat.Q8, Q8Matrix.quantize(tensor.out(), tensor.in(), tensor, arena), bias, scratch);
        };
    }

    /**
     * A float32 buffer outside the heap that {@code bf16}/{@code q8} layers widen a block of rows into
     * for the engine's GEMM, shared by one model's layers. The engine reads it without a copy, so
     * each widened block is multiplied and its array closed before the next is written.
     */
    final class Scratch {
        /** 4 Mi floats (16 MiB): a gpt2 layer's largest matrix in one block, its 50,257-row head in 13. */
        static final int FLOATS = 4 << 20;
        private final int floats;
        private ByteBuffer buffer;

        Scratch() {
            this(FLOATS);
        }

        /** A buffer of {@code floats} values (tests make it small to split matrices into blocks). */
        Scratch(int floats) {
            this.floats = floats;
        }

        int floats() {
            return floats;
        }

        ByteBuffer bytes(long floats) {
            if (buffer == null) {
                buffer = ByteBuffer.allocateDirect(this.floats * Float.BYTES).order(ByteOrder.nativeOrder());
            }
            if (floats > this.floats) {
                throw new IllegalArgumentException("block of " + floats + " floats exceeds the scratch buffer");
            }
            return buffer.duplicate().order(ByteOrder.nativeOrder()).limit(Math.toIntExact(floats * Float.BYTES));
        }
    }

    /** float32 in the engine: one fused addmm. */
    record F32(NDArray weightOutIn, NDArray bias) implements LinearWeights { // [out, in], [out] or null
        @Override
        public WeightFormat format() {
            return WeightFormat.F32;
        }

        @Override
        public int in() {
            return Math.toIntExact(weightOutIn.getShape().get(1));
        }

        @Override
        public int out() {
            return Math.toIntExact(weightOutIn.getShape().get(0));
        }

        @Override
        public long bytes() {
            return weightOutIn.getShape().size() * Float.BYTES;
        }

        @Override
        public NDArray apply(NDArray x) {
            return ai.djl.nn.core.Linear.linear(x, weightOutIn, bias).singletonOrThrow();
        }

        @Override
        public LinearWeights withBias(NDArray bias) {
            return new F32(weightOutIn, bias);
        }

        @Override
        public void row(int id, float[] dst) {
            try (NDArray picked = weightOutIn.get(id)) {                   // [in], a view
                System.arraycopy(picked.toFloatArray(), 0, dst, 0, in());
            }
        }

        @Override
        public NDArray rows(NDManager manager, long[] ids) {
            NDArray picked = weightOutIn.get(manager.create(ids)); // [n, in], a copy
            picked.attach(manager);
            return picked;
        }
    }

    /**
     * bf16 or q8 weights ({@link PackedMatrix}): the Java kernel for a few positions, widened blocks
     * and a GEMM for more.
     */
    final class Packed implements LinearWeights {
        private final WeightFormat format;
        private final PackedMatrix matrix;
        private final NDArray bias;      // [out] or null
        private final float[] biasValues; // the same, for the Java path
        private final Scratch scratch;

        Packed(WeightFormat format, PackedMatrix matrix, NDArray bias, Scratch scratch) {
            this.format = format;
            this.matrix = matrix;
            this.bias = bias;
            this.biasValues = bias == null ? null : bias.toFloatArray();
            this.scratch = scratch;
        }

        PackedMatrix matrix() {
            return matrix;
        }

        @Override
        public LinearWeights withBias(NDArray bias) {
            return new Packed(format, matrix, bias, scratch);
        }

        @Override
        public WeightFormat format() {
            return format;
        }

        @Override
        public int in() {
            return matrix.cols();
        }

        @Override
        public int out() {
            return matrix.rows();
        }

        @Override
        public long bytes() {
            return matrix.bytes();
        }

        @Override
        public NDArray apply(NDArray x) { // [T, in] -> [T, out]
            int t = Math.toIntExact(x.getShape().get(0));
            return t <= JAVA_POSITIONS ? applyRows(x, t) : applyWidened(x);
        }

        /** Y = X·Wᵀ + b for t positions, all in Java: x [t, in] -> a new [t, out]. */
        float[] applyArrays(float[] x, int t) {
            float[] y = new float[t * out()];
            if (t == 1) {
                matrix.matvec(x, y);
            } else {
                matrix.matmul(x, t, y);
            }
            if (biasValues != null) {
                for (int p = 0; p < t; p++) {
                    for (int o = 0; o < biasValues.length; o++) y[p * biasValues.length + o] += biasValues[o];
                }
            }
            return y;
        }

        @Override
        public void row(int id, float[] dst) {
            matrix.dequantizeRow(id, dst, 0);
        }

        /** The positions through the Java kernel: each row of W read once for all of them. */
        NDArray applyRows(NDArray x, int t) {
            float[] y = applyArrays(x.toFloatArray(), t);                    // [T·in] -> [T·out]
            return x.getManager().create(y, new Shape(t, out()));            // [T, out]
        }

        /** W widened a block of rows at a time into the scratch buffer, each block one engine GEMM. */
        NDArray applyWidened(NDArray x) {
            int block = Math.max(1, Math.min(out(), scratch.floats() / in()));
            NDManager m = x.getManager();
            if (block >= out()) {
                return gemm(x, 0, out(), bias);                               // [T, out]
            }
            NDList parts = new NDList();
            for (int from = 0; from < out(); from += block) {
                int to = Math.min(out(), from + block);
                NDArray b = bias == null ? null : bias.get("{}:{}", from, to);
                parts.add(gemm(x, from, to, b));                             // [T, to − from]
                if (b != null) b.close();
            }
            NDArray y = NDArrays.concat(parts, 1);                           // [T, out]
            parts.close();
            y.attach(m);
            return y;
        }

        private NDArray gemm(NDArray x, int from, int to, NDArray blockBias) {
            ByteBuffer bytes = scratch.bytes((long) (to - from) * in());
            matrix.dequantizeRows(from, to, bytes.asFloatBuffer());
            NDArray w = x.getManager().create(bytes, new Shape(to - from, in()), DataType.FLOAT32); // [b, in], reads the scratch
            NDArray y = ai.djl.nn.core.Linear.linear(x, w, blockBias).singletonOrThrow();          // [T, b]
            w.close(); // before the scratch is written again
            return y;
        }

        @Override
        public NDArray rows(NDManager manager, long[] ids) {
            float[] out = new float[ids.length * in()];
            for (int i = 0; i < ids.length; i++) {
                matrix.dequantizeRow(Math.toIntExact(ids[i]), out, i * in());
            }
            return manager.create(out, new Shape(ids.length, in()));       // [n, in]
        }
    }
}
