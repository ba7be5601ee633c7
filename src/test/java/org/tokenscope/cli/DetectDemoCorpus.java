package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.Generator;
import org.tokenscope.generate.Sampling;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.Tokenizer;

/**
 * Makes the README's detection demonstration corpus (run by {@code bench/detect-demo.sh}): human
 * paragraphs the bundled models never trained on — pieces of the held-out 5 % of their training
 * corpus, cut exactly as {@code train} cut it — against texts sampled from the bundled large model
 * after the first words of other held-out pieces (top-k 50, temperature 1, as transformers samples
 * by default), labelled {@code human} and {@code machine}; the pieces are spread evenly over the whole
 * held-out stream, so both classes come alike from every part of the corpus.
 *
 * <pre>java -cp ... org.tokenscope.cli.DetectDemoCorpus CORPUS.txt MODEL_DIR OUT.jsonl [N=100] [TOKENS=128] [PROMPT=8]</pre>
 */
public final class DetectDemoCorpus {

    private DetectDemoCorpus() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        Path modelDir = Path.of(args[1]);
        Path out = Path.of(args[2]);
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int length = args.length > 4 ? Integer.parseInt(args[4]) : 128;
        int prompt = args.length > 5 ? Integer.parseInt(args[5]) : 8;
        ObjectMapper json = new ObjectMapper();
        try (LanguageModel model = LanguageModel.load(modelDir, "tokenscope-large");
             Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            Tokenizer tokenizer = model.tokenizer();
            TrainingCorpus data = TrainingCorpus.of(Files.readString(corpus, StandardCharsets.UTF_8),
                    s -> tokenizer.encode(s).ids(), tokenizer.endOfTextId());
            // held-out pieces of `length` tokens that stay within one document
            List<int[]> pieces = new java.util.ArrayList<>();
            int[] held = data.heldOut();
            for (int from = 0; from + length <= held.length; from += length) {
                int[] piece = Arrays.copyOfRange(held, from, from + length);
                if (Arrays.stream(piece).noneMatch(id -> id == tokenizer.endOfTextId())) {
                    pieces.add(piece);
                }
            }
            if (pieces.size() < 2 * n) {
                throw new IllegalArgumentException("Only " + pieces.size() + " held-out pieces of " + length
                        + " tokens; ask for fewer documents.");
            }
            Generator generator = new Generator(model);
            // 2n pieces spread evenly over the whole held-out stream, so that every part of the corpus (the
            // Python docs first, then the English texts) gives both classes alike
            for (int i = 0; i < n; i++) {
                int human = (int) ((long) 2 * i * pieces.size() / (2L * n));
                int machine = (int) ((long) (2 * i + 1) * pieces.size() / (2L * n));
                write(w, json, "human-" + (i + 1), text(tokenizer, pieces.get(human)), "human");
                int[] start = Arrays.copyOf(pieces.get(machine), prompt);
                GenerationRequest request = GenerationRequest.builder().setPrompt(start)
                        .setMaxNewTokens(length - prompt).optStrategy(Sampling.of(1.0, 50, 1.0, 1.0, i + 1)).build();
                int[] made = generator.generate(request).best().ids();
                int[] all = new int[start.length + made.length];
                System.arraycopy(start, 0, all, 0, start.length);
                System.arraycopy(made, 0, all, start.length, made.length);
                write(w, json, "machine-" + (i + 1), text(tokenizer, all), "machine");
            }
        }
        System.err.printf("%d human and %d machine documents in %s%n", n, n, out);
    }

    /** The tokens' bytes as text; a character cut at either end is dropped. */
    private static String text(Tokenizer tokenizer, int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            bytes.writeBytes(tokenizer.tokenBytes(id));
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8).replace("\uFFFD", "").strip();
    }

    private static void write(Writer w, ObjectMapper json, String id, String text, String label) throws Exception {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", id);
        line.put("text", text);
        line.put("label", label);
        w.write(json.writeValueAsString(line));
        w.write('\n');
    }
}
