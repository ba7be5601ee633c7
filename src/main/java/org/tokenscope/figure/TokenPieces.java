package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.TokenScore;

/**
 * What each token shows of the text: its characters in reading order, each character once, except a
 * character whose UTF-8 bytes are split across tokens, which every token holding a part of it shows,
 * marked with the part ("😀¹⁄₂", "😀²⁄₂").
 */
final class TokenPieces {

    enum Kind { TEXT, SPACE, TAB, NEWLINE, CR, SPLIT }

    /**
     * One run of a token's display.
     *
     * @param text the characters (for SPLIT: the whole character; for SPACE: one space)
     * @param part for SPLIT, which part (from 1)
     * @param parts for SPLIT, of how many
     */
    record Piece(Kind kind, String text, int part, int parts) {

        /** What is drawn: the text itself, or with whitespace made {@code visible}. */
        String shown(boolean visible) {
            return switch (kind) {
                case TEXT -> text;
                case SPACE -> visible ? Glyphs.SPACE : " ";
                case TAB -> visible ? Glyphs.TAB : "    ";
                case NEWLINE -> visible ? Glyphs.NEWLINE : "";
                case CR -> visible ? "\\r" : "";
                case SPLIT -> text + Glyphs.part(part, parts);
            };
        }

        boolean isWhitespace() {
            return kind == Kind.SPACE || kind == Kind.TAB || kind == Kind.NEWLINE || kind == Kind.CR;
        }
    }

    private TokenPieces() {
    }

    /** The pieces of every token of {@code text}, in order. */
    static List<List<Piece>> of(String text, List<TokenScore> tokens) {
        int n = text.length();
        // the partial tokens covering each character split across tokens: char start -> token indices
        Map<Integer, List<Integer>> coverers = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            TokenScore t = tokens.get(i);
            if (!t.partial()) continue;
            int start = clamp(t.start(), n);
            int end = clamp(t.end(), n);
            for (int c = start; c < end; c = text.offsetByCodePoints(c, 1)) {
                coverers.computeIfAbsent(c, k -> new ArrayList<>()).add(i);
            }
        }
        List<List<Piece>> out = new ArrayList<>(tokens.size());
        int cursor = 0; // UTF-16 index up to which characters are shown
        for (int i = 0; i < tokens.size(); i++) {
            TokenScore t = tokens.get(i);
            int start = clamp(t.start(), n);
            int end = clamp(t.end(), n);
            List<Piece> pieces = new ArrayList<>();
            StringBuilder run = new StringBuilder();
            // a token without a span in the text (scores not made from this text) shows its own text
            String source = end > start ? text : t.text();
            int from = end > start ? start : 0;
            int to = end > start ? end : source.length();
            for (int c = from; c < to; c = source.offsetByCodePoints(c, 1)) {
                int cp = source.codePointAt(c);
                List<Integer> shared = t.partial() && end > start ? coverers.get(c) : null;
                if (shared != null && shared.size() > 1) {
                    flush(run, pieces);
                    pieces.add(new Piece(Kind.SPLIT, Glyphs.printable(cp), shared.indexOf(i) + 1, shared.size()));
                } else if (c >= cursor || end <= start) {
                    Kind kind = switch (cp) {
                        case ' ' -> Kind.SPACE;
                        case '\t' -> Kind.TAB;
                        case '\n' -> Kind.NEWLINE;
                        case '\r' -> Kind.CR;
                        default -> Kind.TEXT;
                    };
                    if (kind == Kind.TEXT) {
                        run.append(Glyphs.printable(cp));
                    } else {
                        flush(run, pieces);
                        pieces.add(new Piece(kind, new String(Character.toChars(cp)), 0, 0));
                    }
                }
            }
            flush(run, pieces);
            cursor = Math.max(cursor, end);
            out.add(List.copyOf(pieces));
        }
        return out;
    }

    /** The token's pieces as one string, whitespace visible or not. */
    static String shown(List<Piece> pieces, boolean visible) {
        StringBuilder sb = new StringBuilder();
        for (Piece p : pieces) sb.append(p.shown(visible));
        return sb.toString();
    }

    private static void flush(StringBuilder run, List<Piece> pieces) {
        if (run.isEmpty()) return;
        pieces.add(new Piece(Kind.TEXT, run.toString(), 0, 0));
        run.setLength(0);
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n, i));
    }
}
