package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;
import org.tokenscope.figure.Painter.Rgb;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.BeamTree;
import org.tokenscope.generate.GenerationResult;

/**
 * Tokens as a tree, read left to right: the prompt (or the text before a fork) as the root, one
 * column per generated token, each node a box with its token and scores, edges from each token to
 * the ones that extend it. Two uses:
 * <ul>
 *   <li>{@link #beams}: every candidate of a beam search, the returned beams highlighted, finished
 *       hypotheses marked ■, candidates that were pruned faded;</li>
 *   <li>{@link #branches}: what-if branches, two chosen paths highlighted (A blue, B orange), each path
 *       listed under the tree with its joint log-probability and perplexity.</li>
 * </ul>
 * Items: nodes (kind "node", index = node index) and, for branches, the listed paths (kind "path",
 * index = the path's last node).
 */
public final class TreeFigure extends DrawnFigure {

    private static final double BOX_W = 112;
    private static final double BOX_H = 34;
    private static final double ROW = 40;
    private static final double GAP = 26;
    private static final Font TOKEN = Theme.LABEL;
    private static final Font VALUE = Theme.TICK;

    /** How a node is drawn. */
    private enum Look { FIRST, SECOND, PLAIN, FADED }

    /** A node as laid out: parent −1 is the root. */
    private record Box(int parent, int depth, String token, String value, String tooltip, Look look, boolean finished) {
    }

    private TreeFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    /** A beam search's tree ({@code result.beamTree()} must not be null). */
    public static TreeFigure beams(String prompt, String model, GenerationResult result, FigureOptions options,
                                   ExportMetadata metadata) {
        BeamTree tree = result.beamTree();
        if (tree == null) throw new IllegalArgumentException("Only beam search makes a tree of candidates.");
        java.util.BitSet kept = tree.keptSet();
        List<Box> boxes = new ArrayList<>();
        for (BeamTree.Node n : tree.nodes()) {
            boolean finished = n.fate() == BeamTree.Fate.FINISHED;
            Look look = kept.get(n.index()) ? Look.FIRST : n.fate() == BeamTree.Fate.DROPPED ? Look.FADED : Look.PLAIN;
            String fate = switch (n.fate()) {
                case CONTINUED -> "kept as a running beam";
                case FINISHED -> "finished (score = Σ / " + (n.step() + 1) + "^" + Glyphs.plain(tree.lengthPenalty()) + ")";
                case DROPPED -> "pruned";
            };
            String tip = "step " + (n.step() + 1) + ": " + Tooltips.quoted(n.text()) + " · id " + n.token()
                    + "\nlog p " + Glyphs.number(n.logprob(), 3) + " · score " + Glyphs.number(tree.rankedScore(n), 3)
                    + "\n" + fate + (kept.get(n.index()) ? " · on a returned beam" : "");
            boxes.add(new Box(n.parent(), n.step(), n.text(),
                    Glyphs.number(n.logprob(), 2) + "  Σ " + Glyphs.number(tree.rankedScore(n), 2), tip, look, finished));
        }
        int beams = result.strategy() instanceof BeamSearch b ? b.beams() : result.sequences().size();
        String title = "Beam search · " + model + " · " + beams + " beams";
        String subtitle = result.sequences().size() + " returned (highlighted) · ■ finished · faded: pruned · "
                + "each box: log p of the token, then the beam's score";
        return draw(title, subtitle, prompt, boxes, List.of(), options, metadata, "beam-tree");
    }

    /**
     * What-if branches.
     *
     * @param first  the path (its last node) highlighted in blue, or −1
     * @param second the path highlighted in orange, or −1
     */
    public static TreeFigure branches(BranchTree tree, String model, int first, int second, FigureOptions options,
                                      ExportMetadata metadata) {
        java.util.BitSet onFirst = onPath(tree, first);
        java.util.BitSet onSecond = onPath(tree, second);
        List<Box> boxes = new ArrayList<>();
        for (BranchTree.Node n : tree.nodes()) {
            Look look = onFirst.get(n.index()) ? Look.FIRST : onSecond.get(n.index()) ? Look.SECOND
                    : n.original() ? Look.PLAIN : Look.PLAIN;
            String tip = "token " + (tree.position() + n.depth()) + ": " + Tooltips.quoted(n.text()) + " · id " + n.id()
                    + "\nlog p " + Glyphs.number(n.logprob(), 3) + " · p " + Glyphs.probability(Math.exp(n.logprob()))
                    + (n.original() ? "\nthe text's own token" : "\na branch");
            boxes.add(new Box(n.parent(), n.depth(), n.text(), Glyphs.number(n.logprob(), 3)
                    + (n.original() ? "  text" : ""), tip, look, false));
        }
        List<PathLine> paths = new ArrayList<>();
        for (int leaf : tree.leaves()) {
            int tokens = tree.path(leaf).size();
            String line = String.format(Locale.ROOT, "%s%s joint log p %s · perplexity %s · %d token%s · %s",
                    leaf == first ? "A " : leaf == second ? "B " : "", tree.isOriginal(leaf) ? "the text:" : "branch:",
                    Glyphs.number(tree.jointLogprob(leaf), 3), Glyphs.perplexity(tree.perplexity(leaf)), tokens,
                    tokens == 1 ? "" : "s", Glyphs.visible(tree.textTo(leaf)));
            paths.add(new PathLine(leaf, line, leaf == first ? Look.FIRST : leaf == second ? Look.SECOND : Look.PLAIN));
        }
        String title = "What if · " + model + " · from token " + tree.position();
        String subtitle = "each box: a token and its log p given the path to it · A blue, B orange · "
                + "click a path below to choose it";
        return draw(title, subtitle, tree.prefix(), boxes, paths, options, metadata, "branches");
    }

    /**
     * Two paths of a branch tree side by side, token by token from the fork: each token with its log p,
     * where the paths differ in bold, and each path's joint log-probability and perplexity at the head.
     * Items: rows (kind "row", index = depth).
     */
    public static TreeFigure paths(BranchTree tree, int first, int second, FigureOptions options, ExportMetadata metadata) {
        double m = Theme.MARGIN;
        double w = options.width();
        Sheet sheet = new Sheet();
        List<BranchTree.Node> a = first >= 0 && first < tree.nodes().size() ? tree.path(first) : List.of();
        List<BranchTree.Node> b = second >= 0 && second < tree.nodes().size() ? tree.path(second) : List.of();
        String title = "Paths A and B from token " + tree.position();
        String subtitle = a.isEmpty() || b.isEmpty() ? "choose two paths in the tree to compare them"
                : "A: joint log p " + Glyphs.number(tree.jointLogprob(first), 3) + " · perplexity "
                + Glyphs.perplexity(tree.perplexity(first)) + "   B: joint log p " + Glyphs.number(tree.jointLogprob(second), 3)
                + " · perplexity " + Glyphs.perplexity(tree.perplexity(second));
        double y = Header.draw(sheet, m, m, w - 2 * m, title, subtitle) + 10;
        double col = (w - 2 * m - 40) / 2;
        double row = 21;
        Font head = Theme.LABEL.withBold(true);
        double base = y + TextMeasure.ascent(head);
        sheet.text("token", m, base, head, Theme.INK, Anchor.START);
        sheet.text("A", m + 40, base, head, Theme.SERIES_A, Anchor.START);
        sheet.text("B", m + 40 + col, base, head, Theme.SERIES_B, Anchor.START);
        y += row;
        sheet.line(m, y, w - m, y, Theme.INK, 0.7);
        y += 3;
        int n = Math.max(a.size(), b.size());
        for (int d = 0; d < n; d++) {
            BranchTree.Node x = d < a.size() ? a.get(d) : null;
            BranchTree.Node z = d < b.size() ? b.get(d) : null;
            boolean same = x != null && z != null && x.index() == z.index();
            String tip = "token " + (tree.position() + d) + (same ? ": the same in both" : ": the paths differ");
            sheet.beginItem("row-" + d, tip);
            if (d % 2 == 1) sheet.fillRect(m, y, w - 2 * m, row, Theme.GRID.withAlpha(0.55));
            double by = y + row / 2 + TextMeasure.ascent(Theme.LABEL) * 0.38;
            sheet.text(Integer.toString(tree.position() + d), m, by, Theme.TICK, Theme.MUTED, Anchor.START);
            cell(sheet, x, m + 40, by, col, same);
            cell(sheet, z, m + 40 + col, by, col, same);
            sheet.endItem();
            sheet.item("row", d, m, y, w - 2 * m, row, tip);
            y += row;
        }
        y += m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "paths", options, null);
        return new TreeFigure(w, y, title, sheet, md);
    }

    private static void cell(Sheet sheet, BranchTree.Node n, double x, double y, double width, boolean same) {
        if (n == null) return;
        Font font = same ? Theme.LABEL : Theme.LABEL.withBold(true);
        String value = Glyphs.number(n.logprob(), 3);
        double vw = TextMeasure.width(value, Theme.LABEL) + 10;
        sheet.text(TextMeasure.ellipsize(Glyphs.visible(n.text()), font, width - vw - 8), x, y, font, Theme.INK, Anchor.START);
        sheet.text(value, x + width - 8, y, Theme.LABEL, Theme.MUTED, Anchor.END);
    }

    private record PathLine(int leaf, String text, Look look) {
    }

    private static java.util.BitSet onPath(BranchTree tree, int leaf) {
        java.util.BitSet set = new java.util.BitSet();
        if (leaf >= 0 && leaf < tree.nodes().size()) {
            for (BranchTree.Node n : tree.path(leaf)) set.set(n.index());
        }
        return set;
    }

    private static TreeFigure draw(String title, String subtitle, String rootText, List<Box> boxes, List<PathLine> paths,
                                   FigureOptions options, ExportMetadata metadata, String figure) {
        double m = Theme.MARGIN;
        int n = boxes.size();
        // rows: leaves take the next row in depth-first order (children in the order given), a parent sits
        // between its first and last child
        List<List<Integer>> children = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < n; i++) children.add(new ArrayList<>());
        int depth = 0;
        for (int i = 0; i < n; i++) {
            Box b = boxes.get(i);
            if (b.parent() < 0) roots.add(i);
            else children.get(b.parent()).add(i);
            depth = Math.max(depth, b.depth() + 1);
        }
        double[] row = new double[n];
        double[] next = {0};
        for (int r : roots) place(r, children, row, next);
        double rows = Math.max(1, next[0]);
        double treeWidth = BOX_W + depth * (BOX_W + GAP);
        double width = Math.max(options.width(), 2 * m + treeWidth);
        Sheet sheet = new Sheet();
        double y = Header.draw(sheet, m, m, width - 2 * m, title, subtitle) + 14;
        double top = y;
        double rootRow = roots.isEmpty() ? 0 : (row[roots.get(0)] + row[roots.get(roots.size() - 1)]) / 2;
        double rootY = top + rootRow * ROW;
        // edges first, boxes over them
        for (int i = 0; i < n; i++) {
            Box b = boxes.get(i);
            double x1 = b.parent() < 0 ? m + BOX_W : x(m, boxes.get(b.parent()).depth()) + BOX_W;
            double y1 = (b.parent() < 0 ? rootY : top + row[b.parent()] * ROW) + BOX_H / 2;
            double x2 = x(m, b.depth());
            double y2 = top + row[i] * ROW + BOX_H / 2;
            double mid = x1 + GAP / 2;
            Rgb color = switch (b.look()) {
                case FIRST -> Theme.SERIES_A;
                case SECOND -> Theme.SERIES_B;
                case PLAIN -> Theme.AXIS;
                case FADED -> Theme.GRID;
            };
            sheet.polyline(new double[] {x1, mid, mid, x2}, new double[] {y1, y1, y2, y2}, color,
                    b.look() == Look.FIRST || b.look() == Look.SECOND ? 2 : 1);
        }
        // the root: the prompt's end
        sheet.fillRect(m, rootY, BOX_W, BOX_H, Theme.GRID);
        String tail = Glyphs.visible(rootText);
        String shown = tail;
        while (shown.length() > 1 && TextMeasure.width("…" + shown, TOKEN) > BOX_W - 8) shown = shown.substring(1);
        sheet.text(shown.equals(tail) ? shown : "…" + shown, m + 4, rootY + BOX_H / 2 + TextMeasure.ascent(TOKEN) * 0.38,
                TOKEN, Theme.MUTED, Anchor.START);
        for (int i = 0; i < n; i++) {
            Box b = boxes.get(i);
            double bx = x(m, b.depth());
            double by = top + row[i] * ROW;
            sheet.beginItem("node-" + i, b.tooltip());
            Rgb fill = switch (b.look()) {
                case FIRST -> Theme.CHIP_A;
                case SECOND -> Theme.CHIP_B;
                case PLAIN -> Rgb.WHITE;
                case FADED -> Rgb.WHITE;
            };
            Rgb stroke = switch (b.look()) {
                case FIRST -> Theme.SERIES_A;
                case SECOND -> Theme.SERIES_B;
                case PLAIN -> Theme.AXIS;
                case FADED -> Theme.GRID;
            };
            Rgb ink = b.look() == Look.FADED ? Theme.AXIS : Theme.INK;
            sheet.fillRect(bx, by, BOX_W, BOX_H, fill);
            sheet.strokeRect(bx, by, BOX_W, BOX_H, stroke, b.look() == Look.FADED ? 0.8 : 1.2);
            String token = TextMeasure.ellipsize(Glyphs.visible(b.token()), TOKEN.withBold(b.look() == Look.FIRST),
                    BOX_W - (b.finished() ? 18 : 8));
            sheet.text(token, bx + 4, by + 3 + TextMeasure.ascent(TOKEN), TOKEN.withBold(b.look() == Look.FIRST), ink,
                    Anchor.START);
            sheet.text(TextMeasure.ellipsize(b.value(), VALUE, BOX_W - 8), bx + 4, by + BOX_H - 4, VALUE,
                    b.look() == Look.FADED ? Theme.AXIS : Theme.MUTED, Anchor.START);
            if (b.finished()) sheet.fillRect(bx + BOX_W - 11, by + 4, 7, 7, stroke); // ■ finished
            sheet.endItem();
            sheet.item("node", i, bx, by, BOX_W, BOX_H, b.tooltip());
        }
        y = top + (rows - 1) * ROW + BOX_H + 14;
        for (PathLine p : paths) {
            Font font = p.look() == Look.PLAIN ? Theme.LABEL : Theme.LABEL.withBold(true);
            Rgb ink = switch (p.look()) {
                case FIRST -> Theme.SERIES_A;
                case SECOND -> Theme.SERIES_B;
                default -> Theme.INK;
            };
            double h = TextMeasure.lineHeight(font) + 4;
            sheet.beginItem("path-" + p.leaf(), p.text());
            sheet.text(TextMeasure.ellipsize(p.text(), font, width - 2 * m), m, y + TextMeasure.ascent(font), font, ink,
                    Anchor.START);
            sheet.endItem();
            sheet.item("path", p.leaf(), m, y, width - 2 * m, h, p.text());
            y += h;
        }
        y += m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, figure, options, null);
        return new TreeFigure(width, y, title, sheet, md);
    }

    private static double x(double m, int depth) {
        return m + (depth + 1) * (BOX_W + GAP);
    }

    /** Depth-first: a leaf takes the next row, a parent the middle of its children's. */
    private static void place(int i, List<List<Integer>> children, double[] row, double[] next) {
        List<Integer> kids = children.get(i);
        if (kids.isEmpty()) {
            row[i] = next[0]++;
            return;
        }
        for (int k : kids) place(k, children, row, next);
        row[i] = (row[kids.get(0)] + row[kids.get(kids.size() - 1)]) / 2;
    }
}
