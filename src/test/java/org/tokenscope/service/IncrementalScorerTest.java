package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * An edited text scored through the kept cache equals the same text scored from nothing (to 1e-5
 * of each value), and costs only the positions after the edit.
 */
class IncrementalScorerTest {

    static final String BASE = "The quick brown fox jumps over the lazy dog. It was a sunny day and";

    @TempDir
    static Path dir;
    static LanguageModel model;

    @BeforeAll
    static void loadModel() throws Exception {
        // a context of 64 positions, so that a few sentences already need windows
        model = LanguageModel.load(CheckpointWriter.write(TinyGpt2.random(17, 2, 4, 32, 64, 50257), dir.resolve("tiny")), "tiny");
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** A sequence of edits a person makes: appends, deletions, mid-text edits, pastes. */
    static List<String> edits(String base) {
        String paste = " A long pasted sentence, with commas, that goes on and on.";
        int middle = base.indexOf(" over");
        return List.of(
                base,
                base + " the",                                              // typing a word at the end
                base + " the fox",
                base + " the fox slept.",
                base + " the fox",                                          // deleting at the end
                base.replace("brown", "red") + " the fox",                  // an edit in the middle
                base.substring(0, middle) + paste + base.substring(middle), // a paste in the middle
                base.substring(0, middle) + base.substring(middle + 10),    // a deletion in the middle
                "Completely different.",                                    // everything replaced
                "Completely different. And more");
    }

    @ParameterizedTest(name = "bos {0}")
    @ValueSource(booleans = {true, false})
    void editsWithinTheContextEqualAFullScore(boolean bos) throws Exception {
        check(edits(BASE), new ScoreOptions(bos, 4, 0));
    }

    @ParameterizedTest(name = "bos {0}")
    @ValueSource(booleans = {true, false})
    void editsOfTextsInWindowsEqualAFullScore(boolean bos) throws Exception {
        String longText = (BASE + " ").repeat(4).trim(); // about 70 tokens: windows of 64
        check(edits(longText), new ScoreOptions(bos, 3, bos ? 0 : 20)); // half the context, and a short stride
    }

    private static void check(List<String> texts, ScoreOptions options) throws Exception {
        try (IncrementalScorer scorer = new IncrementalScorer(model)) {
            for (String text : texts) {
                ScoredText got = scorer.score(text, options, () -> false, (d, t) -> { });
                ScoredText want = TextScorer.score(model, text, options);
                assertSame(got, want, text);
                assertNextIsTheLastPositionsTopK(scorer, got, options);
            }
        }
    }

    @Test
    void typingAtTheEndRunsOnlyTheNewPositions() throws Exception {
        try (IncrementalScorer scorer = new IncrementalScorer(model)) {
            ScoreOptions options = new ScoreOptions(true, 5, 0);
            ScoredText first = scorer.score(BASE, options, () -> false, (d, t) -> { });
            int n = first.tokens().size();
            assertThat(scorer.lastFed()).isEqualTo(n + 1); // <|endoftext|> and every token
            scorer.score(BASE + " the", options, () -> false, (d, t) -> { });
            // " the" is one new token; the position before it runs again to score it
            assertThat(scorer.lastFed()).isEqualTo(2);
            assertThat(scorer.lastReused()).isEqualTo(n);
            int edited = model.tokenizer().encode(BASE.replace("sunny", "rainy")).size();
            String prefix = BASE.substring(0, BASE.indexOf(" sunny"));
            int unchanged = model.tokenizer().encode(prefix).size();
            scorer.score(BASE.replace("sunny", "rainy"), options, () -> false, (d, t) -> { });
            // an edit in the middle costs the tokens after it, plus the position that predicts the first
            assertThat(scorer.lastFed()).isEqualTo(edited - unchanged + 1);
            assertThat(scorer.lastReused()).isEqualTo(unchanged);
            scorer.score(BASE.replace("sunny", "rainy"), options, () -> false, (d, t) -> { });
            assertThat(scorer.lastFed()).isZero(); // the same text again: nothing to run
        }
    }

    @Test
    void cancellingMidUpdateLeavesThePreviousAnalysisAndAConsistentCache() throws Exception {
        try (IncrementalScorer scorer = new IncrementalScorer(model)) {
            ScoreOptions options = new ScoreOptions(true, 5, 0);
            scorer.score(BASE, options, () -> false, (d, t) -> { });
            String edited = BASE.replace("quick", "slow") + " and then";
            AtomicInteger checks = new AtomicInteger();
            // cancelled after the first layer of the update's forward pass
            assertThatThrownBy(() -> scorer.score(edited, options, () -> checks.incrementAndGet() > 1, (d, t) -> { }))
                    .isInstanceOf(CancellationException.class);
            assertThat(checks.get()).isGreaterThan(1);
            // the previous analysis still stands: scoring its text again runs nothing
            ScoredText again = scorer.score(BASE, options, () -> false, (d, t) -> { });
            assertThat(scorer.lastFed()).isZero();
            assertSame(again, TextScorer.score(model, BASE, options), BASE);
            // and the cache, partly overwritten by the cancelled run, still gives exact results
            assertSame(scorer.score(edited, options, () -> false, (d, t) -> { }), TextScorer.score(model, edited, options),
                    edited);
            scorer.score(BASE, options, () -> false, (d, t) -> { });
            assertThatThrownBy(() -> scorer.score(edited, options, () -> true, (d, t) -> { }))
                    .isInstanceOf(CancellationException.class);
            assertSame(scorer.score(edited + " more", options, () -> false, (d, t) -> { }),
                    TextScorer.score(model, edited + " more", options), edited);
        }
    }

    @Test
    void changedOptionsScoreAgainWithTheSameCache() throws Exception {
        try (IncrementalScorer scorer = new IncrementalScorer(model)) {
            scorer.score(BASE, new ScoreOptions(true, 5, 0), () -> false, (d, t) -> { });
            ScoredText got = scorer.score(BASE, new ScoreOptions(true, 8, 0), () -> false, (d, t) -> { });
            assertThat(scorer.lastReused()).isZero();
            assertSame(got, TextScorer.score(model, BASE, new ScoreOptions(true, 8, 0)), BASE);
            ScoredText noBos = scorer.score(BASE, new ScoreOptions(false, 8, 0), () -> false, (d, t) -> { });
            assertSame(noBos, TextScorer.score(model, BASE, new ScoreOptions(false, 8, 0)), BASE);
        }
    }

    @Test
    void refusesAnEmptyText() throws Exception {
        try (IncrementalScorer scorer = new IncrementalScorer(model)) {
            assertThatThrownBy(() -> scorer.score("", ScoreOptions.DEFAULT, () -> false, (d, t) -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        }
    }

    /** The tokens after the text: the top-k of the last fed position, computed from nothing here. */
    private static void assertNextIsTheLastPositionsTopK(IncrementalScorer scorer, ScoredText got, ScoreOptions options) {
        var last = got.windows().windows().get(got.windows().windows().size() - 1);
        int[] ids = got.tokens().stream().mapToInt(TokenScore::id).toArray();
        int[] input = new int[last.length()];
        int i = 0;
        if (last.bos()) input[i++] = model.endOfTextId();
        for (int t = last.start(); t < last.end(); t++) input[i++] = ids[t];
        float[][] logits = model.logits(input);
        double[] lp = org.tokenscope.testing.TinyGpt2.logSoftmax(toDouble(logits[input.length - 1]));
        Integer[] order = new Integer[lp.length];
        for (int v = 0; v < lp.length; v++) order[v] = v;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(lp[y], lp[x]));
        var next = scorer.nextAlternatives();
        assertThat(next).hasSize(options.topK());
        for (int k = 0; k < next.size(); k++) {
            assertThat(next.get(k).id()).isEqualTo(order[k]);
            assertThat(next.get(k).logprob()).isCloseTo(lp[order[k]], float32(lp[order[k]]));
        }
    }

    /**
     * Two float32 computations of one number in different orders (cached positions against a full
     * pass; the engine's GEMM picks other kernels for other shapes) agree to some ulps, not exactly:
     * 1e-5 of the value (80–170 ulps), at least 1e-5. Seen: 1.09e-5 apart at a log-probability of
     * -5.98 on an AMD EPYC, where PyTorch's MKL takes another code path than on Intel.
     */
    private static org.assertj.core.data.Offset<Double> float32(double want) {
        return within(1e-5 * Math.max(1, Math.abs(want)));
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }

    static void assertSame(ScoredText got, ScoredText want, String text) {
        assertThat(got.text()).isEqualTo(want.text());
        assertThat(got.windows()).isEqualTo(want.windows());
        assertThat(got.tokens()).hasSameSizeAs(want.tokens());
        for (int t = 0; t < want.tokens().size(); t++) {
            TokenScore a = got.tokens().get(t);
            TokenScore b = want.tokens().get(t);
            String where = "token " + t + " of \"" + text + "\"";
            assertThat(a.id()).as(where).isEqualTo(b.id());
            assertThat(a.text()).as(where).isEqualTo(b.text());
            assertThat(a.start()).as(where).isEqualTo(b.start());
            assertThat(a.end()).as(where).isEqualTo(b.end());
            assertThat(a.isScored()).as(where).isEqualTo(b.isScored());
            if (!b.isScored()) continue;
            assertThat(a.logprob()).as(where).isCloseTo(b.logprob(), float32(b.logprob()));
            assertThat(a.entropy()).as(where).isCloseTo(b.entropy(), float32(b.entropy()));
            assertThat(a.rank()).as(where).isEqualTo(b.rank());
            assertThat(a.top()).as(where).hasSameSizeAs(b.top());
            for (int i = 0; i < b.top().size(); i++) {
                assertThat(a.top().get(i).id()).as(where).isEqualTo(b.top().get(i).id());
                assertThat(a.top().get(i).logprob()).as(where).isCloseTo(b.top().get(i).logprob(), float32(b.top().get(i).logprob()));
            }
        }
        assertThat(got.perplexity()).isCloseTo(want.perplexity(), within(1e-4 * want.perplexity()));
    }
}
