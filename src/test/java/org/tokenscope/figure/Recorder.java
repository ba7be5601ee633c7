package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;

/** A painter that keeps what was drawn, for tests. */
final class Recorder implements Painter {

    record Text(String text, double x, double y, Font font, Rgb fill, Anchor anchor, boolean up) {
    }

    final List<Text> texts = new ArrayList<>();
    /** The item each of {@link #texts} was drawn in (null outside items). */
    final List<String> textItems = new ArrayList<>();
    final List<double[]> rects = new ArrayList<>();
    /** Every filled rectangle's colour, with the item it was drawn in (null outside items). */
    record Fill(String item, double x, double y, double width, double height, Rgb fill) {
    }

    final List<Fill> fills = new ArrayList<>();
    /** Every outlined rectangle's colour and line width, with the item it was drawn in. */
    record Stroke(String item, Rgb stroke, double lineWidth) {
    }

    final List<Stroke> strokes = new ArrayList<>();
    private String item;
    int circles;
    int items;
    int depth;

    static Recorder of(Figure f) {
        Recorder r = new Recorder();
        f.paint(r);
        if (r.depth != 0) throw new AssertionError("unbalanced items");
        return r;
    }

    List<String> texts() {
        return texts.stream().map(Text::text).toList();
    }

    String allText() {
        return String.join(" ", texts());
    }

    @Override
    public void fillRect(double x, double y, double width, double height, Rgb fill) {
        rects.add(new double[] {x, y, width, height});
        fills.add(new Fill(item, x, y, width, height, fill));
    }

    @Override
    public void strokeRect(double x, double y, double width, double height, Rgb stroke, double lineWidth) {
        strokes.add(new Stroke(item, stroke, lineWidth));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double lineWidth) {
    }

    @Override
    public void polyline(double[] xs, double[] ys, Rgb stroke, double lineWidth) {
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, Rgb fill) {
        circles++;
    }

    @Override
    public void text(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        texts.add(new Text(text, x, y, font, fill, anchor, false));
        textItems.add(item);
    }

    @Override
    public void textUp(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        texts.add(new Text(text, x, y, font, fill, anchor, true));
        textItems.add(item);
    }

    @Override
    public void beginItem(String id, String tooltip) {
        item = id;
        items++;
        depth++;
    }

    @Override
    public void endItem() {
        item = null;
        depth--;
    }
}
