package org.tokenscope.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.AttentionGridFigure;
import org.tokenscope.figure.AttentionMatrixFigure;
import org.tokenscope.figure.AttentionTextFigure;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Exporter;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.Glyphs;
import org.tokenscope.figure.HeatmapFigure;
import org.tokenscope.figure.LensHeatmapFigure;
import org.tokenscope.figure.LensRankFigure;
import org.tokenscope.figure.LensTableFigure;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.figure.Scale;
import org.tokenscope.figure.ScatterFigure;
import org.tokenscope.figure.StepsFigure;
import org.tokenscope.figure.TokenPlotFigure;
import org.tokenscope.figure.TokensFigure;
import org.tokenscope.figure.TopKFigure;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Strategy;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.InspectRequest;
import org.tokenscope.model.TokenizedText;
import org.tokenscope.service.Inspector;
import org.tokenscope.service.ScoreOptions;
import org.tokenscope.service.TextScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export}: a figure as SVG or PNG, or what it shows as CSV, JSON or LaTeX, without a window.
 * The drawing is the app's: both paint the same {@link Figure}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a figure (heatmap, compare, plot, scatter, topk, tokens, steps; inside the model: "
                + "attention, attention-matrix, attention-grid, lens, lens-rank, lens-heatmap) as SVG or PNG, "
                + "or its data as CSV, JSON or a LaTeX table.")
public final class ExportCommand implements Callable<Integer> {

    /** The figures; those from {@link #attention} on look inside one model (written with hyphens: lens-rank). */
    enum FigureKind {
        heatmap, compare, plot, scatter, topk, tokens, steps,
        attention, attention_matrix, attention_grid, lens, lens_rank, lens_heatmap;

        boolean inside() {
            return ordinal() >= attention.ordinal();
        }

        @Override
        public String toString() {
            return name().replace('_', '-');
        }
    }

    /** A figure's name as written on the command line. */
    static final class FigureKindConverter implements ITypeConverter<FigureKind> {
        @Override
        public FigureKind convert(String value) {
            for (FigureKind k : FigureKind.values()) {
                if (k.toString().equalsIgnoreCase(value.trim()) || k.name().equalsIgnoreCase(value.trim())) return k;
            }
            throw new TypeConversionException("unknown figure '" + value + "': use one of "
                    + Arrays.stream(FigureKind.values()).map(FigureKind::toString).toList().toString()
                    .replaceAll("[\\[\\]]", "") + ".");
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Mixin
    TextInput input;

    @Option(names = "--figure", defaultValue = "heatmap", paramLabel = "F", converter = FigureKindConverter.class,
            description = "heatmap, compare, plot, scatter, topk, tokens or steps (default ${DEFAULT-VALUE}); "
                    + "for steps the text is the prompt. Inside the model: attention (the text shaded by the attention "
                    + "of the token at --position), attention-matrix, attention-grid (every head), lens (the logit lens "
                    + "at --position), lens-rank, lens-heatmap.")
    FigureKind figure;

    @Option(names = "--layer", defaultValue = "0", paramLabel = "L",
            description = "attention figures: the layer, from 0 (default ${DEFAULT-VALUE}).")
    int layer;

    @Option(names = "--head", paramLabel = "H", description = "attention figures: the head, from 0 (default: the mean of heads).")
    Integer head;

    @Option(names = "--compare", paramLabel = "M2", description = "A second model (needed by compare and scatter).")
    String compare;

    @Option(names = "--measure", defaultValue = "prob", paramLabel = "M",
            description = "prob, logprob, rank, entropy or surprisal (default ${DEFAULT-VALUE}).")
    String measure;

    @Option(names = "--palette", defaultValue = "viridis", paramLabel = "P", description = "viridis or cividis (default ${DEFAULT-VALUE}).")
    String palette;

    @Option(names = "--range", defaultValue = "fixed", paramLabel = "R",
            description = "Colour and axis scale: fixed (the same for every text) or minmax (default ${DEFAULT-VALUE}).")
    String range;

    @Option(names = "--difference", description = "compare: one heatmap of log p(B) - log p(A) instead of two.")
    boolean difference;

    @Option(names = "--boundaries", description = "Show token boundaries and make whitespace visible.")
    boolean boundaries;

    @Option(names = "--monospace", description = "Set the heatmap's text in a monospace font.")
    boolean monospace;

    @Option(names = "--position", paramLabel = "I",
            description = "topk: the alternatives for token I (default: the next token after the text); attention and "
                    + "lens figures: the token looked at (default: the last).")
    Integer position;

    @Option(names = "--top-k", defaultValue = "10", paramLabel = "K",
            description = "topk: how many bars; lens: predictions per layer (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--format", paramLabel = "FMT",
            description = "svg, png, csv, json or tex (default: from --out's extension, else svg).")
    String format;

    @Option(names = "--scale", defaultValue = "1", paramLabel = "S", description = "PNG pixels per figure unit: 1, 2, 3... (default ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--dpi", paramLabel = "D", description = "PNG resolution instead of --scale (96 DPI = 1x).")
    Double dpi;

    @Option(names = "--transparent", description = "No background (else white).")
    boolean transparent;

    @Option(names = "--width", defaultValue = "800", paramLabel = "W", description = "Figure width in CSS pixels (default ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--no-bos", description = "Feed the text alone (its first token stays unscored).")
    boolean noBos;

    @Option(names = "--max-new-tokens", defaultValue = "20", paramLabel = "N", description = "steps: tokens to generate (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--strategy", defaultValue = "greedy", paramLabel = "S", description = "steps: greedy, beam or sample (default ${DEFAULT-VALUE}).")
    GenerateCommand.StrategyName strategy;

    @Option(names = "--beams", defaultValue = "4", paramLabel = "K", description = "steps with beam: beams (default ${DEFAULT-VALUE}).")
    int beams;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T", description = "steps with sample: temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P", description = "steps with sample: nucleus mass (1 = off).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "steps with sample: seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "PATH", description = "Where to write (default: standard output, except PNG).")
    Path out;

    /** What one export produced: a figure and the table of what it shows. */
    private record Result(Figure figure, DataExport.Table table) {
    }

    @Override
    public Integer call() throws Exception {
        Kind kind = kind();
        FigureOptions options = FigureOptions.DEFAULT.withWidth(width).withMeasure(Measure.parse(measure))
                .withPalette(sequential(palette)).withRange(Scale.Mode.parse(range)).withBoundaries(boundaries)
                .withMonospace(monospace);
        if ((figure == FigureKind.compare || figure == FigureKind.scatter) && compare == null) {
            throw new IllegalArgumentException("--figure " + figure + " needs a second model: add --compare M2.");
        }
        if (figure.inside() && compare != null) {
            throw new IllegalArgumentException("--figure " + figure + " looks inside one model: drop --compare.");
        }
        if (kind.image == Exporter.Format.PNG && out == null) {
            throw new IllegalArgumentException("A PNG needs a file: add --out PATH.");
        }
        if (topK < 1 || topK > 100) {
            throw new IllegalArgumentException("--top-k must be between 1 and 100, not " + topK + ".");
        }
        String text = input.read();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to export.");
        }
        List<String> specs = compare == null ? List.of(models.model()) : List.of(models.model(), compare);
        List<LanguageModel> opened = new ArrayList<>();
        try {
            for (String s : specs) opened.add(models.open(s));
            ExportMetadata metadata = metadata(text, opened, specs, options);
            Result result = build(text, opened, options, metadata);
            write(kind, result, metadata);
        } finally {
            for (LanguageModel m : opened) m.close();
        }
        return 0;
    }

    private Result build(String text, List<LanguageModel> opened, FigureOptions options, ExportMetadata metadata)
            throws java.io.IOException {
        LanguageModel a = opened.get(0);
        LanguageModel b = opened.size() > 1 ? opened.get(1) : null;
        ScoreOptions scoring = new ScoreOptions(!noBos, Math.max(5, topK), 0);
        return switch (figure) {
            case heatmap -> {
                ScoredText sa = TextScorer.score(a, text, scoring);
                yield new Result(HeatmapFigure.of(sa, options, metadata), DataExport.tokenScores(sa, null));
            }
            case compare -> {
                ScoredText sa = TextScorer.score(a, text, scoring);
                ScoredText sb = TextScorer.score(b, text, scoring);
                CompareHeatmapFigure.Mode mode = difference ? CompareHeatmapFigure.Mode.DIFFERENCE
                        : CompareHeatmapFigure.Mode.STACKED;
                yield new Result(CompareHeatmapFigure.of(sa, sb, mode, options, metadata), DataExport.tokenScores(sa, sb));
            }
            case plot -> {
                ScoredText sa = TextScorer.score(a, text, scoring);
                ScoredText sb = b == null ? null : TextScorer.score(b, text, scoring);
                List<ScoredText> runs = sb == null ? List.of(sa) : List.of(sa, sb);
                yield new Result(TokenPlotFigure.of(runs, options, metadata), DataExport.tokenScores(sa, sb));
            }
            case scatter -> {
                ScoredText sa = TextScorer.score(a, text, scoring);
                ScoredText sb = TextScorer.score(b, text, scoring);
                yield new Result(ScatterFigure.of(sa, sb, options, metadata), DataExport.tokenScores(sa, sb));
            }
            case topk -> topK(text, opened, scoring, options, metadata);
            case tokens -> {
                TokenizedText tokens = a.tokenizer().encode(text);
                List<TokenScore> list = new ArrayList<>();
                int[] bytes = new int[tokens.size()];
                for (int i = 0; i < tokens.size(); i++) {
                    list.add(TokenScore.unscored(i, tokens.ids()[i], tokens.display(i), tokens.starts()[i],
                            tokens.ends()[i], tokens.partial()[i]));
                    bytes[i] = tokens.bytes()[i].length;
                }
                yield new Result(TokensFigure.of(text, list, bytes, a.name(), options, metadata),
                        DataExport.tokens(list, bytes));
            }
            case attention, attention_matrix, attention_grid, lens, lens_rank, lens_heatmap ->
                    inside(a, text, options, metadata);
            case steps -> {
                GenerationRequest request = GenerationRequest.builder().setPrompt(a.tokenizer().encode(text).ids())
                        .setMaxNewTokens(maxNewTokens).optStrategy(strategy()).optTopAlternatives(5).build();
                GenerationResult generated = new Generator(a).generate(request);
                yield new Result(StepsFigure.of(text, a.name(), generated, options, metadata),
                        DataExport.steps(generated.best()));
            }
        };
    }

    /**
     * A figure of the model's insides: one pass without {@code <|endoftext|>} (the attention of one layer,
     * or the logit lens), or, for the grid, a pass per few layers that keeps thumbnails only.
     */
    private Result inside(LanguageModel model, String text, FigureOptions options, ExportMetadata metadata)
            throws java.io.IOException {
        int n = model.tokenizer().encode(text).size();
        int at = InspectCommand.checkTarget(model, n, layer, head, position, "export");
        int layers = model.config().layers();
        java.util.function.BooleanSupplier never = () -> false;
        return switch (figure) {
            case attention, attention_matrix -> {
                Inspection in = Inspector.inspect(model, text, InspectRequest.attention(layer), never);
                AttentionMap map = AttentionMap.of(in, layer, head);
                Figure f = figure == FigureKind.attention ? AttentionTextFigure.of(map, at, options, metadata)
                        : AttentionMatrixFigure.of(map, at, options, metadata);
                yield new Result(f, DataExport.attention(map));
            }
            case attention_grid -> {
                AttentionGrid grid = Inspector.grid(request -> Inspector.inspect(model, text, request, never), layers,
                        24, never, (done, total) -> { });
                yield new Result(AttentionGridFigure.of(grid, layer, head, options, metadata), DataExport.attentionGrid(grid));
            }
            default -> {
                LogitLens lens = Inspector.inspect(model, text, new InspectRequest(java.util.Set.of(), true, topK, false),
                        never).lens();
                yield switch (figure) {
                    case lens -> new Result(LensTableFigure.of(lens, at, topK, options, metadata), DataExport.lens(lens, at));
                    case lens_rank -> new Result(LensRankFigure.of(lens, at, options, metadata), DataExport.lens(lens, at));
                    default -> new Result(LensHeatmapFigure.of(lens, at, options, metadata), DataExport.lensRanks(lens));
                };
            }
        };
    }

    /** The alternatives at {@code --position}, or for the token after the text. */
    private Result topK(String text, List<LanguageModel> opened, ScoreOptions scoring, FigureOptions options,
                        ExportMetadata metadata) {
        List<TopKFigure.Panel> panels = new ArrayList<>();
        String heading;
        if (position == null) {
            for (LanguageModel model : opened) {
                panels.add(new TopKFigure.Panel(model.name(), nextToken(model, text), null));
            }
            String tail = text.length() > 40 ? "…" + text.substring(text.offsetByCodePoints(text.length(), -39)) : text;
            heading = "Next token after “" + Glyphs.visible(tail) + "”";
        } else {
            ScoredText first = null;
            for (LanguageModel model : opened) {
                ScoredText scored = TextScorer.score(model, text, scoring);
                int n = scored.tokens().size();
                TokenScore t;
                if (first == null) {
                    if (position < 0 || position >= n) {
                        throw new IllegalArgumentException("--position " + position + " is outside the text's " + n
                                + " tokens (0 to " + (n - 1) + ").");
                    }
                    first = scored;
                    t = scored.tokens().get(position);
                } else { // the token of B that covers the same characters
                    TokenScore ta = first.tokens().get(position);
                    t = scored.tokens().stream().filter(x -> x.start() == ta.start() && x.end() == ta.end()).findFirst()
                            .orElse(null);
                }
                if (t != null && !t.isScored()) {
                    throw new IllegalArgumentException("Token " + position + " is not scored (the first token has no "
                            + "context without <|endoftext|>); drop --no-bos or pick another position.");
                }
                panels.add(new TopKFigure.Panel(model.name(), t == null ? List.of() : top(t.top(), topK),
                        t == null ? null : t.id()));
            }
            TokenScore t = first.tokens().get(position);
            heading = "Token " + position + " ('" + Glyphs.visible(t.text()) + "'): the top " + topK + " the model expected there";
        }
        return new Result(TopKFigure.of(heading, panels, options, metadata),
                DataExport.topK(panels.get(0).alternatives(), panels.get(0).actualId()));
    }

    /** The model's top-k for the token after the whole text (after the model's start token and the text). */
    private List<Alternative> nextToken(LanguageModel model, String text) {
        int[] ids = model.tokenizer().encode(text).ids();
        boolean bos = !noBos && model.startTokenId() >= 0;
        int[] prompt = new int[ids.length + (bos ? 1 : 0)];
        if (bos) prompt[0] = model.startTokenId();
        System.arraycopy(ids, 0, prompt, bos ? 1 : 0, ids.length);
        int max = model.contextLength() - 1;
        if (prompt.length > max) prompt = Arrays.copyOfRange(prompt, prompt.length - max, prompt.length);
        GenerationRequest request = GenerationRequest.builder().setPrompt(prompt).setMaxNewTokens(1)
                .optTopAlternatives(topK).build();
        GenerationResult result = new Generator(model).generate(request);
        return result.best().steps().get(0).top();
    }

    private static List<Alternative> top(List<Alternative> all, int k) {
        return all.size() <= k ? all : all.subList(0, k);
    }

    private Strategy strategy() {
        return switch (strategy) {
            case greedy -> new Greedy();
            case sample -> Sampling.of(temperature, 0, topP, 1.0, seed);
            case beam -> BeamSearch.of(beams);
        };
    }

    // ---- output ---------------------------------------------------------------------------------

    /** The output format: an image format or a data format. */
    private record Kind(Exporter.Format image, DataExport.Format data) {
    }

    private Kind kind() {
        String f = format;
        if (f == null && out != null) {
            String name = out.getFileName().toString();
            int dot = name.lastIndexOf('.');
            f = dot < 0 ? "svg" : name.substring(dot + 1);
        }
        if (f == null) f = "svg";
        return switch (f.toLowerCase(Locale.ROOT)) {
            case "svg" -> new Kind(Exporter.Format.SVG, null);
            case "png" -> new Kind(Exporter.Format.PNG, null);
            case "csv", "json", "tex", "latex" -> new Kind(null, DataExport.Format.parse(f));
            default -> throw new IllegalArgumentException("Unknown format '" + f + "': use svg, png, csv, json or tex.");
        };
    }

    private void write(Kind kind, Result result, ExportMetadata metadata) throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (kind.image() != null) {
            Exporter.ImageOptions image = (dpi != null ? Exporter.ImageOptions.ofDpi(dpi) : Exporter.ImageOptions.ofScale(scale))
                    .withTransparent(transparent);
            if (out == null) {
                stdout.print(new String(Exporter.toBytes(result.figure(), kind.image(), image), StandardCharsets.UTF_8));
            } else {
                Exporter.exportFigure(result.figure(), kind.image(), image, out);
                stdout.println("Wrote " + out + " (" + figure + ", " + kind.image().extension() + ", "
                        + size(result.figure(), kind.image(), image) + ").");
            }
        } else {
            String data = DataExport.write(result.table(), kind.data(), metadata);
            if (out == null) {
                stdout.print(data);
            } else {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                Files.writeString(out, data, StandardCharsets.UTF_8);
                stdout.println("Wrote " + out + " (" + result.table().rows().size() + " rows of " + result.table().name()
                        + ", " + kind.data().extension() + ").");
            }
        }
        stdout.flush();
    }

    private static String size(Figure f, Exporter.Format format, Exporter.ImageOptions image) {
        if (format == Exporter.Format.SVG) {
            return Math.round(f.width()) + "×" + Math.round(f.height());
        }
        return (int) Math.ceil(f.width() * image.scale() - 1e-9) + "×" + (int) Math.ceil(f.height() * image.scale() - 1e-9)
                + " pixels";
    }

    private ExportMetadata metadata(String text, List<LanguageModel> opened, List<String> specs, FigureOptions options) {
        List<ExportMetadata.ModelRef> refs = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            refs.add(new ExportMetadata.ModelRef(opened.get(i).name(), revision(specs.get(i), opened.get(i).folder())));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("figure", figure.toString());
        settings.put("bos", Boolean.toString(!noBos));
        switch (figure) {
            case topk -> {
                settings.put("top_k", Integer.toString(topK));
                settings.put("position", position == null ? "next" : position.toString());
            }
            case steps -> {
                settings.put("strategy", strategy.name());
                settings.put("max_new_tokens", Integer.toString(maxNewTokens));
                if (strategy == GenerateCommand.StrategyName.sample) {
                    settings.put("temperature", Double.toString(temperature));
                    settings.put("top_p", Double.toString(topP));
                    settings.put("seed", Long.toString(seed));
                }
                if (strategy == GenerateCommand.StrategyName.beam) settings.put("beams", Integer.toString(beams));
            }
            case attention, attention_matrix, attention_grid, lens, lens_rank, lens_heatmap -> {
                settings.put("bos", "false"); // the insides are of the text alone, as the inspect command shows them
                if (figure.name().startsWith("attention")) {
                    settings.put("layer", Integer.toString(layer));
                    settings.put("head", head == null ? "mean" : head.toString());
                } else {
                    settings.put("top_k", Integer.toString(topK));
                }
                settings.put("position", position == null ? "last" : position.toString());
                if (figure == FigureKind.lens_heatmap) settings.put("palette", options.palette().toString());
            }
            default -> {
                settings.put("measure", options.measure().toString());
                settings.put("palette", options.palette().toString());
                settings.put("range", options.range().toString());
                if (figure == FigureKind.compare) settings.put("difference", Boolean.toString(difference));
                if (boundaries) settings.put("boundaries", "true");
            }
        }
        return ExportMetadata.of(Version.current(), text, refs).withSettings(settings);
    }

    /** A Hub snapshot's commit (its folder's name under {@code snapshots/}), the asked revision, or "local". */
    private String revision(String spec, Path folder) {
        if (Files.isDirectory(Path.of(spec))) return "local";
        Path parent = folder.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")) {
            return folder.getFileName().toString();
        }
        return models.revision;
    }

    private static Palette sequential(String name) {
        Palette p = Palette.parse(name);
        if (p.isDiverging()) {
            throw new IllegalArgumentException("--palette " + name + " is for differences; use viridis or cividis.");
        }
        return p;
    }
}
