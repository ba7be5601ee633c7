package org.tokenscope.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.Inspection;
import org.tokenscope.figure.CompareHeatmapFigure;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Exporter;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.Measure;
import org.tokenscope.figure.Palette;
import org.tokenscope.figure.Scale;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Strategy;
import org.tokenscope.backend.ScoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.InsideRequest;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Detector;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.service.Analyser;
import org.tokenscope.service.Figures;
import org.tokenscope.service.FigureKind;
import org.tokenscope.service.OpenedModel;
import org.tokenscope.service.Insides;
import org.tokenscope.service.Progress;
import java.util.function.BooleanSupplier;
import java.io.IOException;
import java.util.Set;
import org.tokenscope.generate.GenerationListener;

/**
 * {@code export}: a figure as SVG or PNG, or what it shows as CSV, JSON or LaTeX, without a window.
 * The drawing is the app's: both paint the same {@link Figure}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a figure (heatmap, compare, plot, scatter, topk, tokens, steps; inside the model: "
                + "attention, attention-matrix, attention-grid, lens, lens-rank, lens-heatmap) as SVG or PNG, "
                + "or its data as CSV, JSON or a LaTeX table.")
public final class ExportCommand implements Callable<Integer> {

    /** A figure's name as written on the command line. */
    static final class FigureKindConverter implements ITypeConverter<FigureKind> {
        @Override
        public FigureKind convert(String value) {
            try {
                return FigureKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
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
            description = "prob, logprob, rank, entropy or surprisal (default ${DEFAULT-VALUE}); for the heatmap also "
                    + "the detectors' terms at each token: cross-entropy (A to B, Binoculars' term), binoculars (each "
                    + "token's share of Binoculars - 1) and fast-detectgpt (its share of Fast-DetectGPT), local models; "
                    + "the first two need --compare B with A's tokenizer.")
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

    @Override
    public Integer call() throws Exception {
        Kind kind = kind();
        FigureOptions options = FigureOptions.DEFAULT.withWidth(width).withMeasure(Measure.parse(measure))
                .withPalette(sequential(palette)).withRange(Scale.Mode.parse(range)).withBoundaries(boundaries)
                .withMonospace(monospace);
        if (figure.needsTwo() && compare == null) {
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
        if (figure == FigureKind.TOPK && position != null && position < 0) {
            throw new IllegalArgumentException("--position " + position + " is outside the text: positions start at 0.");
        }
        String text = input.read();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("The text is empty: there is nothing to export.");
        }
        List<String> specs = compare == null ? List.of(models.model()) : List.of(models.model(), compare);
        List<OpenedModel> opened = new ArrayList<>();
        try {
            for (String s : specs) opened.add(models.open(s));
            ExportMetadata metadata = metadata(text, opened, options);
            write(kind, build(text, opened, options, metadata), metadata);
        } finally {
            for (OpenedModel m : opened) m.close();
        }
        return 0;
    }

    /** The figure and its table, from the catalogue the app's panes ask too. */
    private Figures.Drawn build(String text, List<OpenedModel> opened, FigureOptions options, ExportMetadata metadata)
            throws IOException {
        Backend a = opened.get(0).backend();
        Backend b = opened.size() > 1 ? opened.get(1).backend() : null;
        BooleanSupplier never = () -> false;
        if (options.measure().isDetection()) {
            return detection(text, opened, options, metadata);
        }
        if (figure.scored()) {
            boolean both = figure == FigureKind.COMPARE || figure == FigureKind.SCATTER || figure == FigureKind.PLOT
                    || figure == FigureKind.TOPK;
            Analysis an = Analyser.analyse(text, a, both ? b : null, new ScoreOptions(!noBos, Math.max(5, topK), 0),
                    never, Progress.NONE);
            return switch (figure) {
                case HEATMAP -> Figures.heatmap(an, options, metadata);
                case COMPARE -> Figures.compare(an, difference ? CompareHeatmapFigure.Mode.DIFFERENCE
                        : CompareHeatmapFigure.Mode.STACKED, options, metadata);
                case PLOT -> Figures.plot(an, options, metadata);
                case SCATTER -> Figures.scatter(an, null, null, options, metadata);
                case TOPK -> Figures.topK(an, position == null ? -1 : position, topK, 1, options, metadata);
                default -> Figures.tokens(an, options, metadata);
            };
        }
        if (figure == FigureKind.STEPS) {
            GenerationResult generated = a.generate(text, new Backend.GenerationSettings(maxNewTokens, strategy(),
                    List.of(), 5).withBos(!noBos), GenerationListener.NONE, never);
            return Figures.steps(text, opened.get(0).name(), generated, options, metadata);
        }
        if (figure == FigureKind.ATTENTION_GRID) {
            AttentionGrid grid = Insides.grid(a, text, never, (done, total) -> { });
            if (layer < 0 || layer >= grid.layers()) {
                throw new IllegalArgumentException("--layer must be between 0 and " + (grid.layers() - 1) + ".");
            }
            if (head != null && (head < 0 || head >= grid.heads())) {
                throw new IllegalArgumentException("--head must be between 0 and " + (grid.heads() - 1) + ".");
            }
            return Figures.attentionGrid(grid, layer, head, options, metadata);
        }
        if (figure.attention()) {
            Inspection in = Insides.inspect(a, text, InsideRequest.attention(layer), never);
            int at = Insides.target(in, head, position, "export");
            return Figures.attention(AttentionMap.of(in, layer, head), at, figure == FigureKind.ATTENTION_MATRIX,
                    options, metadata);
        }
        Inspection in = Insides.inspect(a, text, new InsideRequest(Set.of(), true, topK, false), never);
        int at = Insides.target(in, head, position, "export");
        return switch (figure) {
            case LENS -> Figures.lens(in.lens(), at, topK, options, metadata);
            case LENS_RANK -> Figures.lensRank(in.lens(), at, options, metadata);
            default -> Figures.lensHeatmap(in.lens(), at, options, metadata);
        };
    }

    /**
     * The heatmap coloured by a detection measure: A's tokens, the detection of the text by A (and B,
     * which must share its tokenizer), both local.
     */
    private Figures.Drawn detection(String text, List<OpenedModel> opened, FigureOptions options,
                                    ExportMetadata metadata) throws IOException {
        if (figure != FigureKind.HEATMAP) {
            throw new IllegalArgumentException("--measure " + options.measure() + " colours the heatmap: use it with "
                    + "--figure heatmap.");
        }
        if (options.measure().needsPair() && opened.size() < 2) {
            throw new IllegalArgumentException("--measure " + options.measure() + " needs a second model that shares "
                    + "A's tokenizer: add --compare B.");
        }
        LanguageModel a = opened.get(0).backend().localModel().orElseThrow(() -> new IllegalArgumentException(
                "--measure " + options.measure() + " needs A's whole distribution at every token: a remote server "
                        + "returns only its top k."));
        LanguageModel b = null;
        if (opened.size() > 1) {
            b = opened.get(1).backend().localModel().orElseThrow(() -> new IllegalArgumentException(
                    "--measure " + options.measure() + " needs B's whole distribution at every token: a remote server "
                            + "returns only its top k."));
        }
        BooleanSupplier never = () -> false;
        Analysis an = Analyser.analyse(text, opened.get(0).backend(), null, new ScoreOptions(!noBos, 5, 0), never,
                Progress.NONE);
        TextDetection d = Detector.detect(a, b, text, !noBos, 0, never);
        return Figures.detectionHeatmap(an, d, opened.get(0).name(), b == null ? null : opened.get(1).name(), options,
                metadata);
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

    private void write(Kind kind, Figures.Drawn result, ExportMetadata metadata) throws Exception {
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

    private ExportMetadata metadata(String text, List<OpenedModel> opened, FigureOptions options) {
        List<ExportMetadata.ModelRef> refs = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            refs.add(new ExportMetadata.ModelRef(opened.get(i).name(), opened.get(i).revision()));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("figure", figure.toString());
        settings.put("weights", models.weights.label());
        settings.put("bos", Boolean.toString(!noBos));
        switch (figure) {
            case TOPK -> {
                settings.put("top_k", Integer.toString(topK));
                settings.put("position", position == null ? "next" : position.toString());
            }
            case STEPS -> {
                settings.put("strategy", strategy.name());
                settings.put("max_new_tokens", Integer.toString(maxNewTokens));
                if (strategy == GenerateCommand.StrategyName.sample) {
                    settings.put("temperature", Double.toString(temperature));
                    settings.put("top_p", Double.toString(topP));
                    settings.put("seed", Long.toString(seed));
                }
                if (strategy == GenerateCommand.StrategyName.beam) settings.put("beams", Integer.toString(beams));
            }
            case ATTENTION, ATTENTION_MATRIX, ATTENTION_GRID, LENS, LENS_RANK, LENS_HEATMAP -> {
                settings.put("bos", "false"); // the insides are of the text alone, as the inspect command shows them
                if (figure.attention()) {
                    settings.put("layer", Integer.toString(layer));
                    settings.put("head", head == null ? "mean" : head.toString());
                } else {
                    settings.put("top_k", Integer.toString(topK));
                }
                settings.put("position", position == null ? "last" : position.toString());
                if (figure == FigureKind.LENS_HEATMAP) settings.put("palette", options.palette().toString());
            }
            default -> {
                settings.put("measure", options.measure().toString());
                settings.put("palette", options.palette().toString());
                settings.put("range", options.range().toString());
                if (figure == FigureKind.COMPARE) settings.put("difference", Boolean.toString(difference));
                if (boundaries) settings.put("boundaries", "true");
            }
        }
        return ExportMetadata.of(Version.current(), text, refs).withSettings(settings);
    }

    private static Palette sequential(String name) {
        Palette p = Palette.parse(name);
        if (p.isDiverging()) {
            throw new IllegalArgumentException("--palette " + name + " is for differences; use viridis or cividis.");
        }
        return p;
    }
}
