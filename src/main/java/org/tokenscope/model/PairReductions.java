package org.tokenscope.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The per-position terms of the zero-shot detectors (Binoculars, Fast-DetectGPT, GLTR), reduced in
 * the engine from one model's or two models' whole next-token distributions, a chunk of rows at a
 * time: no [positions, vocab] array is ever made whole, and none reaches Java.
 *
 * <p>For each scored position, with p = A's log-softmax row and, when there is a B, q = B's:
 * <pre>
 *   per model:  log p(x), rank of x, H = −Σ p·log p, Σ p·(log p + H)²
 *   A and B:    Σ p·(−log q)              (Binoculars' cross-entropy: observer A, performer B)
 *               μ = Σ q·log p,  Σ q·(log p − μ)²   (Fast-DetectGPT: scorer A, reference B)
 * </pre>
 * Several sequences go in at once (a batch of documents or windows): those of similar lengths run
 * through the blocks together, right-padded into one [B, T, E] pass (see
 * {@link LanguageModel#hiddenStates(NDManager, List, BooleanSupplier)}), then the rows they score are
 * packed together so every head product and reduction works on full chunks of {@value #CHUNK} rows,
 * whatever the documents' lengths.
 *
 * <p>Not thread-safe, like the models: call it from the thread that owns them.
 */
public final class PairReductions {

    /** Rows through the heads at once: bounds each [rows, vocab] temporary (about 26 MB at gpt2's vocabulary). */
    static final int CHUNK = 128;

    /** Positions through the blocks in one pass, padding included: bounds a pass's activations (about 40 MB of MLP at gpt2's width). */
    static final int PASS_POSITIONS = 4096;

    private PairReductions() {
    }

    /**
     * One sequence to run: the ids the model sees and, per position, the id that comes next there
     * (−1 where nothing is scored, as in {@link LanguageModel#scoreNext}).
     */
    public record Sequence(int[] ids, int[] targets) {
        public Sequence {
            if (ids.length != targets.length) {
                throw new IllegalArgumentException("targets must have one entry per input position");
            }
        }
    }

    /**
     * One model's terms, indexed by input position (0 where the position is not scored).
     *
     * @param logprob      log p(target): [T]
     * @param rank         rank of the target, 1 = the top choice: [T]
     * @param entropy      −Σ_v p(v)·log p(v): [T]
     * @param selfVariance Σ_v p(v)·(log p(v) + H)²: [T]
     */
    public record Side(float[] logprob, int[] rank, float[] entropy, float[] selfVariance) {
    }

    /**
     * What one sequence's positions gave.
     *
     * @param scored       whether the position was scored: [T]
     * @param a            model A's terms
     * @param b            model B's terms, or null without B
     * @param crossEntropy Σ_v p(v)·(−log q(v)): [T], or null without B
     * @param fdgMean      Σ_v q(v)·log p(v): [T], or null without B
     * @param fdgVariance  Σ_v q(v)·(log p(v) − μ)²: [T], or null without B
     */
    public record Result(boolean[] scored, Side a, Side b, float[] crossEntropy, float[] fdgMean,
                         float[] fdgVariance) {
    }

    /**
     * Runs every sequence through A (and B, when not null) and reduces the distributions at the
     * scored positions.
     *
     * @throws IllegalArgumentException when A and B do not have the same vocabulary size
     * @throws CancellationException when {@code cancel} says so (checked per layer and per chunk)
     */
    public static List<Result> run(LanguageModel a, LanguageModel b, List<Sequence> batch, BooleanSupplier cancel) {
        if (b != null && a.vocabSize() != b.vocabSize()) {
            throw new IllegalArgumentException(a.name() + " and " + b.name() + " have vocabularies of different sizes ("
                    + a.vocabSize() + " and " + b.vocabSize() + "): their distributions cannot be compared.");
        }
        List<Builder> out = new ArrayList<>();
        for (Sequence s : batch) {
            out.add(new Builder(s.ids().length, b != null));
        }
        // packed row r is position rowPosition[r] of sequence rowSequence[r]
        List<Integer> rowSequence = new ArrayList<>();
        List<Integer> rowPosition = new ArrayList<>();
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // per sequence with scored positions: its scored rows of A's and B's hidden states, [r, E] each
            NDArray[] rowsA = new NDArray[batch.size()];
            NDArray[] rowsB = new NDArray[batch.size()];
            for (List<Integer> group : groups(batch)) {
                if (group.size() == 1) { // alone: its own pass, no padding
                    int i = group.get(0);
                    Sequence s = batch.get(i);
                    rowsA[i] = scoredRows(a.hiddenStates(scratch, s.ids(), cancel), s.targets());
                    if (b != null) {
                        rowsB[i] = scoredRows(b.hiddenStates(scratch, s.ids(), cancel), s.targets());
                    }
                    continue;
                }
                List<int[]> ids = group.stream().map(i -> batch.get(i).ids()).toList();
                NDArray paddedA = a.hiddenStates(scratch, ids, cancel);                             // [g, T, E]
                NDArray paddedB = b == null ? null : b.hiddenStates(scratch, ids, cancel);          // [g, T, E]
                for (int k = 0; k < group.size(); k++) {
                    int i = group.get(k);
                    rowsA[i] = scoredRows(paddedA.get(k), batch.get(i).targets());                  // [r, E]
                    if (b != null) {
                        rowsB[i] = scoredRows(paddedB.get(k), batch.get(i).targets());
                    }
                }
            }
            NDList hiddenA = new NDList();
            NDList hiddenB = new NDList();
            for (int i = 0; i < batch.size(); i++) {
                if (rowsA[i] == null) {
                    continue;
                }
                hiddenA.add(rowsA[i]);
                if (b != null) {
                    hiddenB.add(rowsB[i]);
                }
                int[] targets = batch.get(i).targets();
                for (int t = firstScored(targets); t <= lastScored(targets); t++) {
                    rowSequence.add(i);
                    rowPosition.add(t);
                }
            }
            if (rowSequence.isEmpty()) {
                return out.stream().map(Builder::build).toList();
            }
            NDArray packedA = hiddenA.size() == 1 ? hiddenA.get(0) : NDArrays.concat(hiddenA, 0); // [R, E]
            NDArray packedB = b == null ? null : hiddenB.size() == 1 ? hiddenB.get(0) : NDArrays.concat(hiddenB, 0);
            int rows = rowSequence.size();
            for (int from = 0; from < rows; from += CHUNK) {
                int to = Math.min(rows, from + CHUNK);
                if (cancel.getAsBoolean()) {
                    throw new CancellationException("Cancelled.");
                }
                long[] targets = new long[to - from];
                for (int r = from; r < to; r++) {
                    int target = batch.get(rowSequence.get(r)).targets()[rowPosition.get(r)];
                    targets[r - from] = Math.max(0, target);
                }
                try (NDManager chunk = scratch.newSubManager()) {
                    NDArray index = chunk.create(targets, new Shape(to - from, 1));                 // [c, 1]
                    NDArray logP = logProbs(a, packedA, from, to, chunk);                           // [c, V]
                    NDArray p = logP.exp();                                                         // [c, V]
                    float[][] sideA = side(logP, p, index);
                    float[][] sideB = null;
                    float[] cross = null;
                    float[] mean = null;
                    float[] variance = null;
                    if (b != null) {
                        NDArray logQ = logProbs(b, packedB, from, to, chunk);                       // [c, V]
                        NDArray q = logQ.exp();                                                     // [c, V]
                        sideB = side(logQ, q, index);
                        cross = p.mul(logQ).sum(new int[] {1}).neg().toFloatArray();                // [c]: Σ p·(−log q)
                        logQ.close();
                        NDArray mu = q.mul(logP).sum(new int[] {1});                                // [c]: Σ q·log p
                        mean = mu.toFloatArray();
                        NDArray centred = logP.sub(mu.expandDims(1));                               // [c, V]: log p − μ
                        variance = centred.muli(centred).muli(q).sum(new int[] {1}).toFloatArray(); // [c]
                    }
                    for (int r = from; r < to; r++) {
                        int seq = rowSequence.get(r);
                        int t = rowPosition.get(r);
                        if (batch.get(seq).targets()[t] < 0) {
                            continue;
                        }
                        out.get(seq).set(t, r - from, sideA, sideB, cross, mean, variance);
                    }
                }
            }
        }
        return out.stream().map(Builder::build).toList();
    }

    /** The head's log-softmax on packed rows [from, to): [c, V], made in {@code chunk}. */
    private static NDArray logProbs(LanguageModel model, NDArray packed, int from, int to, NDManager chunk) {
        NDArray rows = packed.get(new NDIndex("{}:{}", from, to));  // [c, E]
        rows.attach(chunk);
        NDArray logits = model.headLogits(rows);                      // [c, V]
        NDArray logProbs = logits.logSoftmax(1);                      // [c, V]
        logits.close();
        return logProbs;
    }

    /** {log p(x), rank − 1, H, Σ p·(log p + H)²}, each [c], from one model's [c, V] log-probabilities. */
    private static float[][] side(NDArray logP, NDArray p, NDArray index) {
        NDArray target = logP.gather(index, 1);                                                  // [c, 1]
        NDArray above = logP.gt(target).sum(new int[] {1}).toType(DataType.FLOAT32, false);      // [c]: rank − 1
        NDArray entropy = p.mul(logP).sum(new int[] {1}).neg();                                  // [c]
        NDArray centred = logP.add(entropy.expandDims(1));                                       // [c, V]: log p + H
        NDArray selfVariance = centred.muli(centred).muli(p).sum(new int[] {1});                 // [c]
        centred.close();
        return new float[][] {target.toFloatArray(), above.toFloatArray(), entropy.toFloatArray(),
                selfVariance.toFloatArray()};
    }

    /** The rows from the first scored position to the last, or null when none is scored: [T, E] -> [r, E]. */
    private static NDArray scoredRows(NDArray hidden, int[] targets) {
        int first = firstScored(targets);
        if (first < 0) {
            return null;
        }
        int last = lastScored(targets);
        return first == 0 && last == hidden.getShape().get(0) - 1 ? hidden
                : hidden.get(new NDIndex("{}:{}", first, last + 1));
    }

    /**
     * The sequences that go through the blocks together, as indices into {@code batch}: sorted by
     * length, each group as many as fit in {@value #PASS_POSITIONS} padded positions, and a new group
     * started where padding to the longest would add more than a quarter to the positions computed. A
     * sequence with nothing scored is left out.
     */
    static List<List<Integer>> groups(List<Sequence> batch) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (firstScored(batch.get(i).targets()) >= 0) {
                order.add(i);
            }
        }
        order.sort(java.util.Comparator.comparingInt(i -> batch.get(i).ids().length));
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> group = new ArrayList<>();
        long real = 0;
        for (int i : order) {
            int length = batch.get(i).ids().length; // the longest so far: they come sorted
            long padded = (long) length * (group.size() + 1);
            if (!group.isEmpty() && (padded > PASS_POSITIONS || padded > 1.25 * (real + length))) {
                groups.add(group);
                group = new ArrayList<>();
                real = 0;
            }
            group.add(i);
            real += length;
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    private static int firstScored(int[] targets) {
        for (int t = 0; t < targets.length; t++) {
            if (targets[t] >= 0) return t;
        }
        return -1;
    }

    private static int lastScored(int[] targets) {
        for (int t = targets.length - 1; t >= 0; t--) {
            if (targets[t] >= 0) return t;
        }
        return -1;
    }

    private static final class Builder {
        final boolean[] scored;
        final float[][] a;
        final float[][] b;
        final float[] cross;
        final float[] mean;
        final float[] variance;

        Builder(int n, boolean pair) {
            scored = new boolean[n];
            a = new float[4][n];
            b = pair ? new float[4][n] : null;
            cross = pair ? new float[n] : null;
            mean = pair ? new float[n] : null;
            variance = pair ? new float[n] : null;
        }

        void set(int t, int i, float[][] sideA, float[][] sideB, float[] c, float[] m, float[] v) {
            scored[t] = true;
            for (int k = 0; k < 4; k++) {
                a[k][t] = sideA[k][i];
                if (b != null) {
                    b[k][t] = sideB[k][i];
                }
            }
            if (b != null) {
                cross[t] = c[i];
                mean[t] = m[i];
                variance[t] = v[i];
            }
        }

        Result build() {
            return new Result(scored, side(a), b == null ? null : side(b), cross, mean, variance);
        }

        private static Side side(float[][] terms) {
            int[] rank = new int[terms[1].length];
            for (int t = 0; t < rank.length; t++) {
                rank[t] = Math.round(terms[1][t]) + 1;
            }
            return new Side(terms[0], rank, terms[2], terms[3]);
        }
    }
}
