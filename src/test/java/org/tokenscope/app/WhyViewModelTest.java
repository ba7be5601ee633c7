package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.Capabilities;
import org.tokenscope.remote.FakeVllm;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.ReferenceEdit;
import org.tokenscope.testing.TinyGpt2;

/** The Why pane and the Interventions pane on a same-thread runner with a real tiny checkpoint. */
class WhyViewModelTest {

    static final TinyGpt2 TINY = TinyGpt2.random(3, 2, 4, 32, 64, 50257);

    @TempDir
    static Path dir;
    static Path tiny;

    final DirectRunner runner = new DirectRunner();
    final MainViewModel main = new MainViewModel(runner);
    final WhyViewModel why = new WhyViewModel(main, runner);
    final InterventionsViewModel interventions = new InterventionsViewModel(main, runner);

    @BeforeAll
    static void write() throws Exception {
        tiny = CheckpointWriter.write(TINY, dir.resolve("tiny"));
    }

    @AfterEach
    void close() {
        main.shutdown();
    }

    private void analysed(String text) {
        main.compareProperty().set(false);
        main.textProperty().set(text);
        main.loadModel(main.slotA(), ModelRequest.named(tiny.toString()));
        assertThat(main.analysisProperty().get()).isNotNull();
    }

    @Test
    void withoutASelectionItSaysWhatToDo() {
        analysed("The quick brown fox");
        main.selectedProperty().set(-1);
        why.why();
        assertThat(why.resultProperty().get()).isNull();
        assertThat(why.statusProperty().get()).contains("Select a token");
    }

    @Test
    void whyTheSelectedTokenAndWhyNotAnAlternativeFromItsTopK() {
        analysed("The quick brown fox jumps");
        main.selectedProperty().set(3);
        TokenScore selected = why.selectedToken();
        why.methodProperty().set(Attribution.Method.OCCLUSION);
        why.why();
        Attribution a = why.resultProperty().get();
        assertThat(a.target().position()).isEqualTo(3);
        assertThat(a.target().id()).isEqualTo(selected.id());
        assertThat(a.target().logprob()).isCloseTo(selected.logprob(), within(1e-4)); // the heatmap's number
        assertThat(a.scores()).hasSize(3);
        assertThat(a.target().contrast()).isNull();
        assertThat(why.alternatives()).isNotEmpty().noneMatch(alt -> alt.id() == selected.id());
        int other = why.alternatives().get(0).id();
        why.methodProperty().set(Attribution.Method.INTEGRATED_GRADIENTS);
        why.stepsProperty().set(16);
        why.whyRatherThan(other);
        Attribution contrast = why.resultProperty().get();
        assertThat(contrast.target().contrast().id()).isEqualTo(other);
        assertThat(contrast.completenessError()).isNotNull();
        assertThat(why.busyProperty().get()).isFalse();
    }

    @Test
    void aTopKBarAsksWhyTheTokenRatherThanThatAlternative() {
        TopKViewModel topK = new TopKViewModel(main);
        analysed("The quick brown fox jumps");
        why.methodProperty().set(Attribution.Method.OCCLUSION);
        assertThat(topK.whyNot(0)).isFalse(); // nothing selected: the bars after the text are no token's
        main.selectedProperty().set(2);
        TokenScore selected = why.selectedToken();
        int rank = selected.top().get(0).id() == selected.id() ? 1 : 0;
        var alternative = selected.top().get(rank);
        assertThat(topK.whyNot(rank)).isTrue();
        assertThat(main.whyAskedProperty().get()).isEqualTo(new MainViewModel.WhyAsked(2, alternative.id()));
        assertThat(why.contrastProperty().get()).isEqualTo(alternative);
        Attribution a = why.resultProperty().get();
        assertThat(a.target().position()).isEqualTo(2);
        assertThat(a.target().contrast().id()).isEqualTo(alternative.id());
        // log p(X) − log p(Y): the heatmap's and the top-k's numbers
        assertThat(a.target().value()).isCloseTo(selected.logprob() - alternative.logprob(), within(1e-4));
        assertThat(why.statusProperty().get()).contains("rather than");
    }

    @Test
    void onARemoteModelOcclusionRunsThroughTheServerWithProgressAndTheOthersSayWhyNot() throws Exception {
        try (FakeVllm vllm = new FakeVllm()) {
            vllm.contextual = true;
            main.compareProperty().set(false);
            main.textProperty().set("The quick brown fox jumps over the lazy dog.");
            main.loadModel(main.slotA(), ModelRequest.named(vllm.spec()));
            assertThat(main.analysisProperty().get()).isNotNull();
            main.selectedProperty().set(5);
            TokenScore selected = why.selectedToken();

            why.methodProperty().set(Attribution.Method.INTEGRATED_GRADIENTS);
            why.why();
            assertThat(why.statusProperty().get()).isEqualTo("Attribution by integrated gradients needs a local model "
                    + "(its gradients or attention); on a remote server pick occlusion, which only scores texts.");
            assertThat(why.busyProperty().get()).isFalse();

            List<String> progress = new ArrayList<>();
            main.status().statusProperty().addListener((o, a, b) -> progress.add(b));
            why.methodProperty().set(Attribution.Method.OCCLUSION);
            why.why();
            Attribution a = why.resultProperty().get();
            assertThat(a.model()).isEqualTo(FakeVllm.MODEL);
            assertThat(a.target().id()).isEqualTo(selected.id());
            assertThat(a.target().logprob()).isCloseTo(selected.logprob(), within(1e-12)); // the heatmap's number
            assertThat(a.scores()).hasSize(5);
            assertThat(progress).anyMatch(line -> line.endsWith("6 of 6 texts scored"));
            assertThat(main.status().busyProperty().get()).isFalse();
        }
    }

    @Test
    void aGradientMethodOnABackendWithoutInternalsIsOneSentence() {
        assertThat(Capabilities.local(10).whyNot(Attribution.Method.ROLLOUT)).isNull();
        var remote = new Capabilities(20, false, false, false, "remote server");
        assertThat(remote.whyNot(Attribution.Method.GRADIENT_X_INPUT)).isEqualTo("Attribution by gradient × input needs "
                + "a local model (its gradients or attention); on a remote server pick occlusion, which only scores texts.");
        assertThat(remote.whyNot(Attribution.Method.OCCLUSION)).isNull();
    }

    @Test
    void zeroingAHeadScoresEveryTokenAsTheReferenceWithThatHeadZeroed() {
        analysed("The quick brown fox jumps");
        interventions.layerProperty().set(1);
        interventions.headProperty().set(3);
        interventions.ablate();
        Ablation a = interventions.resultProperty().get();
        assertThat(a.label()).isEqualTo("head 1.3");
        int n = a.tokens().size();
        int[] input = new int[n + 1];
        input[0] = 50256;
        for (int t = 0; t < n; t++) {
            input[t + 1] = a.tokens().get(t).id();
        }
        double[][] ref = TINY.referenceLogits(input, ReferenceEdit.zeroHead(1, 3));
        for (int t = 0; t < n; t++) {
            assertThat(a.logprobAblated()[t]).isCloseTo(TinyGpt2.logSoftmax(ref[t])[input[t + 1]], within(1e-4));
            assertThat(a.logprob()[t]).isCloseTo(main.analysisProperty().get().a().tokens().get(t).logprob(), within(1e-4));
        }
        interventions.headProperty().set(InterventionsViewModel.MLP);
        interventions.layerProperty().set(5);
        interventions.ablate();
        assertThat(interventions.statusProperty().get()).isEqualTo("The layer must be between 0 and 1.");
    }
}
