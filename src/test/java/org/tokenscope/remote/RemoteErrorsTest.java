package org.tokenscope.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tokenscope.backend.ScoreOptions;

/** Connection, HTTP errors and the API key: one sentence each, and the key never in one. */
class RemoteErrorsTest {

    static final String KEY = "sk-test-9f8e7d6c5b4a-SECRET";

    static RemoteBackend.Builder quick(String spec) {
        return RemoteBackend.builder().setSpec(RemoteSpec.parse(spec))
                .optRetry(3, Duration.ofMillis(10), Duration.ofMillis(50));
    }

    @Test
    void theKeyGoesAsABearerHeaderAndNowhereElse() throws Exception {
        try (FakeVllm vllm = new FakeVllm();
             RemoteBackend backend = quick(vllm.spec()).optApiKey(ApiKey.of(KEY)).connect()) {
            backend.score("Hello world", ScoreOptions.DEFAULT, () -> false, (d, t) -> { });
            assertThat(vllm.server().requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + KEY));
            assertThat(vllm.server().requests()).allSatisfy(r -> assertThat(String.valueOf(r.body())).doesNotContain(KEY));
            assertThat(backend.toString()).doesNotContain(KEY);
            assertThat(ApiKey.of(KEY).toString()).isEqualTo("ApiKey[****]");
        }
    }

    @Test
    void aRefusedKeyIsOneSentenceThatNeverQuotesIt() throws Exception {
        try (FakeServer server = new FakeServer()) {
            // a server that repeats the key it was given, as some do
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 401,
                    "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\",\"type\":\"invalid_request_error\","
                            + "\"param\":null,\"code\":\"invalid_api_key\"}}"));
            RemoteException e = catchThrowableOfType(RemoteException.class,
                    () -> quick(server.base()).optApiKey(ApiKey.of(KEY)).connect());
            assertThat(e.kind()).isEqualTo(RemoteException.Kind.UNAUTHORIZED);
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).startsWith("The server at http://127.0.0.1:").contains("refused the API key")
                    .contains("Incorrect API key provided: ****").doesNotContain(KEY);
        }
    }

    @Test
    void aMissingKeyIsNamedAsSuch() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 401, "{\"error\":\"Unauthorized\"}")); // vLLM --api-key
            assertThatThrownBy(() -> quick(server.base()).connect())
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("needs an API key (HTTP 401: Unauthorized)")
                    .hasMessageContaining("--api-key-env");
        }
    }

    @Test
    void anUnsetKeyVariableIsNamedNotGuessed() {
        assertThatThrownBy(() -> ApiKey.fromEnvironment("TOKENSCOPE_TEST_UNSET_KEY", n -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The environment variable TOKENSCOPE_TEST_UNSET_KEY that should hold the API key is not set.");
        assertThat(ApiKey.fromEnvironment("X", n -> " " + KEY + "\n").bearer()).isEqualTo("Bearer " + KEY);
    }

    @Test
    void anUnknownModelListsWhatTheServerHas() throws Exception {
        try (FakeVllm vllm = new FakeVllm()) {
            assertThatThrownBy(() -> quick(vllm.base() + "#meta-llama/Llama-3.1-8B").connect())
                    .isInstanceOf(RemoteException.class)
                    .hasMessage("The server at " + vllm.base().replace("/v1", "") + " has no model named "
                            + "meta-llama/Llama-3.1-8B; it serves " + FakeVllm.MODEL + ".");
        }
    }

    @Test
    void aModelTheServerRefusesLaterIsA404Sentence() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("POST /v1/completions", (r, x) -> FakeServer.json(x, 404,
                    "{\"error\":{\"message\":\"The model `gone` does not exist.\",\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}"));
            // no /v1/models on this server: the named model is taken on trust
            try (RemoteBackend backend = quick(server.base() + "#gone").connect()) {
                assertThatThrownBy(() -> backend.score("Hi", ScoreOptions.DEFAULT, () -> false, (d, t) -> { }))
                        .isInstanceOf(RemoteException.class)
                        .hasMessageEndingWith("cannot run model gone here (HTTP 404: The model `gone` does not exist).");
            }
        }
    }

    @Test
    void aWrongBasePathIsExplained() throws Exception {
        try (FakeVllm vllm = new FakeVllm()) {
            assertThatThrownBy(() -> quick(vllm.base().replace("/v1", "/api")).connect())
                    .isInstanceOf(RemoteException.class)
                    .hasMessageContaining("has no /api/models")
                    .hasMessageContaining("such as /v1");
        }
    }

    @Test
    void severalModelsNeedOneNamed() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200,
                    "{\"object\":\"list\",\"data\":[{\"id\":\"a\",\"object\":\"model\"},{\"id\":\"b\",\"object\":\"model\"}]}"));
            assertThatThrownBy(() -> quick(server.base()).connect())
                    .hasMessageContaining("serves several models (a, b): name one after # in the address");
        }
    }

    @Test
    void rateLimitsAreRetriedAfterRetryAfter() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, RemoteScoringTest.GPT2_MODELS));
            server.on("POST /v1/completions", (r, x) -> {
                if (calls.incrementAndGet() <= 2) {
                    x.getResponseHeaders().set("Retry-After", "0.05");
                    FakeServer.json(x, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit\",\"code\":429}}");
                } else {
                    FakeServer.json(x, 200, RemoteScoringTest.VLLM_HELLO);
                }
            });
            try (RemoteBackend backend = quick(server.base()).connect()) {
                var s = backend.score("Hello world!", new ScoreOptions(true, 2, 0), () -> false, (d, t) -> { });
                assertThat(s.tokens().get(1).logprob()).isEqualTo(-6.123456);
                assertThat(calls.get()).isEqualTo(3);
            }
        }
    }

    @Test
    void aRateLimitThatLastsIsOneSentence() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, RemoteScoringTest.GPT2_MODELS));
            server.on("POST /v1/completions", (r, x) -> FakeServer.json(x, 429, "{\"error\":{\"message\":\"Slow down\"}}"));
            try (RemoteBackend backend = quick(server.base()).connect()) {
                RemoteException e = catchThrowableOfType(RemoteException.class,
                        () -> backend.score("Hi", ScoreOptions.DEFAULT, () -> false, (d, t) -> { }));
                assertThat(e.kind()).isEqualTo(RemoteException.Kind.RATE_LIMITED);
                assertThat(e.getMessage()).contains("still limiting the request rate after 3 tries (HTTP 429: Slow down)");
                assertThat(server.requests("/v1/completions")).hasSize(3);
            }
        }
    }

    @Test
    void aServerErrorIsOneSentence() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 200, RemoteScoringTest.GPT2_MODELS));
            server.on("POST /v1/completions", (r, x) -> FakeServer.json(x, 500,
                    "{\"error\":{\"message\":\"EngineCore encountered an issue.\",\"type\":\"InternalServerError\",\"code\":500}}"));
            try (RemoteBackend backend = quick(server.base()).connect()) {
                assertThatThrownBy(() -> backend.score("Hi", ScoreOptions.DEFAULT, () -> false, (d, t) -> { }))
                        .isInstanceOf(RemoteException.class)
                        .hasMessageEndingWith(" failed (HTTP 500: EngineCore encountered an issue).");
                assertThat(server.requests("/v1/completions")).hasSize(1); // not retried
            }
        }
    }

    @Test
    void nobodyListeningIsOneSentence() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String spec = "http://127.0.0.1:" + port + "/v1#m";
        RemoteException e = catchThrowableOfType(RemoteException.class, () -> quick(spec).connect());
        assertThat(e.kind()).isEqualTo(RemoteException.Kind.UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo("Cannot reach the server at http://127.0.0.1:" + port
                + " (connection refused): is it running, and is the address right?");
    }

    @Test
    void specsParse() {
        RemoteSpec s = RemoteSpec.parse("http://gpu-box:8000/v1/#meta-llama/Llama-3.1-70B-Instruct");
        assertThat(s.baseUri().toString()).isEqualTo("http://gpu-box:8000/v1");
        assertThat(s.model()).isEqualTo("meta-llama/Llama-3.1-70B-Instruct");
        assertThat(RemoteSpec.parse("https://api.example.com/v1").model()).isNull();
        assertThat(RemoteSpec.isRemote("HTTPS://x/v1")).isTrue();
        assertThat(RemoteSpec.isRemote("gpt2")).isFalse();
        assertThat(RemoteSpec.isRemote("/models/http")).isFalse();
        assertThatThrownBy(() -> RemoteSpec.parse("http://user:pw@host/v1"))
                .hasMessageContaining("Put no credentials in the model's address");
    }
}
