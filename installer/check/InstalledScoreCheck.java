import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/**
 * The model side of installer/check.sh, run as a source file on the test class path:
 * {@code write DIR} writes a tiny GPT-2 checkpoint (seeded weights, GPT-2's tokenizer) for an
 * installed launcher to score; {@code verify FILE} checks the launcher's {@code score --json}
 * output for "Hello world" against the plain-Java reference forward pass.
 */
public class InstalledScoreCheck {

    static final TinyGpt2 MODEL = TinyGpt2.random(7, 2, 4, 32, 64, 50257);
    static final int END_OF_TEXT = 50256;
    static final int[] HELLO_WORLD = {15496, 995}; // "Hello", " world"

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("write")) {
            CheckpointWriter.write(MODEL, Path.of(args[1]));
        } else if (args.length == 2 && args[0].equals("verify")) {
            String problem = problem(new ObjectMapper().readTree(Path.of(args[1]).toFile()));
            if (problem != null) {
                System.err.println("score --json: " + problem);
                System.exit(1);
            }
        } else {
            System.err.println("usage: InstalledScoreCheck write DIR | verify FILE");
            System.exit(2);
        }
    }

    /** What is wrong with the JSON, or null when tokens and log-probabilities match the reference. */
    static String problem(JsonNode root) {
        JsonNode tokens = root.path("runs").path(0).path("tokens");
        if (tokens.size() != HELLO_WORLD.length) {
            return "expected " + HELLO_WORLD.length + " tokens, got " + tokens.size();
        }
        double[] reference = MODEL.referenceLogProbs(new int[] {END_OF_TEXT, HELLO_WORLD[0], HELLO_WORLD[1]});
        for (int i = 0; i < HELLO_WORLD.length; i++) {
            JsonNode token = tokens.get(i);
            if (token.path("id").asInt() != HELLO_WORLD[i]) {
                return "token " + i + " has id " + token.path("id") + ", expected " + HELLO_WORLD[i];
            }
            double logprob = token.path("logprob").asDouble(Double.NaN);
            if (!(Math.abs(logprob - reference[i]) < 1e-3)) {
                return "token " + i + " has logprob " + logprob + ", the reference says " + reference[i];
            }
        }
        return null;
    }
}
