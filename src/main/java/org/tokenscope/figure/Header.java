package org.tokenscope.figure;

import org.tokenscope.figure.Painter.Anchor;

/** A figure's title line and its subtitle. */
final class Header {

    private Header() {
    }

    /**
     * Draws the title (and the subtitle, when not empty) from {@code y}; returns the y below them. A title
     * too wide for {@code maxWidth} gives what follows its first " · " to the start of the subtitle (in
     * the smaller font) rather than lose its end to an ellipsis.
     */
    static double draw(Painter p, double x, double y, double maxWidth, String title, String subtitle) {
        int dot = title.indexOf(" · ");
        if (dot > 0 && TextMeasure.width(title, Theme.TITLE) > maxWidth) {
            String rest = title.substring(dot + 3);
            subtitle = subtitle == null || subtitle.isEmpty() ? rest : rest + " · " + subtitle;
            title = title.substring(0, dot);
        }
        double ty = y + TextMeasure.ascent(Theme.TITLE);
        p.text(TextMeasure.ellipsize(title, Theme.TITLE, maxWidth), x, ty, Theme.TITLE, Theme.INK, Anchor.START);
        double bottom = y + TextMeasure.lineHeight(Theme.TITLE);
        if (subtitle != null && !subtitle.isEmpty()) {
            double sy = bottom + 3 + TextMeasure.ascent(Theme.SUBTITLE);
            p.text(TextMeasure.ellipsize(subtitle, Theme.SUBTITLE, maxWidth), x, sy, Theme.SUBTITLE, Theme.MUTED,
                    Anchor.START);
            bottom = sy + TextMeasure.descent(Theme.SUBTITLE);
        }
        return bottom;
    }

    /** A section heading inside a figure (bold label); returns the y below it. */
    static double section(Painter p, double x, double y, double maxWidth, String text) {
        var font = Theme.LABEL.withBold(true);
        p.text(TextMeasure.ellipsize(text, font, maxWidth), x, y + TextMeasure.ascent(font), font, Theme.INK, Anchor.START);
        return y + TextMeasure.lineHeight(font);
    }
}
