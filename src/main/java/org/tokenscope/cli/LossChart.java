package org.tokenscope.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A training run's loss curve as a PNG, drawn with plain Java2D: the loss of every step (light),
 * its moving average (dark) and the held-out loss (dots), against the step.
 */
final class LossChart {

    /** A held-out measurement: the mean loss over held-out windows after {@code step} steps. */
    record Point(int step, double loss) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int TOP = 64;
    private static final int BOTTOM = 56;
    private static final Color TRAIN_RAW = new Color(0x9ECAE9);
    private static final Color TRAIN = new Color(0x1F77B4);
    private static final Color HELD_OUT = new Color(0xD62728);
    private static final Color GRID = new Color(0xE6E6E6);

    private LossChart() {
    }

    static void write(Path file, String title, float[] trainLoss, List<Point> heldOut) throws IOException {
        ImageIO.write(draw(title, trainLoss, heldOut), "png", file.toFile());
    }

    static BufferedImage draw(String title, float[] trainLoss, List<Point> heldOut) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int steps = Math.max(1, trainLoss.length);
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (float v : trainLoss) {
                if (Float.isFinite(v)) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
            }
            for (Point p : heldOut) {
                low = Math.min(low, p.loss());
                high = Math.max(high, p.loss());
            }
            if (!(high >= low)) {
                low = 0;
                high = 1;
            }
            double yStep = niceStep((high - low) / 6);
            double yMin = Math.floor(low / yStep) * yStep;
            double yMax = Math.max(yMin + yStep, Math.ceil(high / yStep) * yStep);
            Frame frame = new Frame(steps, yMin, yMax);
            drawAxes(g, frame, yStep);

            g.setStroke(new BasicStroke(1f));
            g.setColor(TRAIN_RAW);
            g.draw(line(frame, trainLoss));
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.setColor(TRAIN);
            g.draw(line(frame, movingAverage(trainLoss, Math.max(1, trainLoss.length / 50))));
            g.setColor(HELD_OUT);
            Path2D.Double curve = new Path2D.Double();
            for (int i = 0; i < heldOut.size(); i++) {
                double x = frame.x(heldOut.get(i).step());
                double y = frame.y(heldOut.get(i).loss());
                if (i == 0) {
                    curve.moveTo(x, y);
                } else {
                    curve.lineTo(x, y);
                }
                g.fill(new Ellipse2D.Double(x - 4, y - 4, 8, 8));
            }
            g.setStroke(new BasicStroke(1.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {5, 4}, 0));
            g.draw(curve);

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 26);
            drawLegend(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Maps steps and losses to pixels. */
    private record Frame(int steps, double yMin, double yMax) {
        double x(double step) {
            return LEFT + step / steps * (WIDTH - LEFT - RIGHT);
        }

        double y(double loss) {
            return HEIGHT - BOTTOM - (loss - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static void drawAxes(Graphics2D g, Frame frame, double yStep) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        for (double v = frame.yMin(); v <= frame.yMax() + yStep / 2; v += yStep) {
            int y = (int) Math.round(frame.y(v));
            g.setColor(GRID);
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, yStep < 1 ? "%.1f" : "%.0f", v);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), y + metrics.getAscent() / 2 - 1);
        }
        double xStep = Math.max(1, niceStep(frame.steps() / 8.0));
        for (double s = 0; s <= frame.steps() + xStep / 2 && s <= frame.steps(); s += xStep) {
            int x = (int) Math.round(frame.x(s));
            g.setColor(GRID);
            g.drawLine(x, TOP, x, HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,d", (long) s);
            g.drawString(label, x - metrics.stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        g.setColor(Color.BLACK);
        String xLabel = "step";
        g.drawString(xLabel, LEFT + (WIDTH - LEFT - RIGHT - metrics.stringWidth(xLabel)) / 2, HEIGHT - 14);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        String yLabel = "cross-entropy (nats per token)";
        rotated.drawString(yLabel, -(TOP + (HEIGHT - TOP - BOTTOM + metrics.stringWidth(yLabel)) / 2), 20);
        rotated.dispose();
    }

    private static void drawLegend(Graphics2D g) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = LEFT;
        int y = 50;
        g.setColor(TRAIN_RAW);
        g.fillRect(x, y - 6, 18, 3);
        g.setColor(Color.BLACK);
        g.drawString("train (step)", x + 24, y);
        x += 100;
        g.setColor(TRAIN);
        g.fillRect(x, y - 7, 18, 4);
        g.setColor(Color.BLACK);
        g.drawString("train (mean)", x + 24, y);
        x += 110;
        g.setColor(HELD_OUT);
        g.fill(new Ellipse2D.Double(x + 5, y - 9, 8, 8));
        g.setColor(Color.BLACK);
        g.drawString("held-out", x + 24, y);
    }

    private static Path2D line(Frame frame, float[] values) {
        Path2D.Double path = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                continue;
            }
            double x = frame.x(i + 1);
            double y = frame.y(values[i]);
            if (started) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                started = true;
            }
        }
        return path;
    }

    /** The mean of each value and the {@code window - 1} before it. */
    static float[] movingAverage(float[] values, int window) {
        float[] out = new float[values.length];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i];
            if (i >= window) {
                sum -= values[i - window];
            }
            out[i] = (float) (sum / Math.min(i + 1, window));
        }
        return out;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    private static double niceStep(double rough) {
        if (!(rough > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                return m * power;
            }
        }
        return 10 * power;
    }
}
