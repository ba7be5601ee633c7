package org.tokenscope.model.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on Java's Vector API, as mukel/llama3.java computes Q8_0: the float32 input
 * against int8 weights widened to float32 a register at a time (L = 16 lanes with AVX-512, 8 with
 * AVX2), one fused multiply-add per lane, then the block's scale. Bytes are loaded L at a time and
 * widened with part 0 only ({@code castShape(..., 0)}): C2 compiles that to one sign-extending
 * move and a conversion, where other parts fall back to slow code on some JDKs.
 *
 * <p>Loaded by name from {@link Kernels.Holder}, only when {@code jdk.incubator.vector} is present.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** L bytes: widened to one float register. */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 8));
    /** L shorts (bfloat16): widened to L ints, shifted into float32's high half. */
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(F.vectorShape());

    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    private static final FloatVector HALF = FloatVector.broadcast(F, 0.5f);
    private static final FloatVector GELU_CUBE = FloatVector.broadcast(F, 0.044715f);
    private static final float SQRT_2_PI = (float) Math.sqrt(2 / Math.PI);
    /** 1.5·2²³: added and taken away, rounds a float of magnitude below 2²² to the nearest integer. */
    private static final FloatVector ROUNDER = FloatVector.broadcast(F, 12582912f);

    /**
     * Folding 16-lane registers pairwise ({@link #dotRows4}, {@link #scores}): blend's mask takes the
     * second register's upper half (quarter, pair, odd lane) of each group, the swap brings the partner
     * lanes alongside.
     */
    private static final VectorMask<Float> HI8 = VectorMask.fromLong(F, 0xFF00L);
    private static final VectorMask<Float> HI4 = VectorMask.fromLong(F, 0xF0F0L);
    private static final VectorMask<Float> HI2 = VectorMask.fromLong(F, 0xCCCCL);
    private static final VectorMask<Float> HI1 = VectorMask.fromLong(F, 0xAAAAL);
    private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(F, i -> i ^ (8 % L));
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(F, i -> i ^ (4 % L));
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(F, i -> i ^ (2 % L));
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(F, i -> i ^ (1 % L));

    VectorKernels() {
        if (L > Q8Matrix.BLOCK || Q8Matrix.BLOCK % L != 0) {
            throw new IllegalStateException("unexpected vector width " + F.vectorBitSize());
        }
    }

    @Override
    public String description() {
        return "Vector API, " + F.vectorBitSize() + "-bit";
    }

    @Override
    public float dotQ8(byte[] quants, int qOffset, short[] scales, int sOffset, float[] x, int xo, int n) {
        if (L != 16) {
            return dotQ8Any(quants, qOffset, scales, sOffset, x, xo, n);
        }
        // AVX-512: a block is two registers. Two blocks a pass, each into its own accumulator (two
        // chains in flight), the block's products multiplied and added, not fused: written with a
        // fused multiply-add, or through small helper methods, the same loop read 4.4 GB/s of
        // weights a core where this one reads 7.7 (gpt2's 49 matrices, JDK 25).
        int full = n / Q8Matrix.BLOCK * Q8Matrix.BLOCK;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int q = qOffset;
        int s = sOffset;
        int c = 0;
        for (; c + 64 <= full; c += 64, q += 64, s += 2) {
            FloatVector w0 = (FloatVector) ByteVector.fromArray(B, quants, q).castShape(F, 0);
            FloatVector w1 = (FloatVector) ByteVector.fromArray(B, quants, q + 16).castShape(F, 0);
            FloatVector w2 = (FloatVector) ByteVector.fromArray(B, quants, q + 32).castShape(F, 0);
            FloatVector w3 = (FloatVector) ByteVector.fromArray(B, quants, q + 48).castShape(F, 0);
            FloatVector b0 = FloatVector.fromArray(F, x, xo + c).mul(w0).add(FloatVector.fromArray(F, x, xo + c + 16).mul(w1));
            FloatVector b1 = FloatVector.fromArray(F, x, xo + c + 32).mul(w2).add(FloatVector.fromArray(F, x, xo + c + 48).mul(w3));
            acc0 = b0.fma(FloatVector.broadcast(F, Float.float16ToFloat(scales[s])), acc0);
            acc1 = b1.fma(FloatVector.broadcast(F, Float.float16ToFloat(scales[s + 1])), acc1);
        }
        if (c < full) {
            FloatVector w0 = (FloatVector) ByteVector.fromArray(B, quants, q).castShape(F, 0);
            FloatVector w1 = (FloatVector) ByteVector.fromArray(B, quants, q + 16).castShape(F, 0);
            FloatVector b0 = FloatVector.fromArray(F, x, xo + c).mul(w0).add(FloatVector.fromArray(F, x, xo + c + 16).mul(w1));
            acc0 = b0.fma(FloatVector.broadcast(F, Float.float16ToFloat(scales[s])), acc0);
            s++;
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + tail(quants, qOffset, scales, s, x, xo, full, n);
    }

    /** The same for any register width (8 lanes with AVX2): one block a pass. */
    private static float dotQ8Any(byte[] quants, int qOffset, short[] scales, int sOffset, float[] x, int xo, int n) {
        int full = n / Q8Matrix.BLOCK * Q8Matrix.BLOCK;
        FloatVector acc = FloatVector.zero(F);
        int q = qOffset;
        int s = sOffset;
        for (int c = 0; c < full; c += Q8Matrix.BLOCK, q += Q8Matrix.BLOCK, s++) {
            FloatVector block = FloatVector.zero(F);                          // Σ x·q over the block, L lanes
            for (int i = 0; i < Q8Matrix.BLOCK; i += L) {
                FloatVector w = (FloatVector) ByteVector.fromArray(B, quants, q + i).castShape(F, 0);
                block = block.add(FloatVector.fromArray(F, x, xo + c + i).mul(w));
            }
            acc = block.fma(FloatVector.broadcast(F, Float.float16ToFloat(scales[s])), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail(quants, qOffset, scales, s, x, xo, full, n);
    }

    /** A short last block (rows whose length is not a multiple of 32): scale s over columns full..n. */
    private static float tail(byte[] quants, int qOffset, short[] scales, int s, float[] x, int xo, int full, int n) {
        if (full == n) {
            return 0;
        }
        float partial = 0;
        for (int c = full; c < n; c++) {
            partial += x[xo + c] * quants[qOffset + c];
        }
        return partial * Float.float16ToFloat(scales[s]);
    }

    @Override
    public int quantizeQ8(float[] x, int n, byte[] q, short[] scales) {
        int full = L == 16 ? n / Q8Matrix.BLOCK * Q8Matrix.BLOCK : 0;   // AVX-512: a block is two registers
        int b = 0;
        for (int c = 0; c < full; c += Q8Matrix.BLOCK, b++) {
            FloatVector v0 = FloatVector.fromArray(F, x, c);
            FloatVector v1 = FloatVector.fromArray(F, x, c + L);
            FloatVector a0 = v0.abs();
            FloatVector a1 = v1.abs();
            if (!a0.compare(VectorOperators.LT, Float.POSITIVE_INFINITY)                 // false for NaN too
                    .and(a1.compare(VectorOperators.LT, Float.POSITIVE_INFINITY)).allTrue()) {
                return ScalarKernels.quantizeBlock(x, c, c + Q8Matrix.BLOCK, q, scales, b); // finds the column
            }
            float d = a0.max(a1).reduceLanes(VectorOperators.MAX) / 127;
            float id = d != 0 ? 1 / d : 0;
            rounded(v0.mul(id)).intoArray(q, c);
            rounded(v1.mul(id)).intoArray(q, c + L);
            scales[b] = Float.floatToFloat16(d);
        }
        for (int from = full; from < n; b++, from += Q8Matrix.BLOCK) { // a short last block, or not AVX-512
            int bad = ScalarKernels.quantizeBlock(x, from, Math.min(n, from + Q8Matrix.BLOCK), q, scales, b);
            if (bad >= 0) {
                return bad;
            }
        }
        return -1;
    }

    /** C's roundf of each lane (|v| ≤ 127.5): the magnitude plus a half, truncated, given v's sign; as bytes. */
    private static ByteVector rounded(FloatVector v) {
        IntVector magnitude = (IntVector) v.abs().add(0.5f).convertShape(VectorOperators.F2I, I, 0);
        IntVector signed = magnitude.blend(magnitude.neg(), v.compare(VectorOperators.LT, 0f).cast(I));
        return (ByteVector) signed.convertShape(VectorOperators.I2B, B, 0);
    }

    @Override
    public void widenQ8(byte[] quants, int qOffset, short[] scales, int sOffset, float[] dst, int dstOffset, int n) {
        int full = n / Q8Matrix.BLOCK * Q8Matrix.BLOCK;
        int s = sOffset;
        for (int c = 0; c < full; c += Q8Matrix.BLOCK, s++) {
            FloatVector scale = FloatVector.broadcast(F, Float.float16ToFloat(scales[s]));
            for (int i = 0; i < Q8Matrix.BLOCK; i += L) {
                ((FloatVector) ByteVector.fromArray(B, quants, qOffset + c + i).castShape(F, 0)).mul(scale)
                        .intoArray(dst, dstOffset + c + i);
            }
        }
        for (int c = full; c < n; c++) {
            dst[dstOffset + c] = Float.float16ToFloat(scales[s]) * quants[qOffset + c];
        }
    }

    @Override
    public float dotBf16(short[] values, int offset, float[] x, int xo, int n) {
        int full = n / L * L;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= full; c += 2 * L) { // two accumulators: two FMA chains in flight
            acc0 = FloatVector.fromArray(F, x, xo + c).fma(bf16(values, offset + c), acc0);
            acc1 = FloatVector.fromArray(F, x, xo + c + L).fma(bf16(values, offset + c + L), acc1);
        }
        for (; c < full; c += L) {
            acc0 = FloatVector.fromArray(F, x, xo + c).fma(bf16(values, offset + c), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            sum += x[xo + c] * Bf16Matrix.toFloat(values[offset + c]);
        }
        return sum;
    }

    @Override
    public void dotPositions(float[] w, int wo, float[] x, int xo, int t, int n, float[] y, int yOffset, int yStride) {
        int full = n / L * L;
        int p = 0;
        for (; p + 4 <= t; p += 4) { // four positions at once: each register of w loaded once for four FMAs
            int x0 = xo + p * n;
            int x1 = x0 + n;
            int x2 = x1 + n;
            int x3 = x2 + n;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int c = 0;
            for (; c < full; c += L) {
                FloatVector wv = FloatVector.fromArray(F, w, wo + c);
                a0 = FloatVector.fromArray(F, x, x0 + c).fma(wv, a0);
                a1 = FloatVector.fromArray(F, x, x1 + c).fma(wv, a1);
                a2 = FloatVector.fromArray(F, x, x2 + c).fma(wv, a2);
                a3 = FloatVector.fromArray(F, x, x3 + c).fma(wv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; c < n; c++) {
                s0 += w[wo + c] * x[x0 + c];
                s1 += w[wo + c] * x[x1 + c];
                s2 += w[wo + c] * x[x2 + c];
                s3 += w[wo + c] * x[x3 + c];
            }
            y[yOffset + p * yStride] = s0;
            y[yOffset + (p + 1) * yStride] = s1;
            y[yOffset + (p + 2) * yStride] = s2;
            y[yOffset + (p + 3) * yStride] = s3;
        }
        for (; p < t; p++) {
            int x0 = xo + p * n;
            FloatVector a0 = FloatVector.zero(F);
            int c = 0;
            for (; c < full; c += L) {
                a0 = FloatVector.fromArray(F, x, x0 + c).fma(FloatVector.fromArray(F, w, wo + c), a0);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            for (; c < n; c++) {
                s0 += w[wo + c] * x[x0 + c];
            }
            y[yOffset + p * yStride] = s0;
        }
    }

    @Override
    public void dotRows4(float[] w, int wo, int n, float[] x, int xo, int t, float[] y, int row, int yStride) {
        int full = n / L * L;
        int w0 = wo;
        int w1 = wo + n;
        int w2 = wo + 2 * n;
        int w3 = wo + 3 * n;
        float[] sums = L == 16 ? new float[16] : null;
        int p = 0;
        for (; p + 4 <= t; p += 4) { // a tile of 4 rows × 4 positions: 8 loads feed 16 multiply-adds
            int x0 = xo + p * n;
            int x1 = x0 + n;
            int x2 = x1 + n;
            int x3 = x2 + n;
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
            FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int c = 0; c < full; c += L) {
                FloatVector r0 = FloatVector.fromArray(F, w, w0 + c);
                FloatVector r1 = FloatVector.fromArray(F, w, w1 + c);
                FloatVector r2 = FloatVector.fromArray(F, w, w2 + c);
                FloatVector r3 = FloatVector.fromArray(F, w, w3 + c);
                FloatVector v = FloatVector.fromArray(F, x, x0 + c);
                a00 = r0.fma(v, a00);
                a10 = r1.fma(v, a10);
                a20 = r2.fma(v, a20);
                a30 = r3.fma(v, a30);
                v = FloatVector.fromArray(F, x, x1 + c);
                a01 = r0.fma(v, a01);
                a11 = r1.fma(v, a11);
                a21 = r2.fma(v, a21);
                a31 = r3.fma(v, a31);
                v = FloatVector.fromArray(F, x, x2 + c);
                a02 = r0.fma(v, a02);
                a12 = r1.fma(v, a12);
                a22 = r2.fma(v, a22);
                a32 = r3.fma(v, a32);
                v = FloatVector.fromArray(F, x, x3 + c);
                a03 = r0.fma(v, a03);
                a13 = r1.fma(v, a13);
                a23 = r2.fma(v, a23);
                a33 = r3.fma(v, a33);
            }
            int y0 = p * yStride + row;
            if (L == 16) {
                // The 16 sums folded together in 15 steps, each a register pair's halves (then quarters,
                // eighths, neighbours) added across: two blends, a permutation and an add, where summing
                // each register on its own takes some thirty operations. Written out here, not in a helper:
                // C2 stops inlining in a method this large, and a vector passed to a call is boxed.
                FloatVector b0 = a00.blend(a02, HI8).add(a02.blend(a00, HI8).rearrange(SWAP8));
                FloatVector b1 = a01.blend(a03, HI8).add(a03.blend(a01, HI8).rearrange(SWAP8));
                FloatVector b2 = a10.blend(a12, HI8).add(a12.blend(a10, HI8).rearrange(SWAP8));
                FloatVector b3 = a11.blend(a13, HI8).add(a13.blend(a11, HI8).rearrange(SWAP8));
                FloatVector b4 = a20.blend(a22, HI8).add(a22.blend(a20, HI8).rearrange(SWAP8));
                FloatVector b5 = a21.blend(a23, HI8).add(a23.blend(a21, HI8).rearrange(SWAP8));
                FloatVector b6 = a30.blend(a32, HI8).add(a32.blend(a30, HI8).rearrange(SWAP8));
                FloatVector b7 = a31.blend(a33, HI8).add(a33.blend(a31, HI8).rearrange(SWAP8));
                FloatVector c0 = b0.blend(b1, HI4).add(b1.blend(b0, HI4).rearrange(SWAP4));
                FloatVector c1 = b2.blend(b3, HI4).add(b3.blend(b2, HI4).rearrange(SWAP4));
                FloatVector c2 = b4.blend(b5, HI4).add(b5.blend(b4, HI4).rearrange(SWAP4));
                FloatVector c3 = b6.blend(b7, HI4).add(b7.blend(b6, HI4).rearrange(SWAP4));
                FloatVector d0 = c0.blend(c2, HI2).add(c2.blend(c0, HI2).rearrange(SWAP2));
                FloatVector d1 = c1.blend(c3, HI2).add(c3.blend(c1, HI2).rearrange(SWAP2));
                d0.blend(d1, HI1).add(d1.blend(d0, HI1).rearrange(SWAP1)).intoArray(sums, 0); // [position][row]
                for (int q = 0; q < 4; q++) {
                    int at = y0 + q * yStride;
                    y[at] = sums[4 * q];
                    y[at + 1] = sums[4 * q + 1];
                    y[at + 2] = sums[4 * q + 2];
                    y[at + 3] = sums[4 * q + 3];
                }
            } else { // one by one (vectors held in an array are boxed: 40x slower)
                y[y0] = a00.reduceLanes(VectorOperators.ADD);
                y[y0 + 1] = a10.reduceLanes(VectorOperators.ADD);
                y[y0 + 2] = a20.reduceLanes(VectorOperators.ADD);
                y[y0 + 3] = a30.reduceLanes(VectorOperators.ADD);
                y[y0 + yStride] = a01.reduceLanes(VectorOperators.ADD);
                y[y0 + yStride + 1] = a11.reduceLanes(VectorOperators.ADD);
                y[y0 + yStride + 2] = a21.reduceLanes(VectorOperators.ADD);
                y[y0 + yStride + 3] = a31.reduceLanes(VectorOperators.ADD);
                y[y0 + 2 * yStride] = a02.reduceLanes(VectorOperators.ADD);
                y[y0 + 2 * yStride + 1] = a12.reduceLanes(VectorOperators.ADD);
                y[y0 + 2 * yStride + 2] = a22.reduceLanes(VectorOperators.ADD);
                y[y0 + 2 * yStride + 3] = a32.reduceLanes(VectorOperators.ADD);
                y[y0 + 3 * yStride] = a03.reduceLanes(VectorOperators.ADD);
                y[y0 + 3 * yStride + 1] = a13.reduceLanes(VectorOperators.ADD);
                y[y0 + 3 * yStride + 2] = a23.reduceLanes(VectorOperators.ADD);
                y[y0 + 3 * yStride + 3] = a33.reduceLanes(VectorOperators.ADD);
            }
            if (full < n) { // columns past the last whole register
                for (int r = 0; r < 4; r++) {
                    for (int q = 0; q < 4; q++) {
                        float sum = 0;
                        for (int c = full; c < n; c++) {
                            sum += w[wo + r * n + c] * x[xo + (p + q) * n + c];
                        }
                        y[y0 + q * yStride + r] += sum;
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) { // the last t % 4 positions, a row at a time
            for (int q = p; q < t; q++) {
                y[q * yStride + row + r] = dot(w, wo + r * n, x, xo + q * n, n);
            }
        }
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int full = n / L * L;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < full; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @Override
    public void scores(float[] q, int qo, float[] k, int first, int stride, int count, int d, float[] out) {
        int s = 0;
        if (L == 16 && d % L == 0) {
            for (; s + 16 <= count; s += 16) { // 16 keys at once, their sums folded together as in dotRows4
                int row = first + s * stride;
                FloatVector k0 = FloatVector.zero(F);
                FloatVector k1 = k0;
                FloatVector k2 = k0;
                FloatVector k3 = k0;
                FloatVector k4 = k0;
                FloatVector k5 = k0;
                FloatVector k6 = k0;
                FloatVector k7 = k0;
                FloatVector k8 = k0;
                FloatVector k9 = k0;
                FloatVector k10 = k0;
                FloatVector k11 = k0;
                FloatVector k12 = k0;
                FloatVector k13 = k0;
                FloatVector k14 = k0;
                FloatVector k15 = k0;
                for (int c = 0; c < d; c += L) {
                    FloatVector qc = FloatVector.fromArray(F, q, qo + c);
                    int at = row + c;
                    k0 = FloatVector.fromArray(F, k, at).fma(qc, k0);
                    k1 = FloatVector.fromArray(F, k, at + 1 * stride).fma(qc, k1);
                    k2 = FloatVector.fromArray(F, k, at + 2 * stride).fma(qc, k2);
                    k3 = FloatVector.fromArray(F, k, at + 3 * stride).fma(qc, k3);
                    k4 = FloatVector.fromArray(F, k, at + 4 * stride).fma(qc, k4);
                    k5 = FloatVector.fromArray(F, k, at + 5 * stride).fma(qc, k5);
                    k6 = FloatVector.fromArray(F, k, at + 6 * stride).fma(qc, k6);
                    k7 = FloatVector.fromArray(F, k, at + 7 * stride).fma(qc, k7);
                    k8 = FloatVector.fromArray(F, k, at + 8 * stride).fma(qc, k8);
                    k9 = FloatVector.fromArray(F, k, at + 9 * stride).fma(qc, k9);
                    k10 = FloatVector.fromArray(F, k, at + 10 * stride).fma(qc, k10);
                    k11 = FloatVector.fromArray(F, k, at + 11 * stride).fma(qc, k11);
                    k12 = FloatVector.fromArray(F, k, at + 12 * stride).fma(qc, k12);
                    k13 = FloatVector.fromArray(F, k, at + 13 * stride).fma(qc, k13);
                    k14 = FloatVector.fromArray(F, k, at + 14 * stride).fma(qc, k14);
                    k15 = FloatVector.fromArray(F, k, at + 15 * stride).fma(qc, k15);
                }
                // lane j of the fold is key j (k{4p + r} in dotRows4's a{r}{p}); written out again, not
                // shared with dotRows4 through a helper, for dotRows4's reason: a vector passed to a call
                // C2 does not inline is boxed
                FloatVector b0 = k0.blend(k8, HI8).add(k8.blend(k0, HI8).rearrange(SWAP8));
                FloatVector b1 = k4.blend(k12, HI8).add(k12.blend(k4, HI8).rearrange(SWAP8));
                FloatVector b2 = k1.blend(k9, HI8).add(k9.blend(k1, HI8).rearrange(SWAP8));
                FloatVector b3 = k5.blend(k13, HI8).add(k13.blend(k5, HI8).rearrange(SWAP8));
                FloatVector b4 = k2.blend(k10, HI8).add(k10.blend(k2, HI8).rearrange(SWAP8));
                FloatVector b5 = k6.blend(k14, HI8).add(k14.blend(k6, HI8).rearrange(SWAP8));
                FloatVector b6 = k3.blend(k11, HI8).add(k11.blend(k3, HI8).rearrange(SWAP8));
                FloatVector b7 = k7.blend(k15, HI8).add(k15.blend(k7, HI8).rearrange(SWAP8));
                FloatVector c0 = b0.blend(b1, HI4).add(b1.blend(b0, HI4).rearrange(SWAP4));
                FloatVector c1 = b2.blend(b3, HI4).add(b3.blend(b2, HI4).rearrange(SWAP4));
                FloatVector c2 = b4.blend(b5, HI4).add(b5.blend(b4, HI4).rearrange(SWAP4));
                FloatVector c3 = b6.blend(b7, HI4).add(b7.blend(b6, HI4).rearrange(SWAP4));
                FloatVector d0 = c0.blend(c2, HI2).add(c2.blend(c0, HI2).rearrange(SWAP2));
                FloatVector d1 = c1.blend(c3, HI2).add(c3.blend(c1, HI2).rearrange(SWAP2));
                d0.blend(d1, HI1).add(d1.blend(d0, HI1).rearrange(SWAP1)).intoArray(out, s);
            }
        }
        for (; s < count; s++) {
            out[s] = dot(q, qo, k, first + s * stride, d);
        }
    }

    @Override
    public void mix(float[] w, int count, float[] v, int first, int stride, int d, float[] out, int outOffset) {
        int c = 0;
        for (; c + 4 * L <= d; c += 4 * L) { // four registers of the output at a time, over every row
            FloatVector o0 = FloatVector.zero(F);
            FloatVector o1 = o0;
            FloatVector o2 = o0;
            FloatVector o3 = o0;
            for (int s = 0, at = first + c; s < count; s++, at += stride) {
                FloatVector ws = FloatVector.broadcast(F, w[s]);
                o0 = FloatVector.fromArray(F, v, at).fma(ws, o0);
                o1 = FloatVector.fromArray(F, v, at + L).fma(ws, o1);
                o2 = FloatVector.fromArray(F, v, at + 2 * L).fma(ws, o2);
                o3 = FloatVector.fromArray(F, v, at + 3 * L).fma(ws, o3);
            }
            o0.intoArray(out, outOffset + c);
            o1.intoArray(out, outOffset + c + L);
            o2.intoArray(out, outOffset + c + 2 * L);
            o3.intoArray(out, outOffset + c + 3 * L);
        }
        for (; c + L <= d; c += L) {
            FloatVector o = FloatVector.zero(F);
            for (int s = 0, at = first + c; s < count; s++, at += stride) {
                o = FloatVector.fromArray(F, v, at).fma(FloatVector.broadcast(F, w[s]), o);
            }
            o.intoArray(out, outOffset + c);
        }
        for (; c < d; c++) {
            float sum = 0;
            for (int s = 0; s < count; s++) {
                sum += w[s] * v[first + s * stride + c];
            }
            out[outOffset + c] = sum;
        }
    }

    @Override
    public void geluTanh(float[] x, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) { // 0.5·x·(1 + tanh u) = x / (1 + e^−2u): no cancellation where tanh u ≈ −1
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector u = v.mul(v).fma(GELU_CUBE, ONE).mul(v).mul(-2 * SQRT_2_PI); // −2√(2/π)(x + 0.044715x³)
            v.div(exp(u).add(ONE)).intoArray(x, i);
        }
        for (; i < to; i++) {
            float v = x[i];
            x[i] = (float) (v / (1 + Math.exp(-2 * Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
    }

    @Override
    public void silu(float[] x, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            v.div(exp(v.neg()).add(ONE)).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = (float) (x[i] / (1 + Math.exp(-x[i])));
        }
    }

    /**
     * e^x in float32 (Cephes' expf: x = n·ln 2 + r, |r| ≤ ln 2 / 2, a polynomial for e^r, then 2^n into
     * the exponent bits), within about 1 ulp; below −87 it gives e^−87, above 88 infinity. The Vector
     * API's own EXP and TANH run Math's per lane on JDKs built without Intel's SVML (9 and 14 ns a value
     * here, slower than a plain loop).
     */
    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(-87f).min(88f);
        FloatVector n = c.fma(FloatVector.broadcast(F, 1.44269504088896341f), ROUNDER).sub(ROUNDER); // round(x/ln 2)
        FloatVector r = n.fma(FloatVector.broadcast(F, -0.693359375f), c); // x − n·ln 2, ln 2 in two parts
        r = n.fma(FloatVector.broadcast(F, 2.12194440e-4f), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, HALF);
        p = p.mul(r.mul(r)).add(r).add(ONE);
        IntVector n2 = (IntVector) n.convertShape(VectorOperators.F2I, I, 0);
        FloatVector twoToN = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();   // 2^n's bits
        return p.mul(twoToN).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88f));
    }

    /** L bfloat16 values from element {@code index} as float32: the 16 bits become the high half. */
    private static FloatVector bf16(short[] values, int index) {
        IntVector widened = (IntVector) ShortVector.fromArray(S, values, index)
                .castShape(I, 0);                                             // sign-extended; the shift drops it
        return widened.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
