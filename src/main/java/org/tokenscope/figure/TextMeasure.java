package org.tokenscope.figure;

import java.awt.GraphicsEnvironment;
import java.awt.font.FontRenderContext;
import java.awt.font.LineMetrics;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.tokenscope.figure.Painter.Font;

/**
 * Text metrics for layout, from Java2D's font metrics (which work headless): one sans-serif and one
 * monospace family, the same for every target, so that the screen, SVG and PNG lay out alike.
 *
 * <p>The sans-serif is DejaVu Sans where it is installed, else the JDK's logical {@code SansSerif}
 * (which is DejaVu Sans on most Linux systems, with fallbacks for scripts it lacks); the monospace
 * is DejaVu Sans Mono, else {@code Monospaced}. Measurements use fractional metrics and no
 * transform, so they are in figure units.
 */
public final class TextMeasure {

    /** The family names a document should ask for: the measured family, then generic fallbacks. */
    public static final String SANS_CSS = "'DejaVu Sans', Verdana, sans-serif";
    public static final String MONO_CSS = "'DejaVu Sans Mono', 'DejaVu Sans', monospace";

    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);
    private static final String SANS;
    private static final String MONO;
    private static final ConcurrentHashMap<Font, java.awt.Font> FONTS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Font, java.awt.Font> FALLBACK = new ConcurrentHashMap<>();

    static {
        Set<String> installed = installedFamilies();
        // The logical SansSerif falls back to other fonts for scripts DejaVu Sans lacks; prefer it where it is DejaVu.
        SANS = installed.contains("DejaVu Sans") && isDejaVu("SansSerif") ? "SansSerif"
                : installed.contains("DejaVu Sans") ? "DejaVu Sans" : "SansSerif";
        MONO = installed.contains("DejaVu Sans Mono") ? "DejaVu Sans Mono" : "Monospaced";
    }

    private TextMeasure() {
    }

    /** The Java2D family used for {@code font}: what the PNG target draws with. */
    public static String family(Font font) {
        return font.mono() ? MONO : SANS;
    }

    /** The CSS font-family list for {@code font}: what SVG asks for. */
    public static String cssFamily(Font font) {
        return font.mono() ? MONO_CSS : SANS_CSS;
    }

    /** The Java2D font for {@code font}, at its size in figure units. */
    public static java.awt.Font awtFont(Font font) {
        return FONTS.computeIfAbsent(font, f -> new java.awt.Font(family(f),
                f.bold() ? java.awt.Font.BOLD : java.awt.Font.PLAIN, 1).deriveFont((float) f.size()));
    }

    /** The advance width of {@code text}. */
    public static double width(String text, Font font) {
        if (text.isEmpty()) return 0;
        double w = 0;
        for (Run run : runs(text, font)) w += run.width();
        return w;
    }

    /** A stretch of text and the Java2D font that has glyphs for it. */
    public record Run(String text, java.awt.Font font) {
        /** Its advance width, in figure units. */
        public double width() {
            return font.getStringBounds(text, FRC).getWidth();
        }
    }

    /**
     * {@code text} cut into runs the font can draw and runs it lacks glyphs for, which fall back to the
     * sans-serif (or, lacking those too, to the JDK's {@code Dialog}, which falls back further).
     */
    public static java.util.List<Run> runs(String text, Font font) {
        java.awt.Font primary = awtFont(font);
        if (primary.canDisplayUpTo(text) == -1) return java.util.List.of(new Run(text, primary));
        java.util.List<Run> runs = new java.util.ArrayList<>();
        java.awt.Font sans = awtFont(new Font(font.size(), font.bold(), false));
        java.awt.Font dialog = FALLBACK.computeIfAbsent(font, f -> new java.awt.Font("Dialog",
                f.bold() ? java.awt.Font.BOLD : java.awt.Font.PLAIN, 1).deriveFont((float) f.size()));
        StringBuilder run = new StringBuilder();
        java.awt.Font current = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            java.awt.Font f = primary.canDisplay(cp) ? primary : sans.canDisplay(cp) ? sans : dialog;
            if (current != null && f != current) {
                runs.add(new Run(run.toString(), current));
                run.setLength(0);
            }
            current = f;
            run.appendCodePoint(cp);
        }
        if (!run.isEmpty()) runs.add(new Run(run.toString(), current));
        return java.util.List.copyOf(runs);
    }

    /** Height above the baseline of the font's tall letters and accents. */
    public static double ascent(Font font) {
        return metrics(font).getAscent();
    }

    /** Depth below the baseline of its descenders. */
    public static double descent(Font font) {
        return metrics(font).getDescent();
    }

    /** Ascent plus descent: the height of one line of text without leading. */
    public static double lineHeight(Font font) {
        LineMetrics m = metrics(font);
        return m.getAscent() + m.getDescent();
    }

    /**
     * The longest prefix of {@code text} (whole code points) that fits in {@code maxWidth}; at least one
     * code point, so that a loop over it always advances.
     */
    public static int fit(String text, Font font, double maxWidth) {
        int end = 0;
        while (end < text.length()) {
            int next = text.offsetByCodePoints(end, 1);
            if (end > 0 && width(text.substring(0, next), font) > maxWidth) break;
            end = next;
        }
        return end;
    }

    /** {@code text} cut with an ellipsis to fit in {@code maxWidth}. */
    public static String ellipsize(String text, Font font, double maxWidth) {
        if (width(text, font) <= maxWidth) return text;
        String dots = "…";
        int end = fit(text, font, Math.max(0, maxWidth - width(dots, font)));
        return text.substring(0, end) + dots;
    }

    private static LineMetrics metrics(Font font) {
        return awtFont(font).getLineMetrics("Hg", FRC);
    }

    private static Set<String> installedFamilies() {
        try {
            return Arrays.stream(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames())
                    .collect(Collectors.toSet());
        } catch (RuntimeException | Error e) { // a JDK without fontconfig
            return Set.of();
        }
    }

    private static boolean isDejaVu(String logical) {
        java.awt.Font l = new java.awt.Font(logical, java.awt.Font.PLAIN, 12);
        java.awt.Font d = new java.awt.Font("DejaVu Sans", java.awt.Font.PLAIN, 12);
        String probe = "Hamburgefontsiv 0123456789";
        return l.getStringBounds(probe, FRC).getWidth() == d.getStringBounds(probe, FRC).getWidth();
    }
}
