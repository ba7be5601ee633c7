package org.tokenscope.figure;

import org.tokenscope.figure.Painter.Font;
import org.tokenscope.figure.Painter.Rgb;

/** The colours and type every figure shares. */
public final class Theme {

    /** Text. */
    public static final Rgb INK = Rgb.of(0x1f1f1f);
    /** Secondary text: subtitles, tick labels. */
    public static final Rgb MUTED = Rgb.of(0x5f5f5f);
    /** Axis lines and ticks. */
    public static final Rgb AXIS = Rgb.of(0x8a8a8a);
    /** Grid lines. */
    public static final Rgb GRID = Rgb.of(0xe6e6e6);
    /** The line joining the two models' values of one token. */
    public static final Rgb PAIR = Rgb.of(0xb8b8b8);
    /** A token the model did not score (nothing before it). */
    public static final Rgb UNSCORED = Rgb.of(0xd4d4d4);
    /** Model A and model B in plots: Okabe and Ito's blue and vermillion, told apart by every eye. */
    public static final Rgb SERIES_A = Rgb.of(0x0072b2);
    public static final Rgb SERIES_B = Rgb.of(0xd55e00);
    /** Light tints of the two series colours: what belongs to A (B) where two paths are told apart. */
    public static final Rgb CHIP_A = Rgb.of(0xd3e6f4);
    public static final Rgb CHIP_B = Rgb.of(0xf8dcc6);
    /** A token chip: one neutral fill for every token, its edge showing where one ends and the next begins. */
    public static final Rgb CHIP = Rgb.of(0xf3f3f3);
    public static final Rgb CHIP_EDGE = Rgb.of(0xa8a8a8);

    public static final Font TITLE = new Font(15, true);
    public static final Font SUBTITLE = new Font(11.5, false);
    public static final Font LABEL = new Font(12, false);
    public static final Font TICK = new Font(10.5, false);

    /** The margin around every figure. */
    public static final double MARGIN = 16;

    private Theme() {
    }

    /** The colour of series {@code i} (0 = model A). */
    public static Rgb series(int i) {
        return i == 0 ? SERIES_A : SERIES_B;
    }
}
