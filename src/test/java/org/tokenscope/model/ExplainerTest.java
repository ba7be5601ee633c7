package org.tokenscope.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tokenscope.model.Explainer.Ablation;
import org.tokenscope.model.Explainer.Target;
import org.tokenscope.testing.ByteTokenizerJson;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DType;
import org.tokenscope.testing.ReferenceEdit;
import org.tokenscope.testing.TinyDecoder;
import org.tokenscope.testing.TinyGpt2;

/**
 * Attributions and interventions of the DJL model against the tests' double-precision references:
 * gradients against central finite differences of the reference (d f / d s_t where row t is scaled
 * by s_t, which is exactly ∂f/∂x_t · x_t), ablations against the reference with a head or MLP
 * zeroed, occlusion against re-scoring, patching against what a patch must reproduce. GPT-2 and a
 * Llama-style decoder (RoPE, RMSNorm, grouped-query attention, SwiGLU).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainerTest {

    static final TinyGpt2 GPT2 = TinyGpt2.random(5, 2, 4, 32, 64, 50257);
    static final TinyDecoder LLAMA = TinyDecoder.random(7, TinyDecoder.Spec.llama(2, 4, 2, 32, 64, 384));
    /** A start row (context, not attributed) and five text tokens; the target follows the last. */
    static final int[] GPT2_IDS = {50256, 15496, 995, 11, 314, 716};
    static final int[] LLAMA_IDS = {1, 200, 37, 99, 310, 4};

    LanguageModel gpt2;
    LanguageModel llama;

    /** One family: the model, its reference logits under an edit, the ids and two target tokens. */
    record Family(String name, LanguageModel model, Function<ReferenceEdit, double[][]> reference, int[] ids,
                  int target, int contrast) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void load(@TempDir Path dir) throws Exception {
        gpt2 = LanguageModel.load(CheckpointWriter.write(GPT2, dir.resolve("gpt2")), "gpt2");
        Path l = LLAMA.write(dir.resolve("llama"), DType.F32, 1);
        ByteTokenizerJson.write(l);
        llama = LanguageModel.load(l, "llama");
    }

    @AfterAll
    void close() {
        gpt2.close();
        llama.close();
    }

    Stream<Arguments> families() {
        return Stream.of(
                Arguments.of(new Family("gpt2", gpt2, e -> GPT2.referenceLogits(GPT2_IDS, e), GPT2_IDS, 13, 262)),
                Arguments.of(new Family("llama", llama, e -> LLAMA.referenceLogits(LLAMA_IDS, e), LLAMA_IDS, 42, 7)));
    }

    /** f in the reference with rows t ≥ 1 scaled by s_t: log p(target) (− log p(contrast)) at the last row. */
    static double f(Family family, double[] scale, Target target) {
        double[][] logits = family.reference().apply(ReferenceEdit.scaleRows(scale));
        double[] lp = TinyGpt2.logSoftmax(logits[family.ids().length - 1]);
        return target.contrasted() ? lp[target.id()] - lp[target.contrast()] : lp[target.id()];
    }

    /** ∂f/∂s_t at s (central differences, h = 1e-4, in double): [T − 1] for t = 1 .. T − 1. */
    static double[] slopes(Family family, double[] s, Target target) {
        double h = 1e-4;
        double[] out = new double[s.length - 1];
        for (int t = 1; t < s.length; t++) {
            double[] up = s.clone();
            double[] down = s.clone();
            up[t] += h;
            down[t] -= h;
            out[t - 1] = (f(family, up, target) - f(family, down, target)) / (2 * h);
        }
        return out;
    }

    static double[] scale(int n, double alpha) {
        double[] s = new double[n];
        Arrays.fill(s, alpha);
        s[0] = 1; // the start row is context
        return s;
    }

    /** Every entry within 1e-3 of the largest reference attribution. */
    static void assertRelative(float[] got, double[] want) {
        double largest = Arrays.stream(want).map(Math::abs).max().orElse(0);
        assertThat(largest).isGreaterThan(1e-3);
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("row %d", i + 1).isCloseTo(want[i], within(1e-3 * largest));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void gradientTimesInputIsTheFiniteDifferenceOfScalingEachRow(Family family) {
        Explainer explainer = new Explainer(family.model());
        for (Target target : new Target[] {Target.of(family.target()), new Target(family.target(), family.contrast())}) {
            double[] want = slopes(family, scale(family.ids().length, 1), target);
            assertRelative(explainer.gradientTimesInput(family.ids(), 1, target, () -> false), want);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void integratedGradientsAreTheMidpointRuleOverFiniteDifferences(Family family) {
        Explainer explainer = new Explainer(family.model());
        Target target = new Target(family.target(), family.contrast());
        int steps = 4;
        int n = family.ids().length;
        double[] want = new double[n - 1];
        for (int k = 0; k < steps; k++) {
            double alpha = (k + 0.5) / steps;
            double[] slope = slopes(family, scale(n, alpha), target); // ∂f/∂s_t at s = α: x_t·∇f(αx)_t
            for (int t = 0; t < n - 1; t++) {
                want[t] += slope[t] / steps;
            }
        }
        Explainer.Integrated got = explainer.integratedGradients(family.ids(), 1, target, steps, () -> false);
        assertRelative(got.scores(), want);
        assertThat(got.value()).isCloseTo(f(family, scale(n, 1), target), within(1e-4));
        assertThat(got.baselineValue()).isCloseTo(f(family, scale(n, 0), target), within(1e-4));
    }

    /**
     * On GPT-2, whose rows keep their position embeddings on the way to the baseline. (An RMSNorm
     * family is not smooth along that path: RMSNorm(α·x) is the same for every α down to √ε, so f
     * changes within the first step; the reported completeness error says so there.)
     */
    @Test
    void integratedGradientsAreCompleteWithinOnePercentAt64Steps() {
        Family family = (Family) families().findFirst().orElseThrow().get()[0];
        Explainer.Integrated got = new Explainer(family.model())
                .integratedGradients(family.ids(), 1, Target.of(family.target()), 64, () -> false);
        double change = got.value() - got.baselineValue();
        assertThat(Math.abs(change)).isGreaterThan(1e-2);
        assertThat(got.completenessError()).isLessThan(0.01 * Math.abs(change));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void occlusionIsTheScoreOfTheTextWithoutEachToken(Family family) {
        int[] ids = family.ids();
        Target target = new Target(family.target(), family.contrast());
        double[] got = new Explainer(family.model()).occlusion(ids, 1, target, () -> false);
        assertThat(got).hasSize(ids.length - 1);
        double full = rescored(family.model(), ids, target);
        for (int t = 1; t < ids.length; t++) {
            int[] without = new int[ids.length - 1];
            System.arraycopy(ids, 0, without, 0, t);
            System.arraycopy(ids, t + 1, without, t, ids.length - 1 - t);
            assertThat(got[t - 1]).as("without row %d", t).isCloseTo(full - rescored(family.model(), without, target),
                    within(1e-5));
        }
    }

    /** f as scoring gives it: the scored log-probabilities of target and contrast after ids. */
    static double rescored(LanguageModel model, int[] ids, Target target) {
        int[] targets = new int[ids.length];
        Arrays.fill(targets, -1);
        targets[ids.length - 1] = target.id();
        double lp = model.scoreNext(ids, targets, 0, () -> false).logprob()[ids.length - 1];
        targets[ids.length - 1] = target.contrast();
        return lp - model.scoreNext(ids, targets, 0, () -> false).logprob()[ids.length - 1];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void ablatingAHeadOrAnMlpIsTheReferenceWithItZeroed(Family family) {
        Explainer explainer = new Explainer(family.model());
        int[] ids = family.ids();
        for (Ablation ablation : new Ablation[] {Ablation.head(1, 2), Ablation.head(0, 0), Ablation.mlp(0)}) {
            double[][] logits = family.reference().apply(ablation.head() >= 0
                    ? ReferenceEdit.zeroHead(ablation.layer(), ablation.head()) : ReferenceEdit.zeroMlp(ablation.layer()));
            double[][] plain = family.reference().apply(ReferenceEdit.NONE);
            float[] got = explainer.ablatedLogprobs(ids, ablation, () -> false);
            boolean changed = false;
            for (int t = 0; t + 1 < ids.length; t++) {
                double want = TinyGpt2.logSoftmax(logits[t])[ids[t + 1]];
                assertThat((double) got[t]).as("%s at %d", ablation, t).isCloseTo(want, within(1e-4));
                changed |= Math.abs(want - TinyGpt2.logSoftmax(plain[t])[ids[t + 1]]) > 1e-3;
            }
            assertThat(changed).as("%s changes something", ablation).isTrue();
            assertThat(got[ids.length - 1]).isNaN();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void patchingTheLastBlockAtTheTargetRowReproducesTheCleanRun(Family family) {
        int[] clean = family.ids();
        int[] corrupted = clean.clone();
        corrupted[2] = family.contrast(); // one token changed
        int row = clean.length - 2;       // predicts the token at clean.length - 1
        Target target = new Target(family.target(), family.contrast());
        Explainer explainer = new Explainer(family.model());
        Explainer.Patching p = explainer.patch(clean, corrupted, row, target, () -> false);
        int layers = family.model().config().layers();
        assertThat(p.patched()).hasDimensions(layers, clean.length);
        assertThat(p.clean()).isCloseTo(explainer.value(Arrays.copyOf(clean, row + 1), target), within(1e-5));
        assertThat(p.corrupted()).isCloseTo(explainer.value(Arrays.copyOf(corrupted, row + 1), target), within(1e-5));
        assertThat(Math.abs(p.clean() - p.corrupted())).isGreaterThan(1e-3);
        assertThat(p.patched()[layers - 1][row]).isCloseTo(p.clean(), within(1e-5));
        for (int l = 0; l < layers; l++) {
            for (int pos = 0; pos < clean.length; pos++) {
                if (pos < 2 || pos > row || (l == layers - 1 && pos != row)) {
                    // before the change both runs agree; after the row, or elsewhere after the last block, nothing reaches it
                    assertThat(p.patched()[l][pos]).as("block %d row %d", l, pos).isCloseTo(p.corrupted(), within(1e-5));
                }
            }
        }
        // at block 0 the changed token itself carries most of the difference
        assertThat(Math.abs(p.patched()[0][2] - p.corrupted())).isGreaterThan(1e-4);
    }
}
