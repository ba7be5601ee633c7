package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.StopReason;
import org.tokenscope.backend.Backend.GenerationSettings;

/** Streamed generation from fake servers: steps in order, cancellation, strategies, chat. */
class RemoteGenerationTest {

    /** Records what a listener hears. */
    static class Recorder implements GenerationListener {
        final List<Step> steps = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        @Override
        public void onStep(Step step) {
            steps.add(step);
        }

        @Override
        public void onText(String t) {
            text.append(t);
        }
    }

    @Test
    void greedyStreamsStepsInOrderWithTheServersNumbers() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            Recorder heard = new Recorder();
            GenerationResult result = backend.generate("The quick brown fox",
                    new GenerationSettings(5, new Greedy(), List.of(), 3), heard, () -> false);
            Sequence s = result.best();
            assertThat(s.text()).isEqualTo(" over the lazy dog.");
            assertThat(heard.text.toString()).isEqualTo(s.text());
            assertThat(heard.steps).isEqualTo(s.steps());
            assertThat(s.steps()).extracting(Step::index).containsExactly(0, 1, 2, 3, 4);
            assertThat(s.steps()).extracting(Step::text).containsExactly(" over", " the", " lazy", " dog", ".");
            assertThat(s.ids()).containsExactly(FakeVllm.id(" over"), FakeVllm.id(" the"), FakeVllm.id(" lazy"),
                    FakeVllm.id(" dog"), FakeVllm.id("."));
            for (Step step : s.steps()) {
                int rank = 1 + step.index() % 3;
                assertThat(step.logprob()).isEqualTo(FakeVllm.logprob(step.index() + 1, rank));
                assertThat(step.rank()).isEqualTo(rank);
                assertThat(step.top()).hasSize(3);
                assertThat(step.top().get(0).logprob()).isEqualTo(FakeVllm.logprob(step.index() + 1, 1));
                assertThat(step.entropy()).isNaN();
                assertThat(step.sampleProb()).isNull();
            }
            assertThat(s.score()).isEqualTo(s.steps().stream().mapToDouble(Step::logprob).sum());
            assertThat(s.stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
            assertThat(result.cancelled()).isFalse();
            assertThat(result.promptIds()).isNotEmpty();
            var body = vllm.server().requests("/v1/completions").get(0).body();
            assertThat(body.get("stream").asBoolean()).isTrue();
            assertThat(body.get("temperature").asDouble()).isZero();
            assertThat(body.get("logprobs").asInt()).isEqualTo(3);
            assertThat(body.get("max_tokens").asInt()).isEqualTo(5);
            assertThat(body.has("top_k")).isFalse();
            assertThat(body.has("seed")).isFalse();
        }
    }

    @Test
    void samplingSendsItsParameters() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            backend.generate("Once", new GenerationSettings(2, Sampling.of(0.7, 40, 0.9, 1.2, 1234L), List.of("\n"), 2),
                    GenerationListener.NONE, () -> false);
            var body = vllm.server().requests("/v1/completions").get(0).body();
            assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
            assertThat(body.get("top_k").asInt()).isEqualTo(40);
            assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
            assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.2);
            assertThat(body.get("seed").asLong()).isEqualTo(1234L);
            assertThat(body.get("stop").get(0).asText()).isEqualTo("\n");
            assertThat(body.get("include_stop_str_in_output").asBoolean()).isTrue();
        }
    }

    @Test
    void greedyWithARepetitionPenaltyIsTemperatureZeroAndThePenalty() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            backend.generate("Once", new GenerationSettings(1, Greedy.withRepetitionPenalty(1.3), List.of(), 1),
                    GenerationListener.NONE, () -> false);
            var body = vllm.server().requests("/v1/completions").get(0).body();
            assertThat(body.get("temperature").asDouble()).isZero();
            assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.3);
        }
    }

    @Test
    void beamSearchIsRefusedWithASentence() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            assertThatThrownBy(() -> backend.generate("Once", new GenerationSettings(3, BeamSearch.of(4), List.of(), 1),
                    GenerationListener.NONE, () -> false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Beam search is not supported by remote backends: use greedy decoding or sampling.");
            assertThat(vllm.server().requests("/v1/completions")).isEmpty();
        }
    }

    @Test
    void cancellingStopsTheStream() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            vllm.eventDelayMillis = 100;
            AtomicBoolean cancel = new AtomicBoolean();
            Recorder heard = new Recorder() {
                @Override
                public void onStep(Step step) {
                    super.onStep(step);
                    if (steps.size() == 3) cancel.set(true);
                }
            };
            long t0 = System.nanoTime();
            GenerationResult result = backend.generate("The", new GenerationSettings(50, new Greedy(), List.of(), 1),
                    heard, cancel::get);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(result.cancelled()).isTrue();
            assertThat(result.best().stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(result.best().steps()).hasSize(3);
            assertThat(heard.steps).hasSize(3);
            assertThat(seconds).isLessThan(2.0); // 50 events would take 5 s
        }
    }

    @Test
    void cancellingWhileTheServerIsSilentClosesTheStream() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, FakeVllm.models()));
            server.on("POST /v1/completions", (r, x) -> {
                OutputStream out = FakeServer.startEvents(x);
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                FakeServer.event(out, "[DONE]");
            });
            try (RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.base())).connect()) {
                long start = System.nanoTime();
                GenerationResult result = backend.generate("The", new GenerationSettings(5, new Greedy(), List.of(), 1),
                        GenerationListener.NONE, () -> System.nanoTime() - start > 300_000_000L);
                assertThat(result.cancelled()).isTrue();
                assertThat((System.nanoTime() - start) / 1e9).isLessThan(3.0);
            }
        }
    }

    @Test
    void aSilentStreamTimesOut() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, FakeVllm.models()));
            server.on("POST /v1/completions", (r, x) -> {
                FakeServer.startEvents(x);
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.base()))
                    .optTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(300)).connect()) {
                assertThatThrownBy(() -> backend.generate("The", new GenerationSettings(5, new Greedy(), List.of(), 1),
                        GenerationListener.NONE, () -> false))
                        .isInstanceOf(RemoteException.class).hasMessageContaining("sent nothing for 0.3 s");
            }
        }
    }

    @Test
    void aCutStreamIsAnErrorNotASilentEnd() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            vllm.cutAfterEvents = 2;
            Recorder heard = new Recorder();
            assertThatThrownBy(() -> backend.generate("The", new GenerationSettings(6, new Greedy(), List.of(), 1),
                    heard, () -> false))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("closed the stream before the generation ended (after 2 tokens)");
            assertThat(heard.steps).hasSize(2);
        }
    }

    @Test
    void aServerWithoutLogprobsStillStreamsItsText() throws Exception {
        try (FakeLegacy server = FakeLegacy.generationOnly();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.spec())).connect()) {
            Recorder heard = new Recorder();
            GenerationResult result = backend.generate("The capital of France is",
                    new GenerationSettings(3, new Greedy(), List.of(), 2), heard, () -> false);
            assertThat(result.best().text()).isEqualTo(" Paris. It");
            assertThat(heard.text.toString()).isEqualTo(" Paris. It");
            assertThat(result.best().steps()).isEmpty();
        }
    }

    /** OpenAI's chat stream shape: {@code delta.content}, {@code logprobs.content[]} with bytes. */
    @Test
    void chatStreamsDeltasAndLogprobsWithBytes() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200,
                    "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"owned_by\":\"system\"}]}"));
            server.on("POST /v1/chat/completions", (r, x) -> {
                OutputStream out = FakeServer.startEvents(x);
                FakeServer.event(out, """
                        {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000400,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""");
                FakeServer.event(out, """
                        {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000400,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.25,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105]},{"token":"Hello","logprob":-1.75,"bytes":[72,101,108,108,111]}]}],"refusal":null},"finish_reason":null}]}""");
                FakeServer.event(out, """
                        {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000400,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" 😀"},"logprobs":{"content":[{"token":" \\ud83d","logprob":-3.0,"bytes":[32,240,159],"top_logprobs":[{"token":"!","logprob":-0.5,"bytes":[33]},{"token":" \\ud83d","logprob":-3.0,"bytes":[32,240,159]}]},{"token":"\\ude00","logprob":-0.01,"bytes":[152,128],"top_logprobs":[{"token":"\\ude00","logprob":-0.01,"bytes":[152,128]}]}],"refusal":null},"finish_reason":null}]}""");
                FakeServer.event(out, """
                        {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1718000400,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""");
                FakeServer.event(out, "[DONE]");
            });
            try (RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.base() + "#gpt-4o-mini"))
                    .optChat(true).connect()) {
                Recorder heard = new Recorder();
                GenerationResult result = backend.generate("Say hi", new GenerationSettings(10, new Greedy(), List.of(), 2),
                        heard, () -> false);
                Sequence s = result.best();
                assertThat(s.text()).isEqualTo("Hi 😀");
                assertThat(s.steps()).extracting(Step::text).containsExactly("Hi", " \\xF0\\x9F", "\\x98\\x80");
                assertThat(s.steps()).extracting(Step::rank).containsExactly(1, 2, 1);
                assertThat(s.steps().get(0).top()).extracting(a -> a.text()).containsExactly("Hi", "Hello");
                assertThat(s.ids()).containsExactly(-1, -1, -1);
                assertThat(s.stopReason()).isEqualTo(StopReason.END_OF_TEXT);
            }
            var body = server.requests("/v1/chat/completions").get(0).body();
            assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("user");
            assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("Say hi");
            assertThat(body.get("logprobs").asBoolean()).isTrue();
            assertThat(body.get("top_logprobs").asInt()).isEqualTo(2);
        }
    }
}
