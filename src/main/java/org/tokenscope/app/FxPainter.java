package org.tokenscope.app;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import org.tokenscope.figure.Painter;

/** Paints figures on a JavaFX canvas: the screen's implementation of the figures' one drawing routine. */
final class FxPainter implements Painter {

    private final GraphicsContext gc;

    FxPainter(GraphicsContext gc) {
        this.gc = gc;
        gc.setTextBaseline(VPos.BASELINE);
    }

    private static Color fx(Rgb c) {
        return Color.rgb(c.r(), c.g(), c.b(), c.alpha());
    }

    private static javafx.scene.text.Font font(Font f) {
        String family = f.mono() ? "DejaVu Sans Mono" : "DejaVu Sans";
        return javafx.scene.text.Font.font(family, f.bold() ? FontWeight.BOLD : FontWeight.NORMAL, f.size());
    }

    @Override
    public void fillRect(double x, double y, double width, double height, Rgb fill) {
        gc.setFill(fx(fill));
        gc.fillRect(x, y, width, height);
    }

    @Override
    public void strokeRect(double x, double y, double width, double height, Rgb stroke, double lineWidth) {
        gc.setStroke(fx(stroke));
        gc.setLineWidth(lineWidth);
        gc.strokeRect(x, y, width, height);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double lineWidth) {
        gc.setStroke(fx(stroke));
        gc.setLineWidth(lineWidth);
        gc.strokeLine(x1, y1, x2, y2);
    }

    @Override
    public void polyline(double[] xs, double[] ys, Rgb stroke, double lineWidth) {
        gc.setStroke(fx(stroke));
        gc.setLineWidth(lineWidth);
        gc.strokePolyline(xs, ys, Math.min(xs.length, ys.length));
    }

    @Override
    public void fillCircle(double cx, double cy, double radius, Rgb fill) {
        gc.setFill(fx(fill));
        gc.fillOval(cx - radius, cy - radius, 2 * radius, 2 * radius);
    }

    @Override
    public void text(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        gc.setFill(fx(fill));
        gc.setFont(font(font));
        gc.setTextAlign(switch (anchor) {
            case START -> TextAlignment.LEFT;
            case MIDDLE -> TextAlignment.CENTER;
            case END -> TextAlignment.RIGHT;
        });
        gc.fillText(text, x, y);
    }

    @Override
    public void textUp(String text, double x, double y, Font font, Rgb fill, Anchor anchor) {
        gc.save();
        gc.translate(x, y);
        gc.rotate(-90);
        text(text, 0, 0, font, fill, anchor);
        gc.restore();
    }

    @Override
    public void beginItem(String id, String tooltip) {
    }

    @Override
    public void endItem() {
    }
}
