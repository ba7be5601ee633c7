package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.InspectRequest;
import org.tokenscope.model.Internals;
import org.tokenscope.model.TokenizedText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inspect}: one layer's attention and the logit lens at a position. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Inside the model: attention weights of a layer and head, and the logit lens at a position.")
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Mixin
    TextInput input;

    @Option(names = "--layer", defaultValue = "0", paramLabel = "L", description = "Block, from 0 (default ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--head", paramLabel = "H", description = "Head, from 0 (default: the mean over heads).")
    Integer head;

    @Option(names = "--position", paramLabel = "I", description = "Token position for the lens (default: the last).")
    Integer position;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K", description = "Lens predictions per layer (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String text = input.read();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to inspect.");
        }
        try (LanguageModel model = models.open(models.model())) {
            TokenizedText encoded = model.tokenizer().encode(text);
            // fed as the tokenizer encodes it: its own BOS first where it adds one (then token 0, counted by --position)
            int bos = model.tokenizer().bosId();
            int lead = bos >= 0 ? 1 : 0;
            int n = encoded.size() + lead;
            int[] ids = new int[n];
            String[] texts = new String[n];
            if (lead == 1) {
                ids[0] = bos;
                texts[0] = model.tokenizer().pieceText(bos);
            }
            for (int i = lead; i < n; i++) {
                ids[i] = encoded.ids()[i - lead];
                texts[i] = encoded.display(i - lead);
            }
            int layers = model.config().layers();
            int at = checkTarget(model, n, layer, head, position, "inspect");
            Internals in = model.inspect(ids,
                    new InspectRequest(java.util.Set.of(layer), true, topK, false), () -> false);
            float[][] weights = weights(in.attention().get(layer), head);
            Map<String, Object> root = new LinkedHashMap<>();
            List<Object> tokenList = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("id", ids[i]);
                t.put("text", texts[i]);
                tokenList.add(t);
            }
            root.put("tokens", tokenList);
            Map<String, Object> attention = new LinkedHashMap<>();
            attention.put("layer", layer);
            attention.put("head", head);
            attention.put("weights", weights);
            root.put("attention", attention);
            Map<String, Object> lens = new LinkedHashMap<>();
            lens.put("position", at);
            List<Object> levels = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("layer", l);
                List<Object> top = new ArrayList<>();
                for (int k = 0; k < in.lensTopIds()[l + 1][at].length; k++) {
                    int id = in.lensTopIds()[l + 1][at][k];
                    Map<String, Object> alt = new LinkedHashMap<>();
                    alt.put("id", id);
                    alt.put("text", model.tokenizer().pieceText(id));
                    alt.put("logprob", (double) in.lensTopLogprobs()[l + 1][at][k]);
                    top.add(alt);
                }
                level.put("top", top);
                level.put("next_rank", at + 1 < n ? in.lensRank()[l + 1][at] : null);
                levels.add(level);
            }
            lens.put("layers", levels);
            root.put("lens", lens);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            } else {
                print(out, texts, weights, at, levels, head);
            }
            out.flush();
        }
        return 0;
    }

    /**
     * Checks that a text of {@code n} tokens fits the model and that layer, head and position exist;
     * returns the position (default: the last token). Shared by {@code inspect} and {@code export}.
     */
    static int checkTarget(LanguageModel model, int n, int layer, Integer head, Integer position, String verb) {
        if (n > model.contextLength()) {
            throw new IllegalArgumentException("The text has " + n + " tokens, more than the model's context of "
                    + model.contextLength() + "; " + verb + " a shorter text.");
        }
        int layers = model.config().layers();
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("--layer must be between 0 and " + (layers - 1) + ".");
        }
        if (head != null && (head < 0 || head >= model.config().heads())) {
            throw new IllegalArgumentException("--head must be between 0 and " + (model.config().heads() - 1) + ".");
        }
        int at = position == null ? n - 1 : position;
        if (at < 0 || at >= n) {
            throw new IllegalArgumentException("--position " + at + " is outside the text's " + n + " tokens (0 to "
                    + (n - 1) + ").");
        }
        return at;
    }

    /** One head's weights, or the mean over heads: [query][key]. */
    private static float[][] weights(float[][][] perHead, Integer head) {
        if (head != null) {
            return perHead[head];
        }
        int n = perHead[0].length;
        float[][] mean = new float[n][n];
        for (float[][] h : perHead) {
            for (int q = 0; q < n; q++) {
                for (int k = 0; k < n; k++) {
                    mean[q][k] += h[q][k] / perHead.length;
                }
            }
        }
        return mean;
    }

    @SuppressWarnings("unchecked")
    private void print(PrintWriter out, String[] texts, float[][] weights, int at, List<Object> levels, Integer h) {
        out.printf(Locale.ROOT, "attention of layer %d, %s: what token %d (%s) attends to%n", layer,
                h == null ? "mean over heads" : "head " + h, at, Tokens.visible(texts[at], false, 20));
        for (int k = 0; k <= at; k++) {
            float w = weights[at][k];
            out.printf(Locale.ROOT, "  %4d %-20s %6.3f %s%n", k, Tokens.visible(texts[k], false, 20), w,
                    "█".repeat(Math.round(w * 40)));
        }
        out.printf(Locale.ROOT, "%nlogit lens at position %d (%s):%n", at, Tokens.visible(texts[at], false, 20));
        for (Object o : levels) {
            Map<String, Object> level = (Map<String, Object>) o;
            StringBuilder sb = new StringBuilder();
            for (Object a : (List<Object>) level.get("top")) {
                Map<String, Object> alt = (Map<String, Object>) a;
                sb.append(String.format(Locale.ROOT, "%-14s ", Tokens.visible((String) alt.get("text"), false, 12)
                        + String.format(Locale.ROOT, " %.2f", Math.exp((Double) alt.get("logprob")))));
            }
            Object rank = level.get("next_rank");
            out.printf(Locale.ROOT, "  layer %2d  next rank %-7s %s%n", level.get("layer"), rank == null ? "-" : rank, sb);
        }
    }
}
