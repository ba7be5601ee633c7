package org.tokenscope.service.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tokenscope.analysis.Gltr;

/**
 * One scored document, as one line of the corpus output:
 * {@code {"id", "tokens", "perplexity": {"A", "B"}, "gltr": {"A": {...}, "B": {...}}, "binoculars",
 * "fast_detectgpt", "label"}}. What could not be computed is null (B's fields without B, Binoculars
 * without two local models, Fast-DetectGPT for a remote model).
 */
public record CorpusResult(String id, int tokens, double perplexityA, double perplexityB, Gltr gltrA, Gltr gltrB,
                           double binoculars, double fastDetectGpt, String label) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The output line, without its newline. */
    public String toJsonLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("tokens", tokens);
        Map<String, Object> ppl = new LinkedHashMap<>();
        ppl.put("A", finite(perplexityA));
        ppl.put("B", finite(perplexityB));
        m.put("perplexity", ppl);
        Map<String, Object> gltr = new LinkedHashMap<>();
        gltr.put("A", gltr(gltrA));
        gltr.put("B", gltr(gltrB));
        m.put("gltr", gltr);
        m.put("binoculars", finite(binoculars));
        m.put("fast_detectgpt", finite(fastDetectGpt));
        m.put("label", label);
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a line written by {@link #toJsonLine}. */
    public static CorpusResult parse(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject() || !n.hasNonNull("id")) {
            throw new IOException("not a corpus line");
        }
        return new CorpusResult(n.get("id").asText(), n.path("tokens").asInt(),
                number(n.path("perplexity").path("A")), number(n.path("perplexity").path("B")),
                gltr(n.path("gltr").path("A")), gltr(n.path("gltr").path("B")), number(n.path("binoculars")),
                number(n.path("fast_detectgpt")), n.hasNonNull("label") ? n.get("label").asText() : null);
    }

    private static Map<String, Object> gltr(Gltr g) {
        if (g == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("top10", finite(g.top10()));
        m.put("top100", finite(g.top100()));
        m.put("top1000", finite(g.top1000()));
        m.put("rest", finite(g.rest()));
        return m;
    }

    private static Gltr gltr(JsonNode n) {
        return n.isObject() ? new Gltr(number(n.path("top10")), number(n.path("top100")), number(n.path("top1000")),
                number(n.path("rest")), 0) : null;
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
