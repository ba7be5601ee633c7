package org.tokenscope.cli;

/** Tokens as a terminal shows them: whitespace made visible, long ones cut. */
final class Tokens {

    private Tokens() {
    }

    static String visible(String text, boolean partial, int width) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case ' ' -> sb.append('·');
                case '\n' -> sb.append('↵');
                case '\t' -> sb.append('→');
                case '\r' -> sb.append("\\r");
                default -> sb.appendCodePoint(Character.isISOControl(cp) ? '?' : cp);
            }
        });
        if (partial) {
            sb.append(" (part)");
        }
        String s = sb.toString();
        return s.codePointCount(0, s.length()) > width ? s.substring(0, s.offsetByCodePoints(0, width - 1)) + "…" : s;
    }
}
