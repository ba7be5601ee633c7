package org.tokenscope.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Comparison;
import org.tokenscope.analysis.Correlation;
import org.tokenscope.analysis.ModelSummary;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.SpanAlignment;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.service.ModelSources;

/** The command line's JSON shapes, built as ordered maps so the field order is the documented one. */
final class Json {

    private Json() {
    }

    /**
     * Which model produced the output, as score's runs say it: name, layers, parameters, context; and
     * {@code stands_in_for} the model asked for when a bundled model stood in for it (else absent).
     */
    static Map<String, Object> model(ModelSummary summary, String requested) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", summary.name());
        model.put("layers", summary.layers());
        model.put("parameters", summary.parameters());
        model.put("context", summary.context());
        model.put("weights", summary.weights());
        boolean bundled = summary.name().equals(ModelSources.BUNDLED_SMALL) || summary.name().equals(ModelSources.BUNDLED_LARGE);
        if (bundled && !requested.equals(summary.name())) {
            model.put("stands_in_for", requested);
        }
        return model;
    }

    static Map<String, Object> run(ScoredText run) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", run.model().name());
        model.put("layers", run.model().layers());
        model.put("parameters", run.model().parameters());
        model.put("context", run.model().context());
        model.put("weights", run.model().weights());
        m.put("model", model);
        m.put("bos", run.bos());
        List<Object> tokens = new ArrayList<>();
        for (TokenScore t : run.tokens()) {
            tokens.add(token(t));
        }
        m.put("tokens", tokens);
        m.put("perplexity", finite(run.perplexity()));
        Map<String, Object> windows = new LinkedHashMap<>();
        windows.put("count", run.windows().windows().size());
        windows.put("stride", run.windows().stride());
        windows.put("context", run.windows().context());
        m.put("windows", windows);
        return m;
    }

    static Map<String, Object> token(TokenScore t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", t.index());
        m.put("id", id(t.id()));
        m.put("text", t.text());
        m.put("start", t.start());
        m.put("end", t.end());
        m.put("logprob", finite(t.logprob()));
        m.put("prob", finite(t.prob()));
        m.put("rank", t.rank());
        m.put("entropy", finite(t.entropy()));
        List<Object> top = new ArrayList<>();
        for (Alternative a : t.top()) {
            top.add(alternative(a));
        }
        m.put("top", top);
        m.put("partial", t.partial());
        return m;
    }

    /** A token id, or null where it is not known (-1: a remote server that names tokens only by their text). */
    static Integer id(int id) {
        return id >= 0 ? id : null;
    }

    static Map<String, Object> alternative(Alternative a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id(a.id()));
        m.put("text", a.text());
        m.put("logprob", finite(a.logprob()));
        return m;
    }

    static Map<String, Object> comparison(Comparison c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pearson", finite(c.pearson().value()));
        m.put("spearman", finite(c.spearman().value()));
        m.put("n", c.pearson().n());
        String reason = reason(c.pearson());
        if (reason != null) {
            m.put("note", reason);
        }
        return m;
    }

    /**
     * With how the tokens were paired: {@code "alignment": "tokens"} when both models cut the text the
     * same way, {@code "spans"} when log-probabilities were summed over the spans both tokenizations
     * cover with whole tokens (see {@link SpanAlignment}).
     */
    static Map<String, Object> comparison(Comparison c, SpanAlignment alignment) {
        Map<String, Object> m = comparison(c);
        if (alignment != null) {
            m.put("alignment", alignment.identical() ? "tokens" : "spans");
        }
        return m;
    }

    private static String reason(Correlation c) {
        return c.reason();
    }

    /** JSON has no NaN: absent values are null. */
    static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    /** As above; null (unscored) stays null. */
    static Double finite(Double x) {
        return x != null && Double.isFinite(x) ? x : null;
    }

    static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "n/a";
    }
}
