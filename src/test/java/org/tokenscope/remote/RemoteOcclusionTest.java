package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.backend.ScoreProgress;

/**
 * Occlusion on a remote model, through a real HTTP server on 127.0.0.1 (the fake vLLM, its scores depending
 * on the whole prefix): each score is f(text) − f(text without the token), every f as the server scores it.
 */
class RemoteOcclusionTest {

    static final String TEXT = "The quickest brown fox jumps over the lazy dog and runs far away into the dark "
            + "forest where nobody can find it again, not even the hunters with their clever hounds and horns.";

    static FakeVllm vllm;
    static RemoteBackend backend;

    @BeforeAll
    static void start() throws Exception {
        vllm = new FakeVllm();
        vllm.contextual = true;
        backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect();
    }

    @AfterAll
    static void stop() {
        backend.close();
        vllm.close();
    }

    /** The ids the server feeds for TEXT: its {@code <s>}, then the text's. */
    static int[] fed() {
        return FakeVllm.tokenize(TEXT, true).stream().mapToInt(FakeVllm.Piece::id).toArray();
    }

    /** f after {@code context}: log p(x) − log p(y) (y < 0: none), as the fake scores a prefix. */
    static double f(int[] context, int x, int y) {
        int[] withX = Arrays.copyOf(context, context.length + 1);
        withX[context.length] = x;
        double v = FakeVllm.logprobAfter(withX);
        if (y >= 0) {
            int[] withY = withX.clone();
            withY[context.length] = y;
            v -= FakeVllm.logprobAfter(withY);
        }
        return v;
    }

    static int[] without(int[] ids, int drop) {
        int[] out = new int[ids.length - 1];
        System.arraycopy(ids, 0, out, 0, drop);
        System.arraycopy(ids, drop + 1, out, drop, ids.length - 1 - drop);
        return out;
    }

    @Test
    void occlusionIsTheServersScoreOfTheTextMinusItsScoreWithoutEachToken() throws Exception {
        int[] ids = fed();
        int position = ids.length - 2; // the last token of the text: more sequences than one request holds
        int before = vllm.server().requests("/v1/completions").size();
        List<int[]> reported = new ArrayList<>();
        Attribution a = backend.attribute(TEXT, position, null, Attribution.Method.OCCLUSION, 32, () -> false,
                (done, total) -> reported.add(new int[] {done, total}));

        int[] context = Arrays.copyOf(ids, 1 + position);
        int x = ids[1 + position];
        assertThat(a.method()).isEqualTo(Attribution.Method.OCCLUSION);
        assertThat(a.completenessError()).isNull();
        assertThat(a.model()).isEqualTo(FakeVllm.MODEL);
        assertThat(a.target().id()).isEqualTo(x);
        assertThat(a.target().contrast()).isNull();
        assertThat(a.target().logprob()).isCloseTo(FakeVllm.logprobAfter(Arrays.copyOf(ids, 2 + position)), within(1e-12));
        assertThat(a.scores()).hasSize(position);
        double full = f(context, x, -1);
        for (int i = 0; i < position; i++) {
            assertThat(a.scores()[i]).as("without token %d", i).isCloseTo(full - f(without(context, 1 + i), x, -1),
                    within(1e-12));
        }
        assertThat(Arrays.stream(a.scores()).distinct().count()).isGreaterThan(3); // the prefix matters
        assertThat(a.tokens().get(position).id()).isEqualTo(x);

        // the text once, then the sequences in batches, progress after each
        List<FakeServer.Request> requests = vllm.server().requests("/v1/completions");
        List<FakeServer.Request> mine = requests.subList(before, requests.size());
        int sequences = position + 1;
        int batches = (sequences + RemoteBackend.BATCH - 1) / RemoteBackend.BATCH;
        assertThat(sequences).isGreaterThan(RemoteBackend.BATCH);
        assertThat(mine).hasSize(1 + batches);
        assertThat(mine.get(0).body().path("prompt").isTextual()).isTrue();
        JsonNode batch = mine.get(1).body().path("prompt");
        assertThat(batch).hasSize(RemoteBackend.BATCH);
        assertThat(batch.get(0)).hasSize(context.length + 1);
        assertThat(reported).hasSize(batches);
        assertThat(reported.get(0)).containsExactly(RemoteBackend.BATCH, sequences);
        assertThat(reported.get(batches - 1)).containsExactly(sequences, sequences);
    }

    @Test
    void aContrastIsTheDifferenceOfBothTokensScores() throws Exception {
        int[] ids = fed();
        int position = 6;
        int y = 20003; // an alternative the fake offers ("alt3")
        Attribution a = backend.attribute(TEXT, position, Integer.toString(y), Attribution.Method.OCCLUSION, 32,
                () -> false, ScoreProgress.NONE);
        int[] context = Arrays.copyOf(ids, 1 + position);
        int x = ids[1 + position];
        assertThat(a.target().contrast().id()).isEqualTo(y);
        assertThat(a.target().contrast().text()).isEqualTo("alt3");
        int[] withY = Arrays.copyOf(context, context.length + 1);
        withY[context.length] = y;
        assertThat(a.target().contrast().logprob()).isCloseTo(FakeVllm.logprobAfter(withY), within(1e-12));
        double full = f(context, x, y);
        assertThat(a.target().value()).isCloseTo(full, within(1e-12));
        for (int i = 0; i < position; i++) {
            assertThat(a.scores()[i]).isCloseTo(full - f(without(context, 1 + i), x, y), within(1e-12));
        }
    }

    @Test
    void otherMethodsSayTheyNeedALocalModel() {
        for (Attribution.Method m : List.of(Attribution.Method.GRADIENT_X_INPUT, Attribution.Method.INTEGRATED_GRADIENTS,
                Attribution.Method.ROLLOUT)) {
            assertThat(backend.capabilities().whyNot(m)).contains("needs a local model", m.label(), "occlusion");
            assertThatThrownBy(() -> backend.attribute(TEXT, 3, null, m, 32, () -> false, ScoreProgress.NONE))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage(backend.capabilities().whyNot(m));
        }
        assertThat(backend.capabilities().whyNot(Attribution.Method.OCCLUSION)).isNull();
    }

    @Test
    void badInputGetsOneSentence() {
        assertThatThrownBy(() -> backend.attribute(TEXT, 0, null, Attribution.Method.OCCLUSION, 32, () -> false,
                ScoreProgress.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no token before it");
        assertThatThrownBy(() -> backend.attribute(TEXT, 500, null, Attribution.Method.OCCLUSION, 32, () -> false,
                ScoreProgress.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the text");
        assertThatThrownBy(() -> backend.attribute(TEXT, 3, " fox", Attribution.Method.OCCLUSION, 32, () -> false,
                ScoreProgress.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id");
        assertThatThrownBy(() -> backend.attribute(TEXT, 3, "29999999", Attribution.Method.OCCLUSION, 32, () -> false,
                ScoreProgress.NONE)).isInstanceOf(RemoteException.class).hasMessageContaining("out of vocabulary");
    }

    @Test
    void cancellingStopsBetweenRequests() {
        int position = fed().length - 2;
        AtomicInteger batches = new AtomicInteger();
        int before = vllm.server().requests("/v1/completions").size();
        assertThatThrownBy(() -> backend.attribute(TEXT, position, null, Attribution.Method.OCCLUSION, 32,
                () -> batches.get() >= 1, (done, total) -> batches.incrementAndGet()))
                .isInstanceOf(CancellationException.class);
        assertThat(batches.get()).isEqualTo(1);
        assertThat(vllm.server().requests("/v1/completions").size() - before).isEqualTo(2); // the text, one batch
    }
}
