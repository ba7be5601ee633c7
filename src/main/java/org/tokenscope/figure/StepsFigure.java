package org.tokenscope.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;

/**
 * Generation steps as a table: step, token, id, log-probability, probability (with a bar), rank and
 * entropy, under the prompt and its continuation, with the joint log-probability at the foot. For beam
 * search, the best sequence. Items are the rows (kind "step").
 */
public final class StepsFigure extends DrawnFigure {

    private static final double ROW = 21;
    private static final double CELL_PAD = 14;
    private static final String[] HEADERS = {"step", "token", "id", "log-prob", "prob", "", "rank", "entropy"};
    private static final int BAR_COLUMN = 5;
    private static final double BAR_WIDTH = 64;

    private StepsFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata) {
        super(width, height, title, sheet, metadata);
    }

    /**
     * @param prompt the prompt as the user gave it
     * @param model  the model's name
     */
    public static StepsFigure of(String prompt, String model, GenerationResult result, FigureOptions options,
                                 ExportMetadata metadata) {
        double w = options.width();
        double m = Theme.MARGIN;
        double inner = w - 2 * m;
        Sheet sheet = new Sheet();
        Sequence best = result.sequences().isEmpty() ? null : result.best();
        List<Step> steps = best == null ? List.of() : best.steps();
        String strategy = switch (result.strategy()) {
            case Greedy g -> "greedy";
            case Sampling sampling -> "sampling";
            case BeamSearch beam -> "beam search";
        };
        String title = "Generation steps · " + model + " · " + strategy;
        String subtitle = Glyphs.visible(prompt) + " ⟶ " + (best == null ? "" : Glyphs.visible(best.text()));
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 12;

        Font font = Theme.LABEL;
        Font head = font.withBold(true);
        List<String[]> cells = new ArrayList<>();
        for (Step s : steps) {
            cells.add(new String[] {Integer.toString(s.index() + 1), Glyphs.visible(s.text()), Integer.toString(s.id()),
                    Glyphs.number(s.logprob(), 3), Glyphs.probability(s.prob()), "", Integer.toString(s.rank()),
                    Glyphs.number(s.entropy(), 2)});
        }
        double[] widths = new double[HEADERS.length];
        for (int c = 0; c < HEADERS.length; c++) {
            widths[c] = TextMeasure.width(HEADERS[c], head);
            for (String[] row : cells) widths[c] = Math.max(widths[c], TextMeasure.width(row[c], font));
        }
        widths[BAR_COLUMN] = BAR_WIDTH; // the probability as a bar
        // what does not fit gives way: the token column shrinks to 40, then columns drop, least needed first
        boolean[] shown = new boolean[HEADERS.length];
        java.util.Arrays.fill(shown, true);
        if (total(widths, shown) > inner) widths[1] = Math.max(40, widths[1] - (total(widths, shown) - inner));
        for (int drop : new int[] {7, BAR_COLUMN, 2, 6, 0}) {
            if (total(widths, shown) <= inner) break;
            shown[drop] = false;
        }
        double total = total(widths, shown);
        double[] xs = new double[HEADERS.length];
        double cx = m;
        for (int c = 0; c < HEADERS.length; c++) {
            xs[c] = cx;
            if (shown[c]) cx += widths[c] + CELL_PAD;
        }
        double tableW = Math.min(inner, total - CELL_PAD);
        sheet.line(m, y, m + tableW, y, Theme.INK, 1.2); // booktabs: top rule
        y += 4;
        double base = y + ROW / 2 + TextMeasure.ascent(font) * 0.38;
        for (int c = 0; c < HEADERS.length; c++) {
            if (!shown[c]) continue;
            boolean left = c == 1;
            sheet.text(HEADERS[c], left ? xs[c] : xs[c] + widths[c], base, head, Theme.INK, left ? Anchor.START : Anchor.END);
        }
        y += ROW + 2;
        sheet.line(m, y, m + tableW, y, Theme.INK, 0.7); // mid rule
        y += 3;
        for (int r = 0; r < cells.size(); r++) {
            Step s = steps.get(r);
            String[] row = cells.get(r);
            String tip = "step " + (r + 1) + ": " + Tooltips.quoted(s.text()) + " · id " + s.id() + "\np "
                    + Glyphs.probability(s.prob()) + " · log p " + Glyphs.number(s.logprob(), 3) + " · rank " + s.rank()
                    + " · entropy " + Glyphs.number(s.entropy(), 2) + " nats" + alternatives(s);
            sheet.beginItem("step-" + r, tip);
            if (r % 2 == 1) sheet.fillRect(m, y, tableW, ROW, Theme.GRID.withAlpha(0.55));
            double barW = BAR_WIDTH * Math.max(0, Math.min(1, s.prob()));
            if (shown[BAR_COLUMN]) {
                sheet.fillRect(xs[BAR_COLUMN] - CELL_PAD / 2, y + 5, BAR_WIDTH, ROW - 10, Theme.GRID);
                sheet.fillRect(xs[BAR_COLUMN] - CELL_PAD / 2, y + 5, barW, ROW - 10, Theme.SERIES_A);
            }
            double b = y + ROW / 2 + TextMeasure.ascent(font) * 0.38;
            for (int c = 0; c < HEADERS.length; c++) {
                if (!shown[c]) continue;
                boolean left = c == 1;
                String text = left ? TextMeasure.ellipsize(row[c], font, widths[c]) : row[c];
                sheet.text(text, left ? xs[c] : xs[c] + widths[c], b, font, Theme.INK, left ? Anchor.START : Anchor.END);
            }
            sheet.endItem();
            sheet.item("step", r, m, y, tableW, ROW, tip);
            y += ROW;
        }
        y += 3;
        sheet.line(m, y, m + tableW, y, Theme.INK, 1.2); // bottom rule
        y += 8;
        String foot = best == null ? "nothing was generated"
                : "joint log-probability " + Glyphs.number(jointLogprob(best), 3) + " (p = "
                + Glyphs.probability(Math.exp(jointLogprob(best))) + ") · " + steps.size()
                + (steps.size() == 1 ? " token" : " tokens") + " · stopped: "
                + best.stopReason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (result.sequences().size() > 1 ? " · best of " + result.sequences().size() + " beams" : "");
        sheet.text(TextMeasure.ellipsize(foot, Theme.SUBTITLE, inner), m, y + TextMeasure.ascent(Theme.SUBTITLE),
                Theme.SUBTITLE, Theme.MUTED, Anchor.START);
        y += TextMeasure.lineHeight(Theme.SUBTITLE) + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "steps", options, null);
        md.putIfAbsent("strategy", strategy);
        return new StepsFigure(w, y, title, sheet, md);
    }

    private static double total(double[] widths, boolean[] shown) {
        double total = 0;
        for (int c = 0; c < widths.length; c++) if (shown[c]) total += widths[c] + CELL_PAD;
        return total;
    }

    /** The sum of the steps' raw log-probabilities. */
    static double jointLogprob(Sequence s) {
        double sum = 0;
        for (Step step : s.steps()) sum += step.logprob();
        return sum;
    }

    private static String alternatives(Step s) {
        if (s.top().isEmpty()) return "";
        StringBuilder sb = new StringBuilder("\ntop: ");
        for (int i = 0; i < Math.min(5, s.top().size()); i++) {
            if (i > 0) sb.append(", ");
            sb.append(Tooltips.quoted(s.top().get(i).text())).append(' ')
                    .append(Glyphs.percent(Math.exp(s.top().get(i).logprob())));
        }
        return sb.toString();
    }
}
