package org.tokenscope.figure;

import java.math.BigDecimal;
import java.util.Locale;
import org.tokenscope.analysis.ByteText;

/** How figures write token texts and numbers. */
public final class Glyphs {

    /** Shown for a space, a newline and a tab when whitespace is made visible. */
    public static final String SPACE = "·";
    public static final String NEWLINE = "↵";
    public static final String TAB = "→";

    /** The typographic minus sign, for numbers in figures. */
    public static final char MINUS = '−';

    private Glyphs() {
    }

    /** A token's text with whitespace made visible (· ↵ →) and control characters in caret notation. */
    public static String visible(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case ' ' -> sb.append(SPACE);
                case '\n' -> sb.append(NEWLINE);
                case '\t' -> sb.append(TAB);
                default -> sb.append(printable(cp));
            }
        });
        return sb.toString();
    }

    /** A code point as it can be drawn: itself, or {@code ^X} for a control character, {@code \r} for CR. */
    public static String printable(int cp) {
        if (cp == '\r') return "\\r";
        if (cp < 0x20) return "^" + (char) (cp + 64);
        if (cp == 0x7f) return "^?";
        if (Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE
                || cp == 0xFFFE || cp == 0xFFFF) {
            return String.format("\\u%04X", cp);
        }
        return new String(Character.toChars(cp));
    }

    /** {@code k/n} as superscript k, a fraction slash and subscript n: "¹⁄₂". */
    public static String part(int k, int n) {
        return ByteText.partMark(k, n);
    }

    /** A number for a figure: fixed {@code decimals}, with a real minus sign; "–" for NaN or null. */
    public static String number(Double v, int decimals) {
        if (v == null || v.isNaN()) return "–";
        if (v.isInfinite()) return v > 0 ? "∞" : MINUS + "∞";
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.matches("-0\\.?0*")) s = s.substring(1);
        return s.replace('-', MINUS);
    }

    /** A perplexity: two decimals below 1000, else whole with thousands grouped ("88,769,804"); "–" for NaN. */
    public static String perplexity(double v) {
        if (Double.isNaN(v)) return "–";
        if (Double.isInfinite(v)) return "∞";
        return v < 1000 ? number(v, 2) : String.format(Locale.ROOT, "%,.0f", v);
    }

    /** A probability for a figure: "12.3%", "0.012%", "<0.001%". */
    public static String percent(double p) {
        double pct = p * 100;
        if (pct >= 10) return String.format(Locale.ROOT, "%.1f%%", pct);
        if (pct >= 0.1) return String.format(Locale.ROOT, "%.2f%%", pct);
        if (pct >= 0.001) return String.format(Locale.ROOT, "%.3f%%", pct);
        return pct == 0 ? "0%" : "<0.001%";
    }

    /** A probability with 3 significant digits: "0.123", "4.56e−05". */
    public static String probability(double p) {
        if (p >= 0.001 || p == 0) return String.format(Locale.ROOT, "%.4f", p);
        return String.format(Locale.ROOT, "%.2e", p).replace('-', MINUS);
    }

    /** A tick label: as few decimals as the step needs. */
    public static String tick(double v, double step) {
        int decimals = Math.max(0, -(int) Math.floor(Math.log10(step) + 1e-9));
        return number(v, Math.min(decimals, 6));
    }

    /** A plain number for data files: the shortest decimal that reads back as the same double, never in E notation. */
    public static String plain(double v) {
        if (!Double.isFinite(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
