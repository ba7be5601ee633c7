package org.tokenscope.figure;

/**
 * The drawing operations every figure is made of. One figure's {@code paint} method draws it once,
 * and each target implements this: SVG (vector, text kept as text), PNG (Java2D) and the screen
 * (a JavaFX canvas). Coordinates are in figure units (1 unit = 1 CSS pixel at 1×), y down.
 *
 * <p>Text is measured with {@link TextMeasure}, whose font family every target should use
 * ({@link TextMeasure#family(Font)}), so that a figure lays out alike everywhere.
 */
public interface Painter {

    enum Anchor { START, MIDDLE, END }

    /**
     * A font by size and weight; the family is the figure's sans-serif, or its monospace when {@code mono}.
     */
    record Font(double size, boolean bold, boolean mono) {
        public static final Font NORMAL = new Font(12, false);
        public static final Font SMALL = new Font(10, false);
        public static final Font TITLE = new Font(14, true);

        public Font {
            if (!(size > 0)) throw new IllegalArgumentException("A font size must be positive, not " + size + ".");
        }

        public Font(double size, boolean bold) {
            this(size, bold, false);
        }

        public Font withSize(double size) {
            return new Font(size, bold, mono);
        }

        public Font withBold(boolean bold) {
            return new Font(size, bold, mono);
        }
    }

    /** An sRGB colour with alpha in [0, 1]. */
    record Rgb(int r, int g, int b, double alpha) {
        public static final Rgb BLACK = new Rgb(0, 0, 0, 1);
        public static final Rgb WHITE = new Rgb(255, 255, 255, 1);
        public static final Rgb GREY = new Rgb(128, 128, 128, 1);

        public Rgb {
            if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255 || !(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("Not an sRGB colour: " + r + ", " + g + ", " + b + ", " + alpha + ".");
            }
        }

        public static Rgb of(int r, int g, int b) {
            return new Rgb(r, g, b, 1);
        }

        /** {@code 0xRRGGBB}, opaque. */
        public static Rgb of(int rgb) {
            return new Rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, 1);
        }

        public String hex() {
            return String.format("#%02x%02x%02x", r, g, b);
        }

        public Rgb withAlpha(double alpha) {
            return new Rgb(r, g, b, alpha);
        }

        /** WCAG relative luminance in [0, 1] (alpha ignored). */
        public double luminance() {
            return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
        }

        /** Black or white, whichever reads better on this colour. */
        public Rgb contrasting() {
            // the luminance where black and white have equal contrast: (L + 0.05)² = 1.05 · 0.05
            return luminance() > 0.179 ? BLACK : WHITE;
        }

        private static double linear(int c) {
            double s = c / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        }
    }

    void fillRect(double x, double y, double width, double height, Rgb fill);

    void strokeRect(double x, double y, double width, double height, Rgb stroke, double lineWidth);

    void line(double x1, double y1, double x2, double y2, Rgb stroke, double lineWidth);

    /** A polyline through {@code xs[i], ys[i]}. */
    void polyline(double[] xs, double[] ys, Rgb stroke, double lineWidth);

    void fillCircle(double cx, double cy, double radius, Rgb fill);

    /** Text with its baseline at {@code y}, anchored at {@code x}. */
    void text(String text, double x, double y, Font font, Rgb fill, Anchor anchor);

    /**
     * Text turned a quarter counter-clockwise (reading upwards, as a y-axis label): its baseline runs up
     * through {@code x}, and the anchor is along that line at height {@code y}.
     */
    void textUp(String text, double x, double y, Font font, Rgb fill, Anchor anchor);

    /** Starts a group of shapes that belong to one item (a token, a bar), with a tooltip (may be null). */
    void beginItem(String id, String tooltip);

    void endItem();
}
