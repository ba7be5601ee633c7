package org.tokenscope.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.AttentionGridFigure;
import org.tokenscope.figure.AttentionMatrixFigure;
import org.tokenscope.figure.AttentionTextFigure;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.Glyphs;
import org.tokenscope.figure.HeatmapFigure;
import org.tokenscope.figure.LensHeatmapFigure;
import org.tokenscope.figure.LensRankFigure;
import org.tokenscope.figure.LensTableFigure;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.PairScoresFigure;
import org.tokenscope.figure.Scale;
import org.tokenscope.figure.ScatterFigure;
import org.tokenscope.figure.StepsFigure;
import org.tokenscope.figure.TokenPlotFigure;
import org.tokenscope.figure.TokensFigure;
import org.tokenscope.figure.TopKFigure;
import org.tokenscope.figure.TreeFigure;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Step;

/**
 * The one catalogue of figures: each with the table of what it shows, from the results of a use case.
 * The app's figure panes and {@code export} both ask it, so the screen and an export cannot differ.
 */
public final class Figures {

    /** A figure and its data table (what CSV, JSON and LaTeX exports write). */
    public record Drawn(Figure figure, DataExport.Table table) {
    }

    private Figures() {
    }

    /** Model A's tokens coloured by the measure. */
    /** Why a token: the text shaded by each earlier token's attribution. */
    public static Drawn attribution(org.tokenscope.analysis.Attribution a, FigureOptions o, ExportMetadata m) {
        return new Drawn(org.tokenscope.figure.AttributionFigure.of(a, o, m), DataExport.attribution(a));
    }

    /** What zeroing a head or an MLP does to every token's log-probability. */
    public static Drawn ablation(org.tokenscope.analysis.Ablation a, FigureOptions o, ExportMetadata m) {
        return new Drawn(org.tokenscope.figure.AblationFigure.of(a, o, m), DataExport.ablation(a));
    }

    public static Drawn heatmap(Analysis an, FigureOptions o, ExportMetadata m) {
        o = tokenOptions(o);
        return new Drawn(HeatmapFigure.of(an.a(), o, m), DataExport.tokenScores(an.a(), null));
    }

    /**
     * Model A's tokens coloured by a detection measure ({@code o.measure()}: cross-entropy A→B, the
     * Binoculars or the Fast-DetectGPT share), from the detection of the analysed text, with a table of
     * every scored token's terms.
     *
     * @param d         the detection of {@code an}'s text (A observer and scorer, B performer and reference, or A alone)
     * @param observer  A's name
     * @param performer B's name, or null without B
     * @throws IllegalArgumentException when the measure needs B and {@code d} has none
     */
    public static Drawn detectionHeatmap(Analysis an, TextDetection d, String observer, String performer,
                                         FigureOptions o, ExportMetadata m) {
        Measure measure = o.measure();
        if (measure.needsPair() && d.pair() == null) {
            throw new IllegalArgumentException("The " + measure.label() + " needs a second model B that shares A's "
                    + "tokenizer: add one to compare with.");
        }
        if (d.tokens() != an.a().tokens().size()) {
            throw new IllegalArgumentException("The detection is of another text (" + d.tokens() + " tokens, not "
                    + an.a().tokens().size() + ").");
        }
        double[] perPosition = switch (measure) {
            case CROSS_ENTROPY -> d.pair().crossEntropy();
            case BINOCULARS -> d.binocularsContributions();
            case FAST_DETECTGPT -> d.fastDetectGptContributions();
            default -> throw new IllegalArgumentException(measure + " is not a detection measure.");
        };
        String title = d.pair() == null
                ? observer + " as scorer and reference · Fast-DetectGPT " + Glyphs.number(d.fastDetectGpt(), 4)
                : observer + " observes and scores, " + performer + " performs and refers · Binoculars "
                        + Glyphs.number(d.binoculars(), 4) + ", Fast-DetectGPT " + Glyphs.number(d.fastDetectGpt(), 4);
        String note = switch (measure) {
            case CROSS_ENTROPY -> "Σ p(v)·(" + Glyphs.MINUS + "log q(v)) at each token, Binoculars' denominator";
            case BINOCULARS -> "(" + Glyphs.MINUS + "log q(x) " + Glyphs.MINUS + " cross-entropy) / Σ cross-entropy; "
                    + "they sum to Binoculars " + Glyphs.MINUS + " 1 = " + Glyphs.number(d.binoculars() - 1, 4);
            default -> "(log p(x) " + Glyphs.MINUS + " μ) / √Σσ²; they sum to Fast-DetectGPT = "
                    + Glyphs.number(d.fastDetectGpt(), 4);
        };
        return new Drawn(HeatmapFigure.detection(an.a(), d.byToken(perPosition), title, note, o, m),
                detectionTable(an.a(), d));
    }

    /** Every scored token's detection terms: its index, text, log-probabilities, the joint terms and both shares. */
    static DataExport.Table detectionTable(ScoredText a, TextDetection d) {
        boolean pair = d.pair() != null;
        List<String> columns = pair
                ? List.of("token", "text", "logprob_A", "logprob_B", "cross_entropy", "fdg_mean", "fdg_var",
                        "binoculars_share", "fast_detectgpt_share")
                : List.of("token", "text", "logprob_A", "fdg_mean", "fdg_var", "fast_detectgpt_share");
        double[] fdg = d.fastDetectGptContributions();
        double[] bino = pair ? d.binocularsContributions() : null;
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < d.positions().length; i++) {
            int t = d.positions()[i];
            List<Object> row = new ArrayList<>(List.of(t, a.tokens().get(t).text(), d.a().logprob()[i]));
            if (pair) {
                row.addAll(List.of(d.b().logprob()[i], d.pair().crossEntropy()[i], d.pair().fdgMean()[i],
                        d.pair().fdgVariance()[i], bino[i], fdg[i]));
            } else {
                row.addAll(List.of(-d.a().entropy()[i], d.a().selfVariance()[i], fdg[i]));
            }
            rows.add(row);
        }
        return new DataExport.Table(pair ? "detection_per_token" : "fast_detectgpt_per_token", columns, rows);
    }

    /**
     * The options for a figure of token scores: a detection measure belongs to the detection heatmap,
     * and these figures show log-probability instead.
     */
    private static FigureOptions tokenOptions(FigureOptions o) {
        return o.measure().isDetection() ? o.withMeasure(Measure.LOGPROB) : o;
    }

    /** Both models' heatmaps, stacked or as one heatmap of log p(B) − log p(A). */
    public static Drawn compare(Analysis an, CompareHeatmapFigure.Mode mode, FigureOptions o, ExportMetadata m) {
        o = tokenOptions(o);
        return new Drawn(CompareHeatmapFigure.of(an.a(), needB(an), mode, o, m), DataExport.tokenScores(an.a(), an.b()));
    }

    /** The heatmap the app shows: A's alone, or both when comparing. */
    public static Drawn heatmaps(Analysis an, CompareHeatmapFigure.Mode mode, FigureOptions o, ExportMetadata m) {
        return an.b() == null ? heatmap(an, o, m) : compare(an, mode, o, m);
    }

    /** Each model's measure along the text. */
    public static Drawn plot(Analysis an, FigureOptions o, ExportMetadata m) {
        o = tokenOptions(o);
        return new Drawn(TokenPlotFigure.of(an.runs(), o, m), DataExport.tokenScores(an.a(), an.b()));
    }

    /** B's log-probabilities against A's, in the view {@code x} × {@code y} (null: every point). */
    public static Drawn scatter(Analysis an, Scale x, Scale y, FigureOptions o, ExportMetadata m) {
        return new Drawn(ScatterFigure.of(an.a(), needB(an), o, m, x, y), DataExport.tokenScores(an.a(), an.b()));
    }

    /** Model A's tokenization: pieces, ids and lengths in bytes. */
    public static Drawn tokens(Analysis an, FigureOptions o, ExportMetadata m) {
        ScoredText a = an.a();
        return new Drawn(TokensFigure.of(a.text(), a.tokens(), an.bytesA(), a.model().name(), o, m),
                DataExport.tokens(a.tokens(), an.bytesA()));
    }

    /**
     * What each model expected at token {@code position} of A's tokens (B's token over the same characters),
     * or after the text when {@code position} is negative: the {@code k} most likely, rescaled to
     * {@code temperature} (see {@link Alternative#atTemperature}). The table is model A's.
     *
     * @throws IllegalArgumentException for a position outside the text or a token that was not scored
     */
    public static Drawn topK(Analysis an, int position, int k, double temperature, FigureOptions o, ExportMetadata m) {
        List<TopKFigure.Panel> panels = new ArrayList<>();
        String heading;
        int kept;
        if (position < 0) {
            for (int i = 0; i < an.runs().size(); i++) {
                panels.add(new TopKFigure.Panel(an.runs().get(i).model().name(), shown(an.next(i), k, temperature), null));
            }
            String text = an.text();
            String tail = text.codePointCount(0, text.length()) > 40
                    ? "…" + text.substring(text.offsetByCodePoints(text.length(), -39)) : text;
            heading = "Next token after “" + Glyphs.visible(tail) + "”";
            kept = an.nextA().size();
        } else {
            int n = an.a().tokens().size();
            if (position >= n) {
                throw new IllegalArgumentException("Position " + position + " is outside the text's " + n
                        + " tokens (0 to " + (n - 1) + ").");
            }
            TokenScore ta = an.a().tokens().get(position);
            for (ScoredText run : an.runs()) {
                TokenScore t = run == an.a() ? ta : run.tokens().stream()
                        .filter(x -> x.start() == ta.start() && x.end() == ta.end()).findFirst().orElse(null);
                if (t != null && !t.isScored()) {
                    throw new IllegalArgumentException("Token " + position + " is not scored (the first token has no "
                            + "context without <|endoftext|>); drop --no-bos or pick another position.");
                }
                panels.add(new TopKFigure.Panel(run.model().name(), t == null ? List.of() : shown(t.top(), k, temperature),
                        t == null ? null : t.id()));
            }
            heading = "Token " + position + " ('" + Glyphs.visible(ta.text()) + "'): the top " + k
                    + " the model expected there";
            kept = ta.top().size();
        }
        if (temperature != 1) {
            heading += String.format(Locale.ROOT, " · temperature %.2f, renormalised over the %d most likely",
                    temperature, kept);
        }
        return new Drawn(TopKFigure.of(heading, panels, o, m),
                DataExport.topK(panels.get(0).alternatives(), panels.get(0).actualId()));
    }

    /** The alternatives at one step of a generation. */
    public static Drawn step(String model, Step step, int k, FigureOptions o, ExportMetadata m) {
        List<TopKFigure.Panel> panels = List.of(new TopKFigure.Panel(model,
                step.top().subList(0, Math.min(k, step.top().size())), step.id()));
        String heading = "Generation step " + (step.index() + 1) + ": the alternatives to '" + Glyphs.visible(step.text())
                + "'";
        return new Drawn(TopKFigure.of(heading, panels, o, m), DataExport.topK(panels.get(0).alternatives(), step.id()));
    }

    /** A generation's steps: token, log-probability, rank, entropy. */
    public static Drawn steps(String prompt, String model, GenerationResult result, FigureOptions o, ExportMetadata m) {
        return new Drawn(StepsFigure.of(prompt, model, result, o, m), DataExport.steps(result.best()));
    }

    /** A beam search as the tree of every candidate it considered. */
    public static Drawn beamTree(String prompt, String model, GenerationResult result, FigureOptions o, ExportMetadata m) {
        return new Drawn(TreeFigure.beams(prompt, model, result, o, m), DataExport.beamTree(result.beamTree()));
    }

    /** What-if branches as a tree, paths {@code first} (A) and {@code second} (B) highlighted. */
    public static Drawn branches(BranchTree tree, String model, int first, int second, FigureOptions o, ExportMetadata m) {
        return new Drawn(TreeFigure.branches(tree, model, first, second, o, m), DataExport.branches(tree));
    }

    /** Two what-if paths side by side. */
    public static Drawn paths(BranchTree tree, int first, int second, FigureOptions o, ExportMetadata m) {
        return new Drawn(TreeFigure.paths(tree, first, second, o, m), DataExport.branches(tree));
    }

    /** The text shaded by the attention of the token at {@code query}, or the matrix of every query's. */
    public static Drawn attention(AttentionMap map, int query, boolean matrix, FigureOptions o, ExportMetadata m) {
        Figure f = matrix ? AttentionMatrixFigure.of(map, query, o, m) : AttentionTextFigure.of(map, query, o, m);
        return new Drawn(f, DataExport.attention(map));
    }

    /** Every head of every layer as thumbnails, the one at {@code layer} and {@code head} (null: none) outlined. */
    public static Drawn attentionGrid(AttentionGrid grid, int layer, Integer head, FigureOptions o, ExportMetadata m) {
        return new Drawn(AttentionGridFigure.of(grid, layer, head, o, m), DataExport.attentionGrid(grid));
    }

    /** The logit lens at {@code position}: each layer's top {@code k}. */
    public static Drawn lens(LogitLens lens, int position, int k, FigureOptions o, ExportMetadata m) {
        return new Drawn(LensTableFigure.of(lens, position, k, o, m), DataExport.lens(lens, position));
    }

    /** The rank of the token that came next, layer by layer, at {@code position}. */
    public static Drawn lensRank(LogitLens lens, int position, FigureOptions o, ExportMetadata m) {
        return new Drawn(LensRankFigure.of(lens, position, o, m), DataExport.lens(lens, position));
    }

    /** The lens's ranks over every layer and position. */
    public static Drawn lensHeatmap(LogitLens lens, int position, FigureOptions o, ExportMetadata m) {
        return new Drawn(LensHeatmapFigure.of(lens, position, o, m), DataExport.lensRanks(lens));
    }

    /** A pair classifier's scores of one label as bars, in {@code order} (the table's order on screen), and its table. */
    public static Drawn pairs(PairScores scores, List<PairScore> order,
                              String label, FigureOptions o, ExportMetadata m) {
        return new Drawn(PairScoresFigure.of(scores, order, label, o, m), DataExport.pairs(scores, order));
    }

    private static List<Alternative> shown(List<Alternative> kept, int k, double temperature) {
        List<Alternative> rescaled = Alternative.atTemperature(kept, temperature);
        return rescaled.subList(0, Math.min(k, rescaled.size()));
    }

    private static ScoredText needB(Analysis an) {
        if (an.b() == null) {
            throw new IllegalArgumentException("This figure compares two models: add a second one.");
        }
        return an.b();
    }
}
