package org.tokenscope.figure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Font;

/**
 * The text as it reads, wrapped to the figure's width with its whitespace and newlines kept, each
 * token a box coloured by the chosen measure; a title with the model and its perplexity, and a legend
 * with the scale. Its items are the token boxes (kind "token"), with a tooltip each.
 */
public final class HeatmapFigure extends DrawnFigure {

    private final ScoredText scored;
    private final Coloring coloring;
    private final int lines;

    private HeatmapFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata,
                          ScoredText scored, Coloring coloring, int lines) {
        super(width, height, title, sheet, metadata);
        this.scored = scored;
        this.coloring = coloring;
        this.lines = lines;
    }

    /** The heatmap of one scored text. */
    public static HeatmapFigure of(ScoredText scored, FigureOptions options, ExportMetadata metadata) {
        Coloring coloring = Coloring.of(options, List.of(scored.tokens()));
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        String title = scored.model().name() + " · perplexity " + Glyphs.perplexity(scored.perplexity());
        double y = Header.draw(sheet, m, m, inner, title, subtitle(scored, coloring));
        y += 10;
        y += Legend.draw(sheet, m, y, inner, coloring, hasUnscored(scored.tokens()));
        y += 14;
        TextFlow flow = TextFlow.layout(TokenPieces.of(scored.text(), scored.tokens()), font(options), inner,
                options.boundaries());
        List<TokenScore> tokens = scored.tokens();
        flow.paint(sheet, m, y, i -> coloring.color(tokens.get(i)), i -> Tooltips.token(tokens.get(i)), "token",
                "token-");
        if (tokens.isEmpty()) {
            y = Header.section(sheet, m, y, inner, "(no tokens)");
        }
        y += flow.height() + m;
        return new HeatmapFigure(options.width(), y, title, sheet, metadata(metadata, "heatmap", options, coloring),
                scored, coloring, flow.lines());
    }

    /**
     * The text of {@code scored} (model A's tokens) coloured by a detection measure ({@code options.measure()},
     * see {@link Measure#isDetection}) instead of A's own scores.
     *
     * @param values   the measure at each of A's tokens: [tokens], NaN where the token is not scored
     * @param title    what the detection is (the models and their roles, the score)
     * @param note     how to read the colours (what the values sum to)
     */
    public static HeatmapFigure detection(ScoredText scored, double[] values, String title, String note,
                                          FigureOptions options, ExportMetadata metadata) {
        if (!options.measure().isDetection()) {
            throw new IllegalArgumentException(options.measure() + " is not a detection measure.");
        }
        List<TokenScore> tokens = scored.tokens();
        if (values.length != tokens.size()) {
            throw new IllegalArgumentException("A detection heatmap needs one value per token (" + tokens.size()
                    + "), not " + values.length + ".");
        }
        Coloring coloring = Coloring.ofValues(options, values);
        double m = Theme.MARGIN;
        double inner = options.width() - 2 * m;
        Sheet sheet = new Sheet();
        int n = tokens.size();
        String subtitle = n + (n == 1 ? " token" : " tokens") + " · colour: " + options.measure().label() + " · " + note;
        double y = Header.draw(sheet, m, m, inner, title, subtitle);
        y += 10;
        boolean unscored = false;
        for (double v : values) unscored |= Double.isNaN(v);
        y += Legend.draw(sheet, m, y, inner, coloring, unscored);
        y += 14;
        TextFlow flow = TextFlow.layout(TokenPieces.of(scored.text(), tokens), font(options), inner, options.boundaries());
        String label = options.measure().axisLabel();
        flow.paint(sheet, m, y, i -> coloring.color(values[i]), i -> Tooltips.token(tokens.get(i))
                + (Double.isNaN(values[i]) ? "" : "\n" + label + ": " + Glyphs.number(values[i], 4)), "token", "token-");
        if (tokens.isEmpty()) {
            y = Header.section(sheet, m, y, inner, "(no tokens)");
        }
        y += flow.height() + m;
        return new HeatmapFigure(options.width(), y, title, sheet, metadata(metadata, "heatmap", options, coloring),
                scored, coloring, flow.lines());
    }

    public ScoredText scored() {
        return scored;
    }

    /** The measure, palette and scale the boxes are coloured by. */
    public Coloring coloring() {
        return coloring;
    }

    /** How many lines the text took. */
    public int lines() {
        return lines;
    }

    static Font font(FigureOptions options) {
        return new Font(options.fontSize(), false, options.monospace());
    }

    static boolean hasUnscored(List<TokenScore> tokens) {
        return tokens.stream().anyMatch(t -> !t.isScored());
    }

    static String subtitle(ScoredText scored, Coloring coloring) {
        int n = scored.tokens().size();
        return n + (n == 1 ? " token" : " tokens") + " · colour: " + coloring.measure().label()
                + (coloring.measure().isDiscrete() ? " (GLTR buckets)" : "") + " · "
                + scored.model().layers() + " layers, context " + scored.model().context();
    }

    /** The export's metadata plus what this figure was drawn with. */
    static Map<String, String> metadata(ExportMetadata metadata, String figure, FigureOptions options, Coloring coloring) {
        Map<String, String> m = new LinkedHashMap<>(metadata.toMap());
        m.put("figure", figure);
        if (coloring != null) {
            m.put("measure", coloring.measure().toString());
            m.put("palette", coloring.palette().toString());
            m.put("scale", options.range() + " [" + Glyphs.plain(coloring.scale().min()) + ", "
                    + Glyphs.plain(coloring.scale().max()) + "]");
        }
        m.put("width", Glyphs.plain(options.width()));
        return m;
    }
}
