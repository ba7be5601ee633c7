package org.tokenscope.figure;

import java.util.Locale;
import java.util.Map;

/**
 * Paints a figure as a standalone SVG 1.1 document: true vector, text kept as {@code <text>}
 * (selectable and searchable), each item a {@code <g>} with a {@code <title>} (a tooltip in browsers),
 * the figure's title as the document's {@code <title>} and its metadata in {@code <metadata>}.
 */
public final class SvgPainter implements Painter {

    /** The namespace of tokenscope's elements inside {@code <metadata>}. */
    public static final String METADATA_NS = "https://tokenscope.org/ns/export/1";

    private final StringBuilder body = new StringBuilder();
    private int depth = 1;

    /** The SVG document of {@code figure}, on white or (when {@code transparent}) on nothing. */
    public static String render(Figure figure, boolean transparent) {
        SvgPainter painter = new SvgPainter();
        figure.paint(painter);
        return painter.document(figure.width(), figure.height(), figure.title(), figure.metadata(), transparent);
    }

    /** The document around what was painted so far. */
    public String document(double width, double height, String title, Map<String, String> metadata, boolean transparent) {
        StringBuilder sb = new StringBuilder(body.length() + 1024);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(n(width))
                .append("\" height=\"").append(n(height)).append("\" viewBox=\"0 0 ").append(n(width)).append(' ')
                .append(n(height)).append("\" font-family=\"").append(escape(TextMeasure.SANS_CSS))
                .append("\" shape-rendering=\"geometricPrecision\" text-rendering=\"geometricPrecision\"")
                .append(" xml:space=\"preserve\">\n");
        sb.append("  <title>").append(escape(title)).append("</title>\n");
        sb.append("  <metadata>\n    <ts:export xmlns:ts=\"").append(METADATA_NS).append("\">\n");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            sb.append("      <ts:entry key=\"").append(escape(e.getKey())).append("\">").append(escape(e.getValue()))
                    .append("</ts:entry>\n");
        }
        sb.append("    </ts:export>\n  </metadata>\n");
        if (!transparent) {
            sb.append("  <rect x=\"0\" y=\"0\" width=\"").append(n(width)).append("\" height=\"").append(n(height))
                    .append("\" fill=\"#ffffff\"/>\n");
        }
        sb.append(body);
        sb.append("</svg>\n");
        return sb.toString();
    }

    @Override
    public void fillRect(double x, double y, double width, double height, Rgb fill) {
        open("rect").attr("x", x).attr("y", y).attr("width", width).attr("height", height).fill(fill).close();
    }

    @Override
    public void strokeRect(double x, double y, double width, double height, Rgb stroke, double lineWidth) {
        open("rect").attr("x", x).attr("y", y).attr("width", width).attr("height", height).attr("fill", "none")
                .stroke(stroke, lineWidth).close();
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double lineWidth) {
        open("line").attr("x1", x1).attr("y1", y1).attr("x2", x2).attr("y2", y2).stroke(stroke, lineWidth).close();
    }

    @Override
    public void polyline(double[] xs, double[] ys, Rgb stroke, double lineWidth) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) points.append(' ');
            points.append(n(xs[i])).append(',').append(n(ys[i]));
        }
        open("polyline").attr("points", points.toString()).attr("fill", "none").stroke(stroke, lineWidth)
                .attr("stroke-linejoin", "round").close();
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, Rgb fill) {
        open("circle").attr("cx", cx).attr("cy", cy).attr("r", radius).fill(fill).close();
    }

    @Override
    public void text(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        textElement(text, x, y, font, fill, anchor, null);
    }

    @Override
    public void textUp(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        textElement(text, x, y, font, fill, anchor, "rotate(-90 " + n(x) + " " + n(y) + ")");
    }

    @Override
    public void beginItem(String id, String tooltip) {
        indent();
        body.append("<g");
        if (id != null) body.append(" id=\"").append(escape(xmlId(id))).append('"');
        body.append(" class=\"item\">\n");
        depth++;
        if (tooltip != null) {
            indent();
            body.append("<title>").append(escape(tooltip)).append("</title>\n");
        }
    }

    @Override
    public void endItem() {
        depth--;
        indent();
        body.append("</g>\n");
    }

    private void textElement(String text, double x, double y, Font font, Rgb fill, Anchor anchor, String transform) {
        open("text").attr("x", x).attr("y", y).attr("font-size", font.size());
        if (font.mono()) attr("font-family", TextMeasure.MONO_CSS);
        if (font.bold()) attr("font-weight", "bold");
        if (anchor != Anchor.START) attr("text-anchor", anchor == Anchor.MIDDLE ? "middle" : "end");
        if (transform != null) attr("transform", transform);
        fill(fill);
        body.append('>').append(escape(text)).append("</text>\n");
    }

    private SvgPainter open(String element) {
        indent();
        body.append('<').append(element);
        return this;
    }

    private void close() {
        body.append("/>\n");
    }

    private SvgPainter attr(String name, double value) {
        return attr(name, n(value));
    }

    private SvgPainter attr(String name, String value) {
        body.append(' ').append(name).append("=\"").append(escape(value)).append('"');
        return this;
    }

    private SvgPainter fill(Rgb c) {
        attr("fill", c.hex());
        if (c.alpha() < 1) attr("fill-opacity", c.alpha());
        return this;
    }

    private SvgPainter stroke(Rgb c, double width) {
        attr("stroke", c.hex()).attr("stroke-width", width);
        if (c.alpha() < 1) attr("stroke-opacity", c.alpha());
        return this;
    }

    private void indent() {
        body.append("  ".repeat(depth));
    }

    /** A number as SVG writes it: at most 2 decimals, no exponent, no trailing zeros. */
    static String n(double v) {
        if (!Double.isFinite(v)) return "0";
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    /**
     * XML text or attribute content: {@code & < > " '} escaped, and characters XML 1.0 cannot hold
     * (controls other than tab, newline and CR, lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD.
     */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> sb.append("&#13;");
                case '\t' -> sb.append("&#9;");
                default -> {
                    boolean legal = cp >= 0x20 && cp <= 0xD7FF || cp >= 0xE000 && cp <= 0xFFFD || cp >= 0x10000 && cp <= 0x10FFFF;
                    sb.appendCodePoint(legal ? cp : 0xFFFD);
                }
            }
        }
        return sb.toString();
    }

    private static String xmlId(String id) {
        String s = id.replaceAll("[^A-Za-z0-9_.-]", "_");
        return Character.isLetter(s.isEmpty() ? '0' : s.charAt(0)) || s.startsWith("_") ? s : "i" + s;
    }
}
