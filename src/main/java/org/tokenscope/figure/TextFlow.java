package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;
import org.tokenscope.figure.Painter.Rgb;
import org.tokenscope.figure.TokenPieces.Kind;
import org.tokenscope.figure.TokenPieces.Piece;

/**
 * The text as it reads, each token a coloured box: wrapped at word boundaries to a width, with its
 * spaces, tabs and newlines kept. A word longer than a line breaks between its tokens, and a token
 * longer than a line between its characters.
 */
final class TextFlow {

    /** One line's part of a token's box, relative to the flow's origin. */
    record Box(int token, double x, double y, double width, double height) {
    }

    /** Something drawn inside a box: text, or (when {@code mark}) a whitespace glyph or part mark drawn faintly. */
    record Run(int token, String text, double x, double baseline, boolean mark) {
    }

    private final List<Box> boxes = new ArrayList<>();
    private final List<Run> runs = new ArrayList<>();
    private final Font font;
    private final double lineHeight;
    private final double lineStep;
    private final double ascentOffset;
    private double height;

    private final double width;
    private final double pad;
    private final boolean visible;
    private double x;
    private int line;
    /** Whether the current line began by wrapping (not after a newline of the text). */
    private boolean wrapped;

    private TextFlow(Font font, double width, boolean boundaries) {
        this.font = font;
        this.width = Math.max(1, width);
        this.visible = boundaries;
        this.pad = boundaries ? 2.5 : 0;
        double vpad = boundaries ? 3 : 2;
        this.lineHeight = TextMeasure.lineHeight(font) + 2 * vpad;
        this.lineStep = lineHeight + (boundaries ? 4 : 3);
        this.ascentOffset = vpad + TextMeasure.ascent(font);
    }

    /** Lays out the tokens' pieces in {@code width}. With {@code boundaries}, whitespace shows and tokens are padded apart. */
    static TextFlow layout(List<List<Piece>> tokens, Font font, double width, boolean boundaries) {
        TextFlow flow = new TextFlow(font, width, boundaries);
        flow.run(tokens);
        return flow;
    }

    List<Box> boxes() {
        return List.copyOf(boxes);
    }

    List<Run> runs() {
        return List.copyOf(runs);
    }

    double height() {
        return height;
    }

    /** The number of lines that hold a box. */
    int lines() {
        return (int) Math.round((height - lineHeight) / lineStep) + (boxes.isEmpty() ? 0 : 1);
    }

    /**
     * Draws the flow at ({@code ox}, {@code oy}): each token as an item (its boxes, then its text in
     * black or white, whichever reads on its colour).
     */
    void paint(Sheet p, double ox, double oy, IntFunction<Rgb> color, IntFunction<String> tooltip, String kind,
               String idPrefix) {
        int r = 0;
        int b = 0;
        while (b < boxes.size()) {
            int token = boxes.get(b).token();
            Rgb fill = color.apply(token);
            Rgb ink = fill.contrasting();
            String tip = tooltip.apply(token);
            p.beginItem(idPrefix + token, tip);
            int first = b;
            double inset = visible ? 0.75 : 0;
            for (; b < boxes.size() && boxes.get(b).token() == token; b++) {
                Box box = boxes.get(b);
                if (box.width() - 2 * inset > 0) { // a space hung at a line's end may have no room left
                    p.fillRect(ox + box.x() + inset, oy + box.y(), box.width() - 2 * inset, box.height(), fill);
                }
                p.item(kind, token, ox + box.x(), oy + box.y(), box.width(), box.height(), tip);
            }
            while (r < runs.size() && runs.get(r).token() < token) r++;
            for (; r < runs.size() && runs.get(r).token() == token; r++) {
                Run run = runs.get(r);
                p.text(run.text(), ox + run.x(), oy + run.baseline(), font, run.mark() ? ink.withAlpha(0.55) : ink,
                        Anchor.START);
            }
            p.endItem();
            if (b == first) b++;
        }
    }

    // ---- layout ---------------------------------------------------------------------------------

    /** An unbreakable piece of layout: part of one token. */
    private record Atom(int token, Piece piece, String shown, double width, boolean padBefore, boolean padAfter) {
        double total(double pad) {
            return width + (padBefore ? pad : 0) + (padAfter ? pad : 0);
        }
    }

    private void run(List<List<Piece>> tokens) {
        List<List<Atom>> units = units(tokens);
        for (List<Atom> unit : units) {
            double w = 0;
            for (Atom a : unit) w += a.total(pad);
            Atom first = unit.get(0);
            if (first.piece() != null && first.piece().kind() == Kind.NEWLINE) {
                if (x + w > width && x > 0) newLine();
                place(first);
                newLine();
                wrapped = false;
                continue;
            }
            if (isSpace(first) && unit.size() == 1 && (x + w > width || x == 0 && wrapped)) {
                hang(first); // a line never starts with a space box: the space stays at the end of the last
                continue;
            }
            if (x + w > width && x > 0) newLine();
            for (Atom a : unit) {
                if (x + a.total(pad) > width && x > 0) newLine();
                if (a.total(pad) > width) {
                    placeLong(a);
                } else {
                    place(a);
                }
            }
        }
        for (Box b : boxes) height = Math.max(height, b.y() + b.height());
    }

    /**
     * Cuts the tokens into units that wrap as one: a run of visible characters (a word, across tokens),
     * or one whitespace character. An empty token is a unit of its own, a sliver that can be pointed at.
     */
    private List<List<Atom>> units(List<List<Piece>> tokens) {
        List<List<Atom>> units = new ArrayList<>();
        List<Atom> word = new ArrayList<>();
        for (int t = 0; t < tokens.size(); t++) {
            List<Piece> pieces = tokens.get(t);
            if (pieces.isEmpty()) {
                flush(word, units);
                units.add(List.of(new Atom(t, null, "", 3, visible, visible)));
                continue;
            }
            for (int i = 0; i < pieces.size(); i++) {
                Piece piece = pieces.get(i);
                String shown = piece.shown(visible);
                double w = switch (piece.kind()) {
                    case NEWLINE -> visible ? TextMeasure.width(shown, font) : TextMeasure.width(" ", font) * 0.6;
                    case TAB -> visible ? TextMeasure.width(shown, font) : TextMeasure.width(" ", font) * 4;
                    default -> TextMeasure.width(shown, font);
                };
                Atom atom = new Atom(t, piece, piece.kind() == Kind.TAB && !visible ? "" : shown, w,
                        i == 0, i == pieces.size() - 1);
                if (piece.isWhitespace()) {
                    flush(word, units);
                    units.add(List.of(atom));
                } else {
                    word.add(atom);
                }
            }
        }
        flush(word, units);
        return units;
    }

    private static void flush(List<Atom> word, List<List<Atom>> units) {
        if (!word.isEmpty()) {
            units.add(List.copyOf(word));
            word.clear();
        }
    }

    private void place(Atom a) {
        double start = x;
        if (a.padBefore()) x += pad;
        Piece piece = a.piece();
        if (piece != null && !a.shown().isEmpty()) {
            boolean mark = piece.isWhitespace();
            if (piece.kind() == Kind.SPLIT) {
                // the character in full ink, its part mark faint
                runs.add(new Run(a.token(), piece.text(), x, line * lineStep + ascentOffset, false));
                double cw = TextMeasure.width(piece.text(), font);
                runs.add(new Run(a.token(), a.shown().substring(piece.text().length()), x + cw,
                        line * lineStep + ascentOffset, true));
            } else if (!(piece.kind() == Kind.SPACE && !visible)) {
                runs.add(new Run(a.token(), a.shown(), x, line * lineStep + ascentOffset, mark));
            }
        }
        x += a.width();
        if (a.padAfter()) x += pad;
        addBox(a.token(), start, x - start);
    }

    private static boolean isSpace(Atom a) {
        return a.piece() != null && a.piece().kind() == Kind.SPACE;
    }

    /**
     * A space where the line ends (or at the start of a line the wrap began): its box only as wide as the
     * room left on the line, none at the start, so the next line starts with the word, flush left.
     */
    private void hang(Atom a) {
        double room = x == 0 && wrapped ? 0 : Math.max(0, width - x);
        double full = a.total(pad);
        if (room >= full) {
            place(a);
            return;
        }
        if (room > 0) {
            addBox(a.token(), x, room);
            x += room;
        } else {
            addBox(a.token(), x, 0);
        }
    }

    /** A token wider than a line: its text cut between characters over as many lines as it needs. */
    private void placeLong(Atom a) {
        String rest = a.shown();
        boolean firstChunk = true;
        while (!rest.isEmpty()) {
            double room = width - x - (firstChunk && a.padBefore() ? pad : 0) - pad;
            int cut = TextMeasure.fit(rest, font, Math.max(1, room));
            if (x > 0 && TextMeasure.width(rest.substring(0, cut), font) > room) {
                newLine();
                continue;
            }
            String chunk = rest.substring(0, cut);
            rest = rest.substring(cut);
            Piece piece = new Piece(Kind.TEXT, chunk, 0, 0);
            place(new Atom(a.token(), piece, chunk, TextMeasure.width(chunk, font), firstChunk && a.padBefore(),
                    rest.isEmpty() && a.padAfter()));
            firstChunk = false;
            if (!rest.isEmpty()) newLine();
        }
    }

    private void addBox(int token, double bx, double bw) {
        double by = line * lineStep;
        if (!boxes.isEmpty()) {
            Box last = boxes.get(boxes.size() - 1);
            if (last.token() == token && last.y() == by && Math.abs(last.x() + last.width() - bx) < 1e-9) {
                boxes.set(boxes.size() - 1, new Box(token, last.x(), by, last.width() + bw, lineHeight));
                return;
            }
        }
        boxes.add(new Box(token, bx, by, bw, lineHeight));
    }

    private void newLine() {
        line++;
        x = 0;
        wrapped = true;
    }
}
