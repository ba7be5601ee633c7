package org.tokenscope.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.model.ModelConfig;
import org.tokenscope.net.RetryPolicy;

/**
 * Today's families from a Hub on 127.0.0.1: the chat template and generation config come along,
 * gated repositories (Llama, Gemma) need HF_TOKEN and say how to get access, and `models` lists them.
 */
class FamilyDownloadTest {

    static final String REPO = "meta-llama/Llama-3.2-1B";
    static final String COMMIT = FakeHub.randomCommit(17);
    static final byte[] CONFIG = "{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\"}"
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] TOKENIZER = "{\"model\": {\"vocab\": {\"a\": 0}}}".getBytes(StandardCharsets.UTF_8);
    static final byte[] TOKENIZER_CONFIG = "{\"chat_template\": \"{{ messages }}\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] GENERATION_CONFIG = "{\"eos_token_id\": [128001, 128009]}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = FakeHub.randomBytes(10_000, 3);

    @TempDir
    Path dir;

    private FakeHub hub;

    @BeforeEach
    void startHub() {
        try {
            hub = new FakeHub();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", CONFIG);
        files.put("tokenizer.json", TOKENIZER);
        files.put("tokenizer_config.json", TOKENIZER_CONFIG);
        files.put("generation_config.json", GENERATION_CONFIG);
        files.put("model.safetensors", WEIGHTS);
        hub.addCommit(REPO, "main", COMMIT, files);
        hub.gate(REPO, "accepted-token");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubClient client(String token) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("HF_HUB_CACHE", dir.resolve("hub").toString());
        env.put("HF_ENDPOINT", hub.endpoint().toString());
        if (token != null) {
            env.put("HF_TOKEN", token);
        }
        return HubClient.builder().setSettings(HubSettings.fromEnvironment(env))
                .optRetryPolicy(new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(10)))
                .optReadTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void gatedRepoWithoutATokenSaysToAcceptTheLicenceAndSetHfToken() {
        try (HubClient client = client(null)) {
            assertThatThrownBy(() -> client.downloadModel(REPO, "main")).isInstanceOf(HubException.class)
                    .hasMessage(REPO + " is gated: accept its licence on its page, " + hub.endpoint() + "/" + REPO
                            + ", and set HF_TOKEN to a token of that account.");
        }
        try (HubClient client = client("a-token-without-access")) { // 403: the account has not accepted it
            assertThatThrownBy(() -> client.downloadModel(REPO, "main")).isInstanceOf(HubException.class)
                    .hasMessageContaining("is gated: accept its licence");
        }
        assertThat(dir.resolve("hub")).doesNotExist();
    }

    @Test
    void withTheTokenEveryFileTheFamilyNeedsIsDownloadedAndListed() throws IOException {
        Path snapshot;
        try (HubClient client = client("accepted-token")) {
            snapshot = client.downloadModel(REPO, "main");
        }
        assertThat(Files.readAllBytes(snapshot.resolve("tokenizer_config.json"))).isEqualTo(TOKENIZER_CONFIG);
        assertThat(Files.readAllBytes(snapshot.resolve("generation_config.json"))).isEqualTo(GENERATION_CONFIG);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        List<CachedModel> cached = new HubCache(dir.resolve("hub")).list();
        assertThat(cached).singleElement().satisfies(m -> {
            assertThat(m.repoId()).isEqualTo(REPO);
            assertThat(m.runnable()).isTrue();
        });
    }

    @Test
    void theHubsListOfRunnableArchitecturesIsTheDecodersOwn() {
        assertThat(ModelFiles.RUNNABLE_ARCHITECTURES).containsExactly(java.util.Arrays.stream(ModelConfig.Family.values())
                .map(f -> f.architecture).toArray(String[]::new));
    }
}
