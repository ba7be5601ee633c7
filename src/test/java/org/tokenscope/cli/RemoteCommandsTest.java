package org.tokenscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.remote.FakeServer;
import org.tokenscope.remote.FakeVllm;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** {@code score} and {@code generate} against a fake vLLM server, alone and beside a local checkpoint. */
class RemoteCommandsTest {

    static final TinyGpt2 SMALL = TinyGpt2.random(7, 2, 4, 32, 64, 50257);
    static final String TEXT = "The quickest brown fox 😀 jumps over the lazy dog.";

    @TempDir
    static Path dir;
    static Path small;
    static FakeVllm vllm;

    @BeforeAll
    static void start() throws Exception {
        small = CheckpointWriter.write(SMALL, dir.resolve("small"));
        vllm = new FakeVllm();
    }

    @AfterAll
    static void stop() {
        vllm.close();
    }

    @Test
    void scoresThroughTheServerEndToEnd() throws Exception {
        CliRun run = CliRun.of("score", "--model", vllm.spec(), "--text", TEXT, "--top-k", "3", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        JsonNode r = root.get("runs").get(0);
        assertThat(r.get("model").get("name").asText()).isEqualTo(FakeVllm.MODEL);
        assertThat(r.get("model").get("context").asInt()).isEqualTo(FakeVllm.MAX_MODEL_LEN);
        JsonNode tokens = r.get("tokens");
        assertThat(tokens).hasSize(FakeVllm.tokenize(TEXT, true).size() - 1);
        JsonNode first = tokens.get(0);
        assertThat(first.get("text").asText()).isEqualTo("The");
        assertThat(first.get("logprob").isNumber()).isTrue(); // scored after the server's <s>
        assertThat(first.get("entropy").isNull()).isTrue();   // top-k cannot give it
        assertThat(first.get("top")).hasSize(3);
        for (JsonNode t : tokens) {
            assertThat(TEXT.substring(t.get("start").asInt(), t.get("end").asInt())).isEqualTo(t.get("text").asText());
        }
        assertThat(r.get("perplexity").isNumber()).isTrue();

        CliRun table = CliRun.of("score", "--model", vllm.spec(), "--text", TEXT);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("remote (layers and parameters not known), context 2048", "·quic", "perplexity");
    }

    @Test
    void comparesALocalCheckpointWithTheRemoteModelBySpans() throws Exception {
        CliRun run = CliRun.of("score", "--model", small.toString(), "--compare", vllm.spec(), "--text", TEXT, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("runs")).hasSize(2);
        JsonNode local = root.get("runs").get(0).get("tokens");
        JsonNode remote = root.get("runs").get(1).get("tokens");
        assertThat(local.size()).isNotEqualTo(remote.size()); // two tokenizers
        JsonNode c = root.get("comparison");
        assertThat(c.get("alignment").asText()).isEqualTo("spans");
        assertThat(c.get("n").asInt()).isBetween(3, Math.min(local.size(), remote.size()));
        assertThat(c.get("pearson").asDouble()).isBetween(-1.0, 1.0);
        assertThat(c.get("spearman").asDouble()).isBetween(-1.0, 1.0);

        CliRun table = CliRun.of("score", "--model", small.toString(), "--compare", vllm.spec(), "--text", TEXT);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("the tokenizers differ", "A log-prob", "B log-prob", "over " + c.get("n").asInt()
                + " aligned spans: Pearson");
    }

    @Test
    void theKeyComesFromTheNamedVariableAndIsNeverShown() throws Exception {
        String key = System.getenv("PATH"); // set wherever the tests run; it stands in for a key here
        assertThat(key).isNotBlank();
        int before = vllm.server().requests().size();
        CliRun run = CliRun.of("score", "--model", vllm.spec(), "--api-key-env", "PATH", "--text", "Hello there", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        var sent = vllm.server().requests().subList(before, vllm.server().requests().size());
        assertThat(sent).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + key.strip()));
        assertThat(run.out()).doesNotContain(key.strip());
        assertThat(run.err()).doesNotContain(key.strip());
    }

    @Test
    void anUnsetKeyVariableIsOneSentence() {
        CliRun run = CliRun.of("score", "--model", vllm.spec(), "--api-key-env", "TOKENSCOPE_NO_SUCH_VARIABLE_42",
                "--text", "Hi");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err().strip()).isEqualTo(
                "Error: The environment variable TOKENSCOPE_NO_SUCH_VARIABLE_42 that should hold the API key is not set.");
    }

    @Test
    void aRefusedKeyIsOneSentenceOnStderr() throws Exception {
        try (FakeServer server = new FakeServer()) {
            server.on("GET /v1/models", (r, x) -> FakeServer.json(x, 401, "{\"error\":\"Unauthorized\"}"));
            CliRun run = CliRun.of("score", "--model", server.base() + "#m", "--api-key-env", "PATH", "--text", "Hi");
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.err()).contains("refused the API key (HTTP 401: Unauthorized)")
                    .doesNotContain(System.getenv("PATH").strip());
            assertThat(run.err().strip().lines()).hasSize(1);
        }
    }

    @Test
    void generatesThroughTheServer() throws Exception {
        CliRun run = CliRun.of("generate", "--model", vllm.spec(), "--prompt", "The quick brown fox",
                "--max-new-tokens", "4", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode seq = new ObjectMapper().readTree(run.out()).get("sequences").get(0);
        assertThat(seq.get("text").asText()).isEqualTo(" over the lazy dog");
        assertThat(seq.get("steps")).hasSize(4);
        assertThat(seq.get("steps").get(0).get("entropy").isNull()).isTrue();
        assertThat(seq.get("stop_reason").asText()).isEqualTo("max_new_tokens");

        CliRun beam = CliRun.of("generate", "--model", vllm.spec(), "--prompt", "The", "--strategy", "beam");
        assertThat(beam.exitCode()).isNotZero();
        assertThat(beam.err()).contains("Beam search is not supported by remote backends");
    }

    @Test
    void attributesByOcclusionThroughTheServer() throws Exception {
        String text = "The quick brown fox jumps";
        CliRun run = CliRun.of("attribute", "--model", vllm.spec(), "--text", text, "--position", "3",
                "--contrast", "20002", "--method", "occlusion", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.get("method").asText()).isEqualTo("occlusion");
        assertThat(root.get("completeness_error").isNull()).isTrue();
        JsonNode target = root.get("target");
        List<FakeVllm.Piece> pieces = FakeVllm.tokenize(text, true);
        assertThat(target.get("id").asInt()).isEqualTo(pieces.get(4).id());
        assertThat(target.get("contrast").get("id").asInt()).isEqualTo(20002);
        // the fake scores by position and token only: removing a token moves the target up one place
        double full = FakeVllm.logprob(4, FakeVllm.rank(4, pieces.get(4).covers()))
                - FakeVllm.logprob(4, FakeVllm.rank(4, "alt2"));
        assertThat(target.get("logprob").asDouble()).isEqualTo(FakeVllm.logprob(4, FakeVllm.rank(4, pieces.get(4).covers())));
        JsonNode attributions = root.get("attributions");
        assertThat(attributions).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(attributions.get(i).get("id").asInt()).isEqualTo(pieces.get(1 + i).id());
            double without = FakeVllm.logprob(3, FakeVllm.rank(3, pieces.get(4).covers()))
                    - FakeVllm.logprob(3, FakeVllm.rank(3, "alt2"));
            assertThat(attributions.get(i).get("score").asDouble()).isCloseTo(full - without, within(1e-9));
        }

        CliRun gradients = CliRun.of("attribute", "--model", vllm.spec(), "--text", text, "--position", "3",
                "--method", "integrated-gradients");
        assertThat(gradients.exitCode()).isNotZero();
        assertThat(gradients.err().strip()).isEqualTo("Error: Attribution by integrated gradients needs a local model "
                + "(its gradients or attention); on a remote server pick occlusion, which only scores texts.");
    }

    @Test
    void internalsOfARemoteModelAreNotAvailable() {
        CliRun run = CliRun.of("inspect", "--model", vllm.spec(), "--text", "Hello world");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("does not expose its internals");
    }

    /** {@code export} opens a remote model as every command does, and its figures carry the server's own scores. */
    @Test
    void exportDrawsARemoteModelsFiguresWithTheScoresItGave() throws Exception {
        CliRun data = CliRun.of("export", "--model", vllm.spec(), "--text", TEXT, "--figure", "heatmap", "--format", "json");
        assertThat(data.exitCode()).as(data.err()).isZero();
        JsonNode exported = new ObjectMapper().readTree(data.out());
        assertThat(exported.get("metadata").get("model.A").asText()).isEqualTo(FakeVllm.MODEL);
        CliRun score = CliRun.of("score", "--model", vllm.spec(), "--text", TEXT, "--json");
        JsonNode tokens = new ObjectMapper().readTree(score.out()).get("runs").get(0).get("tokens");
        JsonNode rows = exported.get("rows");
        assertThat(rows).hasSize(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(rows.get(i).get("token").asText()).isEqualTo(tokens.get(i).get("text").asText());
            assertThat(rows.get(i).get("logprob").asDouble()).isEqualTo(tokens.get(i).get("logprob").asDouble());
            assertThat(rows.get(i).get("entropy").isNull()).isTrue(); // a server's top-k does not give it
        }

        CliRun topK = CliRun.of("export", "--model", vllm.spec(), "--text", TEXT, "--figure", "topk", "--top-k", "3",
                "--format", "json");
        assertThat(topK.exitCode()).as(topK.err()).isZero();
        CliRun first = CliRun.of("generate", "--model", vllm.spec(), "--prompt", TEXT, "--max-new-tokens", "1",
                "--alternatives", "3", "--json");
        JsonNode expected = new ObjectMapper().readTree(first.out()).get("sequences").get(0).get("steps").get(0).get("top");
        JsonNode bars = new ObjectMapper().readTree(topK.out()).get("rows");
        assertThat(bars).hasSize(expected.size());
        for (int r = 0; r < bars.size(); r++) {
            assertThat(bars.get(r).get("token").asText()).isEqualTo(expected.get(r).get("text").asText());
            assertThat(bars.get(r).get("logprob").asDouble()).isEqualTo(expected.get(r).get("logprob").asDouble());
        }

        CliRun scatter = CliRun.of("export", "--model", small.toString(), "--compare", vllm.spec(), "--text", TEXT,
                "--figure", "scatter");
        assertThat(scatter.exitCode()).as(scatter.err()).isZero();
        assertThat(scatter.out()).startsWith("<?xml").contains(FakeVllm.MODEL);

        CliRun lens = CliRun.of("export", "--model", vllm.spec(), "--text", TEXT, "--figure", "lens");
        assertThat(lens.exitCode()).isNotZero();
        assertThat(lens.err()).contains("does not expose its internals").doesNotContain("Exception");
    }
}
