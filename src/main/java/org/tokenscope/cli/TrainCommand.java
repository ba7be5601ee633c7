package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.tokenscope.service.ModelSources;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Exporter;
import org.tokenscope.figure.Figure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.LossCurveFigure;
import org.tokenscope.service.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code train}: a small GPT-2 from scratch on a text file, with GPT-2's tokenizer, for a number of
 * minutes or steps; writes the model folder, its loss curve and a summary with the held-out perplexity.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a small GPT-2 from scratch on a text corpus and save it as a model folder.",
            "Writes config.json, tokenizer.json, model.safetensors (F16), loss.png and training.json to --out."})
public final class TrainCommand implements Callable<Integer> {

    private static final long REDRAW_NANOS = Duration.ofMillis(250).toNanos();
    private static final int CURVE_POINTS = 10;
    private static final int CURVE_WINDOWS = 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "FILE",
            description = "UTF-8 text; documents separated by <|endoftext|> (see assets/models/prepare-corpus.sh).")
    Path corpus;

    @Option(names = "--corpus-name", paramLabel = "NAME", description = "What to call the corpus in training.json (default: the file's name).")
    String corpusName;

    @Option(names = "--corpus-licence", defaultValue = "unknown", paramLabel = "TEXT",
            description = "The corpus's licence, recorded in training.json (default ${DEFAULT-VALUE}).")
    String corpusLicence;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A GPT-2 tokenizer.json (default: the one of the bundled models in assets/models).")
    Path tokenizer;

    @Option(names = "--layers", required = true, paramLabel = "L", description = "Transformer blocks.")
    int layers;

    @Option(names = "--width", required = true, paramLabel = "W", description = "Width of the residual stream.")
    int width;

    @Option(names = "--heads", paramLabel = "H", description = "Attention heads (default: width / 32).")
    Integer heads;

    @Option(names = "--context", defaultValue = "256", paramLabel = "C", description = "Context length in tokens (default ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--minutes", paramLabel = "M", description = "Time budget (default 30 when --steps is not given).")
    Double minutes;

    @Option(names = "--steps", paramLabel = "N", description = "Number of steps (with --minutes, whichever ends first).")
    Integer steps;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Sequences per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", paramLabel = "X",
            description = "Peak learning rate; cosine down to a tenth of it (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup", defaultValue = "100", paramLabel = "N",
            description = "Warm-up steps, at most a tenth of --steps (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1", paramLabel = "X", description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seeds the weights and the batches (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-tokens", defaultValue = "100000", paramLabel = "N",
            description = "Held-out tokens scored at the end, at most (default ${DEFAULT-VALUE}).")
    long evalTokens;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int headCount = heads != null ? heads : Math.max(1, width / 32);
        validate(headCount);
        double budgetMinutes = minutes != null ? minutes : steps == null ? 30 : Double.POSITIVE_INFINITY;
        int maxSteps = steps != null ? steps : Integer.MAX_VALUE;
        int warmupSteps = steps != null ? Math.min(warmup, steps / 10) : warmup;
        Path tokenizerFile = tokenizer != null ? tokenizer : defaultTokenizer();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        String text = Files.readString(corpus, StandardCharsets.UTF_8);
        int[] vocabulary = new int[2]; // its size and <|endoftext|>'s id
        TrainingCorpus data = Training.withVocabulary(tokenizerFile, words -> {
            if (words.endOfText() < 0) {
                throw new ParameterException(spec.commandLine(), tokenizerFile + " has no <|endoftext|> token.");
            }
            err.printf(Locale.ROOT, "Tokenizing %s (%,d bytes)...%n", corpus.getFileName(), Files.size(corpus));
            vocabulary[0] = words.size();
            vocabulary[1] = words.endOfText();
            return TrainingCorpus.of(text, words.encode(), words.endOfText());
        });
        if (data.train().length < 2 || data.heldOut().length < 2) {
            throw new ParameterException(spec.commandLine(), corpus + " is too short to train on: "
                    + data.tokens() + " tokens.");
        }
        err.printf(Locale.ROOT, "%,d documents, %,d tokens: %,d to train on, %,d held out.%n", data.documents(),
                data.tokens(), data.train().length, data.heldOut().length);

        double floor = round(learningRate / 10, 12);
        Random random = new Random(seed);
        List<int[]> curveWindows = data.heldOutWindows(context, Long.MAX_VALUE, CURVE_WINDOWS);
        List<Float> losses = new ArrayList<>();
        List<LossCurveFigure.HeldOut> heldOutCurve = new ArrayList<>();
        long tokensSeen = 0;
        long start = System.nanoTime();
        double elapsedMinutes;
        try (Training trainer = Training.start(new Training.Shape(layers, headCount, width, context), vocabulary[0],
                vocabulary[1], tokenizerFile,
                out.getFileName().toString(), seed, weightDecay)) {
            err.printf(Locale.ROOT, "Model: %d layers × %d, %d heads, context %d, %,d parameters.%n", layers, width,
                    headCount, context, trainer.parameterCount());
            ProgressLine bar = new ProgressLine(err);
            int nextCurvePoint = 1;
            while (true) {
                double progress = progress(trainer.steps(), maxSteps, System.nanoTime() - start, budgetMinutes);
                if (progress >= 1) {
                    break;
                }
                List<int[]> sequences = data.sample(random, batch, context);
                float loss = trainer.step(sequences, Training.learningRate(learningRate, floor, warmupSteps, trainer.steps(),
                        progress));
                losses.add(loss);
                for (int[] s : sequences) {
                    tokensSeen += s.length - 1;
                }
                long now = System.nanoTime();
                progress = progress(trainer.steps(), maxSteps, now - start, budgetMinutes);
                if (progress >= (double) nextCurvePoint / CURVE_POINTS) {
                    heldOutCurve.add(new LossCurveFigure.HeldOut(trainer.steps(), trainer.evaluate(curveWindows)));
                    nextCurvePoint = (int) Math.floor(progress * CURVE_POINTS) + 1;
                }
                bar.draw(trainer.steps(), maxSteps, loss, tokensSeen, now - start, progress);
            }
            bar.finish();
            elapsedMinutes = (System.nanoTime() - start) / 60e9;

            List<int[]> windows = data.heldOutWindows(context, evalTokens, Integer.MAX_VALUE);
            long scored = windows.stream().mapToLong(w -> w.length - 1).sum();
            err.printf(Locale.ROOT, "Scoring %,d held-out tokens...%n", scored);
            double heldOutLoss = trainer.evaluate(windows);
            trainer.save(out);
            float[] curve = new float[losses.size()];
            for (int i = 0; i < curve.length; i++) {
                curve[i] = losses.get(i);
            }
            double finalLoss = tail(curve, Math.max(1, Math.min(50, curve.length / 10)));
            String name = out.getFileName().toString();
            Figure loss = LossCurveFigure.of(String.format(Locale.ROOT,
                    "%s: %d layers × %d, %,d steps, held-out perplexity %.1f", name, layers, width, curve.length,
                    Math.exp(heldOutLoss)), curve, heldOutCurve, FigureOptions.DEFAULT.withWidth(900), ExportMetadata.NONE);
            Exporter.exportFigure(loss, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(1), out.resolve("loss.png"));

            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", name);
            summary.put("steps", curve.length);
            summary.put("tokens_seen", tokensSeen);
            summary.put("minutes", round(elapsedMinutes, 2));
            summary.put("final_train_loss", round(finalLoss, 4));
            summary.put("held_out_loss", round(heldOutLoss, 4));
            summary.put("held_out_perplexity", round(Math.exp(heldOutLoss), 2));
            summary.put("held_out_tokens_scored", scored);
            summary.put("corpus", corpusName != null ? corpusName : corpus.getFileName().toString());
            summary.put("corpus_licence", corpusLicence);
            summary.put("corpus_bytes", Files.size(corpus));
            summary.put("corpus_documents", data.documents());
            summary.put("corpus_tokens", data.tokens());
            summary.put("train_tokens", data.train().length);
            summary.put("held_out_tokens", data.heldOut().length);
            Map<String, Object> architecture = new LinkedHashMap<>();
            architecture.put("layers", layers);
            architecture.put("width", width);
            architecture.put("heads", headCount);
            architecture.put("context", context);
            architecture.put("vocab", trainer.vocabulary());
            architecture.put("parameters", trainer.parameterCount());
            summary.put("architecture", architecture);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("batch", batch);
            settings.put("learning_rate", learningRate);
            settings.put("min_learning_rate", floor);
            settings.put("warmup_steps", warmupSteps);
            settings.put("weight_decay", weightDecay);
            settings.put("clip_norm", 1.0);
            settings.put("adam_betas", List.of(0.9, 0.95));
            settings.put("seed", seed);
            settings.put("budget_minutes", Double.isInfinite(budgetMinutes) ? null : budgetMinutes);
            settings.put("budget_steps", steps);
            summary.put("settings", settings);
            Map<String, Object> machine = new LinkedHashMap<>();
            machine.put("cpu_cores", Runtime.getRuntime().availableProcessors());
            machine.put("load_average_start", round(loadAtStart, 2));
            machine.put("load_average_end", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
            machine.put("omp_wait_policy", System.getenv("OMP_WAIT_POLICY"));
            machine.put("tokens_per_second", Math.round(tokensSeen / Math.max(1e-9, elapsedMinutes * 60)));
            summary.put("machine", machine);
            summary.put("held_out_curve", heldOutCurve.stream()
                    .map(p -> {
                        Map<String, Object> point = new LinkedHashMap<>();
                        point.put("step", p.step());
                        point.put("loss", round(p.loss(), 4));
                        return point;
                    }).toList());
            List<Double> rounded = new ArrayList<>(curve.length);
            for (float v : curve) {
                rounded.add(round(v, 3));
            }
            summary.put("train_loss", rounded);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(out.resolve("training.json").toFile(), summary);
            stdout.printf(Locale.ROOT, "%s: %,d steps, %,d tokens in %.1f minutes; train loss %.3f, held-out loss %.3f "
                    + "(perplexity %.1f)%n", out, curve.length, tokensSeen, elapsedMinutes, finalLoss, heldOutLoss,
                    Math.exp(heldOutLoss));
            stdout.flush();
        }
        return 0;
    }

    private void validate(int headCount) {
        if (layers < 1 || width < 1 || headCount < 1 || context < 2 || batch < 1) {
            throw new ParameterException(spec.commandLine(), "--layers, --width, --heads and --batch must be positive, "
                    + "--context at least 2.");
        }
        if (width % headCount != 0) {
            throw new ParameterException(spec.commandLine(), "--width " + width + " is not divisible by "
                    + headCount + " heads: give --heads.");
        }
        if ((minutes != null && !(minutes > 0)) || (steps != null && steps < 1)) {
            throw new ParameterException(spec.commandLine(), "--minutes and --steps must be positive.");
        }
        if (!(learningRate > 0)) {
            throw new ParameterException(spec.commandLine(), "--lr must be positive.");
        }
        if (!Files.isRegularFile(corpus)) {
            throw new ParameterException(spec.commandLine(), "No corpus file at " + corpus + ".");
        }
    }

    private Path defaultTokenizer() {
        for (String name : List.of(ModelSources.BUNDLED_SMALL, ModelSources.BUNDLED_LARGE)) {
            var folder = ModelSources.bundled(name);
            if (folder.isPresent()) {
                return folder.get().resolve("tokenizer.json");
            }
        }
        throw new ParameterException(spec.commandLine(),
                "No bundled model in assets/models to take GPT-2's tokenizer from: give --tokenizer FILE.");
    }

    /** The larger of the shares of steps taken and of the time budget spent, in [0, 1]. */
    private static double progress(int step, int maxSteps, long elapsedNanos, double budgetMinutes) {
        double bySteps = maxSteps == Integer.MAX_VALUE ? 0 : (double) step / maxSteps;
        double byTime = Double.isInfinite(budgetMinutes) ? 0 : elapsedNanos / (budgetMinutes * 60e9);
        return Math.min(1, Math.max(bySteps, byTime));
    }

    private static double tail(float[] values, int count) {
        double sum = 0;
        for (int i = values.length - count; i < values.length; i++) {
            sum += values[i];
        }
        return sum / count;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /**
     * One line on stderr, redrawn in place at most four times a second:
     * {@code [#####               ]  25%  step 412  loss 5.213  1,932 tok/s  elapsed 7:30  ETA 22:30}.
     */
    static final class ProgressLine {
        private static final int BAR_WIDTH = 20;

        private final PrintWriter err;
        private long lastDraw = Long.MIN_VALUE;
        private int lastLength;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        void draw(int step, int maxSteps, float loss, long tokens, long elapsedNanos, double progress) {
            boolean last = progress >= 1;
            if (!last && lastDraw != Long.MIN_VALUE && elapsedNanos - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = elapsedNanos;
            int filled = (int) Math.round(progress * BAR_WIDTH);
            double seconds = elapsedNanos / 1e9;
            String line = String.format(Locale.ROOT, "[%s%s] %3d%%  step %,d%s  loss %.3f  %,.0f tok/s  elapsed %s  ETA %s",
                    "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), (int) (progress * 100), step,
                    maxSteps == Integer.MAX_VALUE ? "" : "/" + String.format(Locale.ROOT, "%,d", maxSteps), loss,
                    tokens / Math.max(1e-9, seconds), clock(seconds),
                    progress > 0 ? clock(seconds * (1 - progress) / progress) : "?");
            int length = line.length();
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - length)));
            err.flush();
            lastLength = length;
        }

        void finish() {
            if (lastLength > 0) {
                err.println();
                err.flush();
                lastLength = 0;
            }
        }

        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                    : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
    }
}
