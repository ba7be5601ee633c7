package org.tokenscope.figure;

import java.util.List;
import java.util.Map;

/**
 * A figure laid out for a given size, ready to be painted on any target. Figures are immutable
 * values built from analysis records; the screen, SVG and PNG all call {@link #paint}.
 */
public interface Figure {

    double width();

    double height();

    /** A short title, also used as the SVG {@code <title>}. */
    String title();

    void paint(Painter painter);

    /** The things a user can point at (tokens, bars, points) with their boxes, for hover and click. */
    List<Item> items();

    /** What was drawn from what (models, settings, text hash...), written into exported files. */
    Map<String, String> metadata();

    /**
     * One thing a user can point at.
     *
     * @param kind what it is ("token", "bar", "point")
     * @param index its index in the data (a token index, a rank)
     */
    record Item(String kind, int index, double x, double y, double width, double height, String tooltip) {

        public boolean contains(double px, double py) {
            return px >= x && px < x + width && py >= y && py < y + height;
        }
    }
}
