package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.cli.TokenscopeCommand;
import org.tokenscope.figure.DataExport;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * The top-k after a text is one number wherever it is shown: the app's Top-k pane, {@code export --figure
 * topk --format json} and the first step of greedy {@code generate} from the same text all equal what an
 * independent double-precision forward pass over {@code <|endoftext|>} and the text predicts.
 */
class TopKAgreementTest {

    static final String TEXT = "The quick brown fox jumps over the";
    static final int K = 10;

    @TempDir
    static Path dir;
    static TinyGpt2 reference;
    static Path model;

    final MainViewModel vm = new MainViewModel(new DirectRunner());

    @BeforeAll
    static void write() throws Exception {
        reference = TinyGpt2.random(11, 2, 4, 32, 64, 50257);
        model = CheckpointWriter.write(reference, dir.resolve("m"));
    }

    @AfterEach
    void close() {
        vm.shutdown();
    }

    @Test
    void theAppTheExportAndTheFirstGreedyStepShowTheSameTopKAfterTheText() throws Exception {
        // the app: model A alone, nothing selected: the pane shows the tokens after the text
        TopKViewModel topK = new TopKViewModel(vm);
        vm.compareProperty().set(false);
        vm.textProperty().set(TEXT);
        vm.loadModel(vm.slotA(), ModelRequest.named(model.toString()));
        assertThat(vm.analysisProperty().get()).isNotNull();
        DataExport.Table shown = topK.figureProperty().get().apply(800).table();
        assertThat(shown.rows()).hasSize(K);

        JsonNode exported = json("export", "--model", model.toString(), "--text", TEXT, "--figure", "topk",
                "--top-k", Integer.toString(K), "--format", "json").get("rows");
        JsonNode generated = json("generate", "--model", model.toString(), "--prompt", TEXT, "--max-new-tokens", "1",
                "--alternatives", Integer.toString(K), "--json").get("sequences").get(0).get("steps").get(0).get("top");

        // the reference: <|endoftext|> and the text, the last position's log-softmax in double precision
        int[] ids = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE).encodeOrdinary(TEXT).toArray();
        int[] input = new int[ids.length + 1];
        input[0] = 50256;
        System.arraycopy(ids, 0, input, 1, ids.length);
        double[][] logits = reference.referenceLogits(input);
        double[] logprobs = TinyGpt2.logSoftmax(logits[logits.length - 1]);
        Integer[] order = new Integer[logprobs.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Double.compare(logprobs[y], logprobs[x]));

        assertThat(exported).hasSize(K);
        assertThat(generated).hasSize(K);
        for (int r = 0; r < K; r++) {
            List<Object> row = shown.rows().get(r);
            int id = (Integer) row.get(1);
            double lp = (Double) row.get(3);
            assertThat(id).as("rank %d", r + 1).isEqualTo(order[r]);
            assertThat(lp).isCloseTo(logprobs[order[r]], within(1e-3));
            assertThat(exported.get(r).get("id").asInt()).isEqualTo(id);
            assertThat(exported.get(r).get("logprob").asDouble()).isEqualTo(lp); // the same pass: the same number
            assertThat(generated.get(r).get("id").asInt()).isEqualTo(id);
            assertThat(generated.get(r).get("logprob").asDouble()).isCloseTo(lp, within(1e-4)); // its own pass
        }
    }

    private static JsonNode json(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TokenscopeCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }
}
