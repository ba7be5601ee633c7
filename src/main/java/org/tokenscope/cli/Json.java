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
import org.tokenscope.analysis.Gltr;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.service.RunDetection;

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

    /**
     * A run's detection fields: {@code "gltr"} and {@code "fast_detectgpt"} (with a {@code "note"} when
     * either is null); with {@code tokenTerms} (run A of a comparison) each token also gains
     * {@code "cross_entropy"}, {@code "fdg_mean"} and {@code "fdg_var"}: {@code pair}'s terms, null where
     * the token is unscored or there is no pair.
     */
    @SuppressWarnings("unchecked")
    static void detection(Map<String, Object> run, RunDetection.Run detection, boolean tokenTerms, TextDetection pair) {
        run.put("gltr", gltr(detection.gltr()));
        run.put("fast_detectgpt", detection.fastDetectGpt());
        if (detection.note() != null) {
            run.put("note", detection.note());
        }
        if (!tokenTerms) {
            return;
        }
        List<Object> tokens = (List<Object>) run.get("tokens");
        for (Object token : tokens) {
            Map<String, Object> t = (Map<String, Object>) token;
            t.put("cross_entropy", null);
            t.put("fdg_mean", null);
            t.put("fdg_var", null);
        }
        if (pair != null) {
            for (int i = 0; i < pair.positions().length; i++) {
                Map<String, Object> t = (Map<String, Object>) tokens.get(pair.positions()[i]);
                t.put("cross_entropy", pair.pair().crossEntropy()[i]);
                t.put("fdg_mean", pair.pair().fdgMean()[i]);
                t.put("fdg_var", pair.pair().fdgVariance()[i]);
            }
        }
    }

    /** {@code "detection"} in a comparison: the pair's scores, or null and a note saying why. */
    static void comparisonDetection(Map<String, Object> comparison, RunDetection detection, String observer,
                                    String performer) {
        if (detection.pair() == null) {
            comparison.put("detection", null);
            Object before = comparison.get("note");
            comparison.put("note", before == null ? detection.pairNote() : before + " " + detection.pairNote());
            return;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("binoculars", finite(detection.pair().binoculars()));
        d.put("fast_detectgpt", finite(detection.pair().fastDetectGpt()));
        d.put("observer", observer);
        d.put("performer", performer);
        comparison.put("detection", d);
    }

    static Map<String, Object> gltr(Gltr g) {
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
