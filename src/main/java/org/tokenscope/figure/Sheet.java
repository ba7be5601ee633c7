package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A painter that records: a figure lays itself out once by drawing onto a sheet, which keeps the
 * drawing calls (to replay on any target) and the items a user can point at.
 */
final class Sheet implements Painter {

    private final List<Consumer<Painter>> ops = new ArrayList<>();
    private final List<Figure.Item> items = new ArrayList<>();
    private int openItems;

    @Override
    public void fillRect(double x, double y, double width, double height, Rgb fill) {
        if (width <= 0 || height <= 0) return;
        ops.add(p -> p.fillRect(x, y, width, height, fill));
    }

    @Override
    public void strokeRect(double x, double y, double width, double height, Rgb stroke, double lineWidth) {
        ops.add(p -> p.strokeRect(x, y, width, height, stroke, lineWidth));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double lineWidth) {
        ops.add(p -> p.line(x1, y1, x2, y2, stroke, lineWidth));
    }

    @Override
    public void polyline(double[] xs, double[] ys, Rgb stroke, double lineWidth) {
        if (xs.length != ys.length) throw new IllegalArgumentException("xs and ys differ in length.");
        if (xs.length < 2) return;
        double[] x = xs.clone();
        double[] y = ys.clone();
        ops.add(p -> p.polyline(x, y, stroke, lineWidth));
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, Rgb fill) {
        ops.add(p -> p.fillCircle(cx, cy, radius, fill));
    }

    @Override
    public void text(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        if (text.isEmpty()) return;
        ops.add(p -> p.text(text, x, y, font, fill, anchor));
    }

    @Override
    public void textUp(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        if (text.isEmpty()) return;
        ops.add(p -> p.textUp(text, x, y, font, fill, anchor));
    }

    @Override
    public void beginItem(String id, String tooltip) {
        openItems++;
        ops.add(p -> p.beginItem(id, tooltip));
    }

    @Override
    public void endItem() {
        if (openItems == 0) throw new IllegalStateException("endItem without beginItem.");
        openItems--;
        ops.add(Painter::endItem);
    }

    /** Records a thing a user can point at (drawn separately, between beginItem and endItem). */
    void item(String kind, int index, double x, double y, double width, double height, String tooltip) {
        items.add(new Figure.Item(kind, index, x, y, width, height, tooltip));
    }

    List<Figure.Item> items() {
        return List.copyOf(items);
    }

    List<Consumer<Painter>> ops() {
        if (openItems != 0) throw new IllegalStateException(openItems + " item(s) left open.");
        return List.copyOf(ops);
    }
}
