package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.ScoreOptions;

/** Scoring through fake servers: the scores shown are the numbers the server sent. */
class RemoteScoringTest {

    /** vLLM serving gpt2, answering {@code prompt_logprobs: 2} for "Hello world!", as its JSON reads. */
    static final String VLLM_HELLO = """
            {"id":"cmpl-6d0b8a2f","object":"text_completion","created":1718000000,"model":"gpt2",
             "choices":[{"index":0,"text":" I","logprobs":null,"finish_reason":"length","stop_reason":null,
               "prompt_logprobs":[null,
                 {"995":{"logprob":-6.123456,"rank":27,"decoded_token":" world"},
                  "11":{"logprob":-2.9,"rank":1,"decoded_token":","},
                  "13":{"logprob":-3.1,"rank":2,"decoded_token":"."}},
                 {"0":{"logprob":-1.25,"rank":2,"decoded_token":"!"},
                  "13":{"logprob":-1.0,"rank":1,"decoded_token":"."}}]}],
             "usage":{"prompt_tokens":3,"total_tokens":4,"completion_tokens":1,"prompt_tokens_details":null}}
            """;

    static final String GPT2_MODELS = """
            {"object":"list","data":[{"id":"gpt2","object":"model","created":1718000000,"owned_by":"vllm",
              "root":"gpt2","parent":null,"max_model_len":1024,"permission":[]}]}
            """;

    /**
     * A text longer than the server's context is scored in windows of text: every token once, tiling
     * the text, each with exactly the numbers the fake sent for it in the request that scored it, and
     * no request over the context.
     */
    @Test
    void aTextLongerThanTheServersContextIsScoredInWindows() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 160; i++) {
            b.append(i == 0 ? "" : (i % 17 == 0 ? "\n" : " ")).append("word").append(i);
        }
        String text = b.toString();
        try (FakeVllm vllm = new FakeVllm()) {
            vllm.maxModelLen = 64;
            try (RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
                List<int[]> progress = new java.util.ArrayList<>();
                ScoredText s = backend.score(text, new ScoreOptions(true, 3, 0), () -> false,
                        (done, total) -> progress.add(new int[] {done, total}));
                assertThat(s.windows().windows().size()).isGreaterThan(3);
                assertThat(progress).isNotEmpty();
                // the tokens tile the text, each once
                int at = 0;
                for (TokenScore t : s.tokens()) {
                    assertThat(t.start()).as("token %d", t.index()).isEqualTo(at);
                    assertThat(t.text()).isEqualTo(text.substring(t.start(), t.end()));
                    at = t.end();
                }
                assertThat(at).isEqualTo(text.length());
                assertThat(s.tokens().stream().filter(t -> !t.isScored())).isEmpty();
                // each token's score is what the fake sent for it in an answered window
                List<String> answered = vllm.server().requests("/v1/completions").stream()
                        .map(r -> r.body().path("prompt").asText())
                        .filter(prompt -> FakeVllm.tokenize(prompt, true).size() + 1 <= 64).toList();
                assertThat(answered.size()).isGreaterThan(3);
                for (TokenScore t : s.tokens()) {
                    boolean found = false;
                    for (String prompt : answered) {
                        int offset = text.indexOf(prompt);
                        assertThat(offset).as("a window is a piece of the text").isNotNegative();
                        List<FakeVllm.Piece> pieces = FakeVllm.tokenize(prompt, true);
                        int from = 0;
                        for (int j = 1; j < pieces.size(); j++) {
                            int start = offset + from;
                            from += pieces.get(j).covers().length();
                            if (start == t.start() && offset + from == t.end()) {
                                int rank = FakeVllm.rank(j, pieces.get(j).covers());
                                found |= t.logprob() == FakeVllm.logprob(j, rank) && t.rank() == rank;
                            }
                        }
                    }
                    assertThat(found).as("token %d %s was sent so", t.index(), t.text()).isTrue();
                }
                // later windows score their tokens after text before them, not at the start of a request
                long late = s.tokens().stream().filter(t -> t.logprob() < -0.5 * 9 - 0.01 * 20).count();
                assertThat(late).as("some tokens scored deep into their window").isPositive();
            }
        }
    }

    static ScoredText score(RemoteBackend backend, String text, int k) throws Exception {
        return backend.score(text, new ScoreOptions(true, k, 0), () -> false, (d, t) -> { });
    }

    @Test
    void vllmPromptLogprobsBecomeTheScoresExactly() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, GPT2_MODELS));
            server.on("POST /v1/completions", (r, x) -> FakeServer.json(x, 200, VLLM_HELLO));
            try (RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.base())).connect()) {
                assertThat(backend.summary().name()).isEqualTo("gpt2");
                assertThat(backend.summary().context()).isEqualTo(1024);
                ScoredText s = score(backend, "Hello world!", 2);
                assertThat(backend.scoringMode()).isEqualTo(ScoringMode.PROMPT_LOGPROBS);
                List<TokenScore> t = s.tokens();
                assertThat(t).hasSize(3);
                assertThat(s.bos()).isFalse(); // gpt2 on vLLM gets no start token: "Hello" has nothing before it
                assertThat(t.get(0).isScored()).isFalse();
                assertThat(t.get(0).text()).isEqualTo("Hello");
                assertThat(t.get(0).start()).isZero();
                assertThat(t.get(0).end()).isEqualTo(5);
                TokenScore world = t.get(1);
                assertThat(world.id()).isEqualTo(995);
                assertThat(world.text()).isEqualTo(" world");
                assertThat(world.start()).isEqualTo(5);
                assertThat(world.end()).isEqualTo(11);
                assertThat(world.logprob()).isEqualTo(-6.123456);
                assertThat(world.prob()).isCloseTo(Math.exp(-6.123456), within(1e-15));
                assertThat(world.rank()).isEqualTo(27);
                assertThat(world.entropy()).isNull();
                assertThat(world.top()).containsExactly(new Alternative(11, ",", -2.9), new Alternative(13, ".", -3.1));
                TokenScore bang = t.get(2);
                assertThat(bang.id()).isZero();
                assertThat(bang.rank()).isEqualTo(2);
                assertThat(bang.top()).containsExactly(new Alternative(13, ".", -1.0), new Alternative(0, "!", -1.25));
                assertThat(s.perplexity()).isCloseTo(Math.exp((6.123456 + 1.25) / 2), within(1e-9));
            }
            FakeServer.Request request = server.requests("/v1/completions").get(0);
            assertThat(request.body().get("prompt").asText()).isEqualTo("Hello world!");
            assertThat(request.body().get("prompt_logprobs").asInt()).isEqualTo(2);
            assertThat(request.body().get("max_tokens").asInt()).isEqualTo(1);
            assertThat(request.body().get("model").asText()).isEqualTo("gpt2");
        }
    }

    @Test
    void aLlamaLikeTokenizerKeepsItsOwnTokensAndSpans() throws Exception {
        String text = "The quickest fox 😀 jumps";
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            assertThat(backend.info().vllm()).isTrue();
            ScoredText s = score(backend, text, 3);
            List<FakeVllm.Piece> pieces = FakeVllm.tokenize(text, true);
            // <s> covers no characters: dropped, and the first text token is scored after it
            assertThat(s.bos()).isTrue();
            assertThat(s.tokens()).hasSize(pieces.size() - 1);
            int at = 0;
            for (int i = 0; i < s.tokens().size(); i++) {
                TokenScore t = s.tokens().get(i);
                FakeVllm.Piece p = pieces.get(i + 1);
                assertThat(t.index()).isEqualTo(i);
                assertThat(t.id()).as("token %d", i).isEqualTo(p.id());
                assertThat(t.text()).isEqualTo(text.substring(t.start(), t.end()));
                assertThat(t.text()).doesNotContain("\uFFFD");
                int rank = FakeVllm.rank(i + 1, p.covers());
                assertThat(t.rank()).isEqualTo(rank);
                assertThat(t.logprob()).isEqualTo(FakeVllm.logprob(i + 1, rank));
                assertThat(t.entropy()).isNull();
                assertThat(t.top()).hasSize(3);
                assertThat(t.top().get(0).logprob()).isEqualTo(FakeVllm.logprob(i + 1, 1));
                if (!t.partial()) {
                    // whole tokens tile the text; the space before a word is part of the word's token
                    assertThat(t.start()).isEqualTo(at);
                    assertThat(t.text()).isEqualTo(p.covers());
                    at = t.end();
                } else {
                    assertThat(t.text()).contains("😀");
                    at = t.end();
                }
            }
            assertThat(at).isEqualTo(text.length());
            assertThat(s.tokens().stream().filter(TokenScore::partial)).hasSize(2);
            assertThat(s.tokens().get(0).text()).isEqualTo("The");
            assertThat(s.tokens().get(1).text()).isEqualTo(" quic");
        }
    }

    @Test
    void noBosAsksVllmForNoStartToken() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            ScoredText s = backend.score("Hello world", new ScoreOptions(false, 2, 0), () -> false, (d, t) -> { });
            assertThat(s.bos()).isFalse();
            assertThat(s.tokens().get(0).isScored()).isFalse();
            assertThat(s.tokens().get(0).text()).isEqualTo("Hell");
            assertThat(vllm.server().requests("/v1/completions").get(0).body().get("add_special_tokens").asBoolean()).isFalse();
        }
    }

    @Test
    void aLegacyServerIsScoredThroughEchoAndItsGeneratedTokenDropped() throws Exception {
        String text = "Hello, world 😀 ok";
        try (FakeLegacy legacy = FakeLegacy.echoing();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(legacy.spec())).connect()) {
            ScoredText s = score(backend, text, 3);
            assertThat(backend.scoringMode()).isEqualTo(ScoringMode.ECHO);
            List<FakeLegacy.Piece> pieces = FakeLegacy.tokenize(text);
            assertThat(s.tokens()).hasSize(pieces.size()); // " the", generated, is gone
            assertThat(s.tokens().get(0).isScored()).isFalse();
            assertThat(s.bos()).isFalse();
            for (int i = 1; i < s.tokens().size(); i++) {
                TokenScore t = s.tokens().get(i);
                assertThat(t.logprob()).isEqualTo(FakeLegacy.logprob(i));
                assertThat(t.id()).isEqualTo(-1);
                assertThat(t.entropy()).isNull();
                assertThat(t.rank()).as("token %d", i).isEqualTo(i % 2 == 0 ? 1 : 3);
                assertThat(t.top()).hasSize(3);
                assertThat(t.top().get(0).logprob()).isGreaterThanOrEqualTo(t.top().get(1).logprob());
                assertThat(t.text()).isEqualTo(text.substring(t.start(), t.end()));
            }
            // llama-cpp-python decodes the emoji's byte tokens to " " and "": the second covers the emoji, partial
            TokenScore emoji = s.tokens().stream().filter(TokenScore::partial).findFirst().orElseThrow();
            assertThat(emoji.text()).isEqualTo("😀");
            assertThat(s.tokens().get(s.tokens().size() - 1).text()).isEqualTo(" ok");
            // prompt_logprobs (ignored), then echo with max_tokens 0 (refused), then max_tokens 1
            List<FakeServer.Request> requests = legacy.server().requests("/v1/completions");
            assertThat(requests).hasSize(3);
            assertThat(requests.get(0).body().has("prompt_logprobs")).isTrue();
            assertThat(requests.get(1).body().get("max_tokens").asInt()).isZero();
            assertThat(requests.get(2).body().get("max_tokens").asInt()).isEqualTo(1);
            assertThat(requests.get(2).body().get("echo").asBoolean()).isTrue();
            assertThat(requests.get(2).body().get("logprobs").asInt()).isEqualTo(3);
            // the mode is remembered: one request next time
            score(backend, "Hi", 3);
            assertThat(legacy.server().requests("/v1/completions")).hasSize(4);
        }
    }

    @Test
    void aRankBelowTheTopKIsUnknown() throws Exception {
        try (FakeLegacy legacy = FakeLegacy.echoing();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(legacy.spec())).connect()) {
            ScoredText s = score(backend, "one two three", 2);
            assertThat(s.tokens().get(1).rank()).isNull();   // third, behind two: outside the top 2
            assertThat(s.tokens().get(1).logprob()).isEqualTo(FakeLegacy.logprob(1));
            assertThat(s.tokens().get(2).rank()).isEqualTo(1);
        }
    }

    /** OpenAI's legacy echo: "bytes:" tokens for parts of a character, offsets in code points. */
    @Test
    void openAiBytesTokensAndCodePointOffsetsLandOnTheirCharacters() throws Exception {
        String answer = """
                {"id":"cmpl-8Xz","object":"text_completion","created":1718000000,"model":"davinci-002",
                 "choices":[{"text":"Hi 😀!","index":0,"finish_reason":"length",
                   "logprobs":{"tokens":["Hi"," ","bytes:\\\\xf0\\\\x9f","bytes:\\\\x98\\\\x80","!"],
                     "token_logprobs":[null,-2.5,-7.0,-0.01,-3.0],
                     "top_logprobs":[null,{" ":-2.5,"!":-2.75},{"bytes:\\\\xf0\\\\x9f":-7.0," I":-1.0},
                                     {"bytes:\\\\x98\\\\x80":-0.01},{"!":-3.0,",":-1.5}],
                     "text_offset":[0,2,3,3,4]}}],
                 "usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}
                """;
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200,
                    "{\"object\":\"list\",\"data\":[{\"id\":\"davinci-002\",\"object\":\"model\",\"owned_by\":\"system\"}]}"));
            server.on("POST /v1/completions", (r, x) -> {
                if (r.body().has("prompt_logprobs")) {
                    FakeServer.json(x, 400, "{\"error\":{\"message\":\"Unrecognized request argument supplied: prompt_logprobs\","
                            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
                } else {
                    FakeServer.json(x, 200, answer);
                }
            });
            try (RemoteBackend backend = RemoteBackend.builder()
                    .setSpec(RemoteSpec.parse(server.base() + "#davinci-002")).connect()) {
                ScoredText s = score(backend, "Hi 😀!", 2);
                List<TokenScore> t = s.tokens();
                assertThat(t).extracting(TokenScore::start).containsExactly(0, 2, 3, 3, 5);
                assertThat(t).extracting(TokenScore::end).containsExactly(2, 3, 5, 5, 6);
                assertThat(t).extracting(TokenScore::partial).containsExactly(false, false, true, true, false);
                assertThat(t.get(2).text()).isEqualTo("😀");
                assertThat(t.get(2).top().get(0).text()).isEqualTo(" I");
                assertThat(t.get(2).top().get(1).text()).isEqualTo("\\xF0\\x9F");
                assertThat(t.get(2).rank()).isEqualTo(2);
                assertThat(t.get(4).rank()).isEqualTo(2);
                assertThat(t.get(1).rank()).isEqualTo(1);
            }
        }
    }

    @Test
    void aServerThatScoresNoPromptsSaysSoClearly() throws Exception {
        try (FakeLegacy server = FakeLegacy.generationOnly();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.spec())).connect()) {
            assertThatThrownBy(() -> score(backend, "Hello world", 3))
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("does not score prompts")
                    .hasMessageContaining("only generation works")
                    .satisfies(e -> assertThat(((RemoteException) e).kind()).isEqualTo(RemoteException.Kind.UNSUPPORTED));
            int asked = server.server().requests("/v1/completions").size();
            assertThatThrownBy(() -> score(backend, "Again", 3)).hasMessageContaining("only generation works");
            assertThat(server.server().requests("/v1/completions")).hasSize(asked); // remembered, not asked again
            assertThat(backend.scoringMode()).isEqualTo(ScoringMode.NONE);
        }
    }

    @Test
    void aTextFarLongerThanTheServersContextTakesAFewWindowsNotAnError() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            String longText = "word ".repeat(3000);
            ScoredText s = score(backend, longText, 2);
            assertThat(s.tokens()).hasSize(FakeVllm.tokenize(longText, false).size()); // the whole text's tokens
            assertThat(s.windows().windows().size()).isBetween(2, 6);
            assertThat(vllm.server().requests("/v1/completions").size()).isLessThan(12);
        }
    }

    @Test
    void anEmptyTextIsRefusedBeforeAnyRequest() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(vllm.spec())).connect()) {
            assertThatThrownBy(() -> score(backend, "", 2)).hasMessageContaining("empty");
            assertThat(vllm.server().requests("/v1/completions")).isEmpty();
        }
    }

    @Test
    void aSlowServerTimesOut() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, GPT2_MODELS));
            server.on("POST /v1/completions", (r, x) -> {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                FakeServer.json(x, 200, VLLM_HELLO);
            });
            try (RemoteBackend backend = RemoteBackend.builder().setSpec(RemoteSpec.parse(server.base()))
                    .optTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(2)).connect()) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> score(backend, "Hello world!", 2))
                        .isInstanceOf(RemoteException.class).hasMessageContaining("did not answer")
                        .hasMessageContaining("0.3 s");
                assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
            }
        }
    }
}
