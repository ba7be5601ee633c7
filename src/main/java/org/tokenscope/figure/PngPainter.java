package org.tokenscope.figure;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Paints a figure with Java2D onto an image, at a scale (2 for a 2× "retina" image; {@code dpi / 96}
 * for a DPI), and writes it as PNG with the figure's title and metadata in text chunks.
 */
public final class PngPainter implements Painter {

    /** CSS pixels per inch: a figure unit at 1× is 1/96 inch. */
    public static final double CSS_DPI = 96;

    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    private final Graphics2D g;

    /** A painter drawing on {@code g}, whose transform already maps figure units to pixels. */
    public PngPainter(Graphics2D g) {
        this.g = g;
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }

    /** The figure as an ARGB image {@code ceil(width·scale) × ceil(height·scale)} pixels, on white or transparent. */
    public static BufferedImage render(Figure figure, double scale, boolean transparent) {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("The scale must be positive, not " + scale + ".");
        }
        int w = Math.max(1, (int) Math.ceil(figure.width() * scale - 1e-9));
        int h = Math.max(1, (int) Math.ceil(figure.height() * scale - 1e-9));
        if ((long) w * h > 400_000_000L) {
            throw new IllegalArgumentException("A " + w + "×" + h + " image is too large; lower the scale or the width.");
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            if (!transparent) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, w, h);
            }
            g.scale(scale, scale);
            figure.paint(new PngPainter(g));
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Writes {@code image} as PNG with a {@code tEXt} chunk per entry of {@code text} (an {@code iTXt}
     * chunk, UTF-8, where a value is not Latin-1) and, when {@code dpi > 0}, a {@code pHYs} chunk.
     */
    public static void write(BufferedImage image, Map<String, String> text, double dpi, OutputStream out)
            throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            String format = "javax_imageio_png_1.0";
            IIOMetadataNode root = new IIOMetadataNode(format);
            IIOMetadataNode tEXt = new IIOMetadataNode("tEXt");
            IIOMetadataNode iTXt = new IIOMetadataNode("iTXt");
            for (Map.Entry<String, String> e : text.entrySet()) {
                String key = keyword(e.getKey());
                String value = e.getValue() == null ? "" : e.getValue();
                if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(value)) {
                    IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                    entry.setAttribute("keyword", key);
                    entry.setAttribute("value", value);
                    tEXt.appendChild(entry);
                } else {
                    IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                    entry.setAttribute("keyword", key);
                    entry.setAttribute("compressionFlag", "FALSE");
                    entry.setAttribute("compressionMethod", "0");
                    entry.setAttribute("languageTag", "");
                    entry.setAttribute("translatedKeyword", "");
                    entry.setAttribute("text", value);
                    iTXt.appendChild(entry);
                }
            }
            if (tEXt.hasChildNodes()) root.appendChild(tEXt);
            if (iTXt.hasChildNodes()) root.appendChild(iTXt);
            if (dpi > 0) {
                IIOMetadataNode pHYs = new IIOMetadataNode("pHYs");
                String perMetre = Long.toString(Math.round(dpi / 0.0254));
                pHYs.setAttribute("pixelsPerUnitXAxis", perMetre);
                pHYs.setAttribute("pixelsPerUnitYAxis", perMetre);
                pHYs.setAttribute("unitSpecifier", "meter");
                root.appendChild(pHYs);
            }
            try {
                metadata.mergeTree(format, root);
            } catch (IIOInvalidTreeException e) {
                throw new IOException("Could not write the PNG's metadata: " + e.getMessage(), e);
            }
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    /** A PNG keyword: 1 to 79 Latin-1 printable characters. */
    static String keyword(String key) {
        StringBuilder sb = new StringBuilder();
        for (char c : key.toCharArray()) {
            sb.append(c >= 0x20 && c <= 0x7e || c >= 0xa1 && c <= 0xff ? c : '_');
        }
        String s = sb.toString().strip();
        if (s.isEmpty()) s = "key";
        return s.length() > 79 ? s.substring(0, 79) : s;
    }

    @Override
    public void fillRect(double x, double y, double width, double height, Rgb fill) {
        g.setColor(color(fill));
        g.fill(new Rectangle2D.Double(x, y, width, height));
    }

    @Override
    public void strokeRect(double x, double y, double width, double height, Rgb stroke, double lineWidth) {
        g.setColor(color(stroke));
        g.setStroke(new BasicStroke((float) lineWidth));
        g.draw(new Rectangle2D.Double(x, y, width, height));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double lineWidth) {
        g.setColor(color(stroke));
        g.setStroke(new BasicStroke((float) lineWidth));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polyline(double[] xs, double[] ys, Rgb stroke, double lineWidth) {
        if (xs.length < 2) return;
        Path2D.Double path = new Path2D.Double();
        path.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) path.lineTo(xs[i], ys[i]);
        g.setColor(color(stroke));
        g.setStroke(new BasicStroke((float) lineWidth, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
        g.draw(path);
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, Rgb fill) {
        g.setColor(color(fill));
        g.fill(new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius));
    }

    @Override
    public void text(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        g.setColor(color(fill));
        double at = x - shift(text, font, anchor);
        for (TextMeasure.Run run : TextMeasure.runs(text, font)) {
            // glyph outlines, filled: unhinted, at any scale the shapes an SVG renderer draws
            GlyphVector glyphs = run.font().createGlyphVector(FRC, run.text());
            g.fill(glyphs.getOutline((float) at, (float) y));
            at += run.width();
        }
    }

    @Override
    public void textUp(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        text(text, 0, 0, font, fill, anchor);
        g.setTransform(saved);
    }

    @Override
    public void beginItem(String id, String tooltip) {
    }

    @Override
    public void endItem() {
    }

    private static double shift(String text, Font font, Anchor anchor) {
        return switch (anchor) {
            case START -> 0;
            case MIDDLE -> TextMeasure.width(text, font) / 2;
            case END -> TextMeasure.width(text, font);
        };
    }

    private static Color color(Rgb c) {
        return new Color(c.r(), c.g(), c.b(), (int) Math.round(c.alpha() * 255));
    }
}
