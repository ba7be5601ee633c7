package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * The detection terms reduced in the engine against the same terms computed in double precision from
 * the tests' reference forward pass, straight from the formulas over whole distributions.
 */
class PairReductionsTest {

    static final TinyGpt2 A = TinyGpt2.random(11, 2, 4, 32, 64, 50257);
    static final TinyGpt2 B = TinyGpt2.random(12, 3, 4, 48, 64, 50257);

    @TempDir
    static Path dir;
    static LanguageModel a;
    static LanguageModel b;

    @BeforeAll
    static void load() throws Exception {
        a = LanguageModel.load(CheckpointWriter.write(A, dir.resolve("a")), "a");
        b = LanguageModel.load(CheckpointWriter.write(B, dir.resolve("b")), "b");
    }

    @AfterAll
    static void close() {
        a.close();
        b.close();
    }

    /** Three sequences of different lengths with unscored positions, 300 rows in all: three chunks, packed across sequences. */
    static List<PairReductions.Sequence> batch() {
        List<PairReductions.Sequence> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(5);
        int[] lengths = {64, 7, 40};
        for (int length : lengths) {
            int[] ids = random.ints(length, 0, 50257).toArray();
            int[] targets = new int[length];
            for (int t = 0; t < length; t++) {
                targets[t] = t + 1 < length && t != 3 ? ids[t + 1] : -1; // the last and position 3 unscored
            }
            out.add(new PairReductions.Sequence(ids, targets));
        }
        return out;
    }

    @Test
    void pairTermsMatchTheDoublePrecisionReference() {
        List<PairReductions.Sequence> batch = batch();
        List<PairReductions.Result> got = PairReductions.run(a, b, batch, () -> false);
        assertThat(got).hasSize(3);
        for (int s = 0; s < batch.size(); s++) {
            PairReductions.Sequence seq = batch.get(s);
            double[][] logitsA = A.referenceLogits(seq.ids());
            double[][] logitsB = B.referenceLogits(seq.ids());
            PairReductions.Result r = got.get(s);
            for (int t = 0; t < seq.ids().length; t++) {
                assertThat(r.scored()[t]).isEqualTo(seq.targets()[t] >= 0);
                if (seq.targets()[t] < 0) {
                    continue;
                }
                int x = seq.targets()[t];
                double[] lp = TinyGpt2.logSoftmax(logitsA[t]);
                double[] lq = TinyGpt2.logSoftmax(logitsB[t]);
                Reference ra = Reference.of(lp, x);
                Reference rb = Reference.of(lq, x);
                ra.check(r.a(), t, "A");
                rb.check(r.b(), t, "B");
                double cross = 0;
                double mu = 0;
                double second = 0;
                for (int v = 0; v < lp.length; v++) {
                    cross += Math.exp(lp[v]) * -lq[v];
                    mu += Math.exp(lq[v]) * lp[v];
                    second += Math.exp(lq[v]) * lp[v] * lp[v];
                }
                double variance = second - mu * mu;
                assertThat((double) r.crossEntropy()[t]).as("cross-entropy at %d", t).isCloseTo(cross, within(2e-3));
                assertThat((double) r.fdgMean()[t]).as("μ at %d", t).isCloseTo(mu, within(2e-3));
                assertThat((double) r.fdgVariance()[t]).as("σ² at %d", t).isCloseTo(variance, within(2e-3 * Math.max(1, variance)));
            }
        }
    }

    @Test
    void oneModelGivesItsOwnTermsAndNoJointOnes() {
        List<PairReductions.Sequence> batch = batch();
        PairReductions.Result alone = PairReductions.run(a, null, batch.subList(1, 2), () -> false).get(0);
        assertThat(alone.b()).isNull();
        assertThat(alone.crossEntropy()).isNull();
        double[][] logits = A.referenceLogits(batch.get(1).ids());
        for (int t = 0; t < 6; t++) {
            if (batch.get(1).targets()[t] >= 0) {
                Reference.of(TinyGpt2.logSoftmax(logits[t]), batch.get(1).targets()[t]).check(alone.a(), t, "A alone");
            }
        }
        // packed with other sequences or alone: the same numbers
        PairReductions.Result packed = PairReductions.run(a, null, batch, () -> false).get(1);
        for (int t = 0; t < 7; t++) {
            assertThat(packed.a().logprob()[t]).isCloseTo(alone.a().logprob()[t], within(1e-5f));
        }
    }

    @Test
    void aSequenceWithNothingToScoreGivesNothing() {
        int[] ids = {1, 2, 3};
        PairReductions.Result r = PairReductions.run(a, b, List.of(new PairReductions.Sequence(ids, new int[] {-1, -1, -1})),
                () -> false).get(0);
        assertThat(r.scored()).containsOnly(false);
    }

    @Test
    void cancellationStopsTheRun() {
        assertThatThrownBy(() -> PairReductions.run(a, b, batch(), () -> true)).isInstanceOf(CancellationException.class);
    }

    /** One model's terms at one position, in double precision from the formulas. */
    record Reference(double logprob, int rank, double entropy, double selfVariance) {
        static Reference of(double[] lp, int x) {
            int above = 0;
            double h = 0;
            for (double v : lp) {
                if (v > lp[x]) above++;
                h -= Math.exp(v) * v;
            }
            double second = 0;
            for (double v : lp) {
                second += Math.exp(v) * v * v;
            }
            return new Reference(lp[x], above + 1, h, second - h * h); // Σ p (log p)² − μ², μ = −H
        }

        void check(PairReductions.Side side, int t, String who) {
            assertThat((double) side.logprob()[t]).as("%s log p at %d", who, t).isCloseTo(logprob, within(1e-3));
            assertThat(side.rank()[t]).as("%s rank at %d", who, t).isCloseTo(rank, within(Math.max(1, rank / 500)));
            assertThat((double) side.entropy()[t]).as("%s entropy at %d", who, t).isCloseTo(entropy, within(1e-3));
            assertThat((double) side.selfVariance()[t]).as("%s self-variance at %d", who, t)
                    .isCloseTo(selfVariance, within(2e-3 * Math.max(1, selfVariance)));
        }
    }


}
