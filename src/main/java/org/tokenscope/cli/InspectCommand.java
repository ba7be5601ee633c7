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
import java.util.Set;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.InsideRequest;
import org.tokenscope.service.Insides;
import org.tokenscope.service.OpenedModel;
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
        try (OpenedModel model = models.open(models.model())) {
            Inspection in = Insides.inspect(model.backend(), text, new InsideRequest(Set.of(layer), true, topK, false),
                    () -> false);
            int at = Insides.target(in, head, position, "inspect");
            List<TokenScore> tokens = in.tokens();
            int n = tokens.size();
            float[][] weights = weights(in.attention().get(layer), head);
            Map<String, Object> root = new LinkedHashMap<>();
            List<Object> tokenList = new ArrayList<>();
            for (TokenScore token : tokens) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("id", token.id());
                t.put("text", token.text());
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
            LogitLens read = in.lens();
            for (int l = 0; l + 1 < read.levels(); l++) {
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("layer", l);
                List<Object> top = new ArrayList<>();
                for (Alternative a : read.top()[l + 1][at]) {
                    Map<String, Object> alt = new LinkedHashMap<>();
                    alt.put("id", a.id());
                    alt.put("text", a.text());
                    alt.put("logprob", a.logprob());
                    top.add(alt);
                }
                level.put("top", top);
                level.put("next_rank", at + 1 < n ? read.rank()[l + 1][at] : null);
                levels.add(level);
            }
            lens.put("layers", levels);
            root.put("lens", lens);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            } else {
                print(out, tokens, weights, at, levels, head);
            }
            out.flush();
        }
        return 0;
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
    private void print(PrintWriter out, List<TokenScore> tokens, float[][] weights, int at, List<Object> levels, Integer h) {
        out.printf(Locale.ROOT, "attention of layer %d, %s: what token %d (%s) attends to%n", layer,
                h == null ? "mean over heads" : "head " + h, at, Tokens.visible(tokens.get(at).text(), false, 20));
        for (int k = 0; k <= at; k++) {
            float w = weights[at][k];
            out.printf(Locale.ROOT, "  %4d %-20s %6.3f %s%n", k, Tokens.visible(tokens.get(k).text(), false, 20), w,
                    "█".repeat(Math.round(w * 40)));
        }
        out.printf(Locale.ROOT, "%nlogit lens at position %d (%s):%n", at, Tokens.visible(tokens.get(at).text(), false, 20));
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
