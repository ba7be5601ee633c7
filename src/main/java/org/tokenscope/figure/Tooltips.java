package org.tokenscope.figure;

import java.util.StringJoiner;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.TokenScore;

/** The words of tooltips, shared by every figure. */
final class Tooltips {

    private Tooltips() {
    }

    /** A token in quotes with whitespace visible: '·world'. */
    static String quoted(String text) {
        return "'" + Glyphs.visible(text) + "'";
    }

    /** "'·world' (token 3, id 995)". */
    static String tokenLine(TokenScore t) {
        return quoted(t.text()) + (t.partial() ? " (part of a character)" : "") + " · token " + t.index() + " · id " + t.id();
    }

    /** "p 0.0123 · log p −4.40 · rank 37 · entropy 5.12 nats", or "unscored (nothing before it)". */
    static String scores(TokenScore t) {
        if (!t.isScored()) return "unscored (nothing before it)";
        return "p " + Glyphs.probability(t.prob()) + " · log p " + Glyphs.number(t.logprob(), 3)
                + " · rank " + (t.rank() == null ? "–" : t.rank().toString()) + " · entropy " + Glyphs.number(t.entropy(), 2) + " nats";
    }

    /** "top: ' the' 12.3%, ' a' 4.5%, …" (the first five). */
    static String top(TokenScore t) {
        if (t.top().isEmpty()) return "";
        StringJoiner j = new StringJoiner(", ", "top: ", "");
        for (int i = 0; i < Math.min(5, t.top().size()); i++) {
            Alternative a = t.top().get(i);
            j.add(quoted(a.text()) + " " + Glyphs.percent(Math.exp(a.logprob())));
        }
        return j.toString();
    }

    /** The full tooltip of a scored token: its line, its scores and the top five. */
    static String token(TokenScore t) {
        String top = top(t);
        return tokenLine(t) + "\n" + scores(t) + (top.isEmpty() ? "" : "\n" + top);
    }
}
