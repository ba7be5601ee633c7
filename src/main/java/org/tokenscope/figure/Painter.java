package org.tokenscope.figure;

/**
 * The drawing operations every figure is made of. One figure's {@code paint} method draws it once,
 * and each target implements this: SVG (vector, text kept as text), PNG (Java2D) and the screen
 * (a JavaFX canvas). Coordinates are in figure units (1 unit = 1 CSS pixel at 1×), y down.
 */
public interface Painter {

    enum Anchor { START, MIDDLE, END }

    /** A font by size and weight; the family is the figure's sans-serif. */
    record Font(double size, boolean bold) {
        public static final Font NORMAL = new Font(12, false);
        public static final Font SMALL = new Font(10, false);
        public static final Font TITLE = new Font(14, true);
    }

    /** An sRGB colour with alpha in [0, 1]. */
    record Rgb(int r, int g, int b, double alpha) {
        public static final Rgb BLACK = new Rgb(0, 0, 0, 1);
        public static final Rgb WHITE = new Rgb(255, 255, 255, 1);
        public static final Rgb GREY = new Rgb(128, 128, 128, 1);

        public static Rgb of(int r, int g, int b) {
            return new Rgb(r, g, b, 1);
        }

        public String hex() {
            return String.format("#%02x%02x%02x", r, g, b);
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

    /** Starts a group of shapes that belong to one item (a token, a bar), with a tooltip (may be null). */
    void beginItem(String id, String tooltip);

    void endItem();
}
