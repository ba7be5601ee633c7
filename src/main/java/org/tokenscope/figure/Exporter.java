package org.tokenscope.figure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Writes a figure to a file as SVG or PNG. */
public final class Exporter {

    /** An image format. */
    public enum Format {
        SVG, PNG;

        public String extension() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format parse(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "svg" -> SVG;
                case "png" -> PNG;
                default -> throw new IllegalArgumentException("Unknown image format '" + name + "': use svg or png.");
            };
        }
    }

    /**
     * How an image is written.
     *
     * @param scale       pixels per figure unit for PNG (1, 2, 3, or {@code dpi / 96}); SVG is vector and ignores it
     * @param dpi         the resolution to record in the PNG ({@code pHYs}), or 0 for none
     * @param transparent no background (else white)
     */
    public record ImageOptions(double scale, double dpi, boolean transparent) {

        public static final ImageOptions DEFAULT = new ImageOptions(1, 0, false);

        public ImageOptions {
            if (!(scale > 0 && scale <= 16)) {
                throw new IllegalArgumentException("The scale must be above 0 and at most 16, not " + scale + ".");
            }
            if (!(dpi >= 0) || dpi > 2400) {
                throw new IllegalArgumentException("The DPI must be between 0 and 2400, not " + dpi + ".");
            }
        }

        /** At {@code scale}× (1, 2, 3...). */
        public static ImageOptions ofScale(double scale) {
            return new ImageOptions(scale, CSS_DPI * scale, false);
        }

        /** At a resolution: {@code dpi / 96} pixels per figure unit, recorded in the PNG. */
        public static ImageOptions ofDpi(double dpi) {
            return new ImageOptions(dpi / CSS_DPI, dpi, false);
        }

        public ImageOptions withTransparent(boolean transparent) {
            return new ImageOptions(scale, dpi, transparent);
        }
    }

    private static final double CSS_DPI = PngPainter.CSS_DPI;

    private Exporter() {
    }

    /** Writes {@code figure} to {@code out} (its folder created if needed). */
    public static void exportFigure(Figure figure, Format format, ImageOptions options, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream os = Files.newOutputStream(out)) {
            write(figure, format, options, os);
        }
    }

    /** Writes {@code figure} to a stream. */
    public static void write(Figure figure, Format format, ImageOptions options, OutputStream out) throws IOException {
        switch (format) {
            case SVG -> out.write(SvgPainter.render(figure, options.transparent()).getBytes(StandardCharsets.UTF_8));
            case PNG -> PngPainter.write(PngPainter.render(figure, options.scale(), options.transparent()),
                    pngText(figure), options.dpi(), out);
        }
    }

    /** The figure as bytes of {@code format}. */
    public static byte[] toBytes(Figure figure, Format format, ImageOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(figure, format, options, out);
        return out.toByteArray();
    }

    /** The PNG text chunks: {@code Title}, {@code Software}, then every metadata entry. */
    static Map<String, String> pngText(Figure figure) {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("Title", figure.title());
        String software = figure.metadata().get("software");
        if (software != null) text.put("Software", software);
        figure.metadata().forEach((k, v) -> {
            if (!k.equals("software")) text.put(k, v);
        });
        return text;
    }
}
