package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.Branch;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Strategy;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** A fork's continuation is generate's from the edited prefix; the fork's scores are the reference's. */
class BrancherTest {

    static final TinyGpt2 TINY = TinyGpt2.random(23, 2, 4, 32, 64, 50257);
    static final String TEXT = "The quick brown fox jumps over the lazy dog";

    @TempDir
    static Path dir;
    static LanguageModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LanguageModel.load(CheckpointWriter.write(TINY, dir.resolve("tiny")), "tiny");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Backend.GenerationSettings settings(int n, Strategy strategy) {
        return new Backend.GenerationSettings(n, strategy, List.of(), 5);
    }

    @Test
    void theContinuationIsGenerateFromTheEditedPrefix() {
        int[] ids = model.tokenizer().encode(TEXT).ids();
        int at = 3;
        int with = model.tokenizer().encode(" cat").ids()[0];
        for (Strategy strategy : List.of(new Greedy(), Sampling.of(0.9, 0, 1.0, 1.0, 5))) {
            Branch branch = Brancher.branch(model, TEXT, at, " cat", settings(6, strategy),
                    GenerationListener.NONE, () -> false);
            int[] edited = Arrays.copyOf(ids, at + 1);
            edited[at] = with;
            GenerationResult want = new Generator(model).generate(GenerationRequest.builder().setPrompt(edited)
                    .setMaxNewTokens(6).optStrategy(strategy).build());
            Sequence got = branch.result().best();
            assertThat(branch.result().promptIds()).containsExactly(Arrays.copyOf(ids, at));
            assertThat(got.ids()[0]).isEqualTo(with);
            assertThat(Arrays.copyOfRange(got.ids(), 1, got.length())).containsExactly(want.best().ids());
            for (int i = 1; i < got.length(); i++) {
                assertThat(got.steps().get(i).logprob()).isEqualTo(want.best().steps().get(i - 1).logprob());
                assertThat(got.steps().get(i).index()).isEqualTo(i);
            }
            assertThat(got.score()).isCloseTo(got.steps().stream().mapToDouble(s -> s.logprob()).sum(), within(1e-12));
            assertThat(got.stopReason()).isEqualTo(want.best().stopReason());
            assertThat(branch.prompt()).isEqualTo("The quick brown");
            assertThat(got.text()).startsWith(" cat").isEqualTo(" cat" + want.best().text());
        }
    }

    @Test
    void theForkIsScoredAsTheReferenceDoes() {
        int[] ids = model.tokenizer().encode(TEXT).ids();
        int with = 262; // " the"
        for (int at : new int[] {0, 4}) {
            // after the start token, as score scores every token: the fork's log-probabilities are score's
            Branch branch = Brancher.branch(model, ids, at, with, settings(0, new Greedy()).withBos(true),
                    GenerationListener.NONE, () -> false);
            int[] context = new int[at + 1];
            context[0] = model.endOfTextId();
            System.arraycopy(ids, 0, context, 1, at);
            double[][] logits = TINY.referenceLogits(context);
            double[] lp = TinyGpt2.logSoftmax(logits[context.length - 1]);
            assertThat(branch.fork().position()).isEqualTo(at);
            assertThat(branch.fork().replaced().id()).isEqualTo(ids[at]);
            assertThat(branch.fork().replaced().logprob()).isCloseTo(lp[ids[at]], within(1e-4));
            assertThat(branch.fork().with().logprob()).isCloseTo(lp[with], within(1e-4));
            assertThat(branch.fork().with().text()).isEqualTo(" the");
            Sequence s = branch.result().best();
            assertThat(s.ids()).containsExactly(with); // 0 new tokens: the fork alone
            assertThat(s.steps().get(0).logprob()).isEqualTo(branch.fork().with().logprob());
            int rank = 1;
            for (double x : lp) if (x > lp[with]) rank++;
            assertThat(s.steps().get(0).rank()).isEqualTo(rank);
        }
    }

    @Test
    void aTokenIsAnIdOrOneTokenOfText() {
        assertThat(Brancher.resolveToken(model, " world")).isEqualTo(995);
        assertThat(Brancher.resolveToken(model, "995")).isEqualTo(995);
        assertThatThrownBy(() -> Brancher.resolveToken(model, "Hello world"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 tokens").hasMessageContaining("\" world\"");
        assertThatThrownBy(() -> Brancher.resolveToken(model, "99999999999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> Brancher.branch(model, TEXT, 40, " cat", settings(1, new Greedy()),
                GenerationListener.NONE, () -> false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no token 40");
    }
}
