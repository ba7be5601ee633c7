package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.Comparison;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.SpanAlignment;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.ScoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.service.OpenedModel;

/** {@code score}: every token's log-probability, rank and entropy under one model or two. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score every token of a text: log-probability, probability, rank, entropy, top-k.")
public final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Mixin
    TextInput input;

    @Option(names = "--compare", paramLabel = "M2", description = "A second model to score the same tokens.")
    String compare;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K", description = "Alternatives per position (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--no-bos", description = "Feed the text alone (its first token stays unscored) instead of after <|endoftext|>.")
    boolean noBos;

    @Option(names = "--stride", defaultValue = "0", paramLabel = "S",
            description = "Window stride for texts longer than the context (default: half the context).")
    int stride;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String text = input.read();
        ScoreOptions options = new ScoreOptions(!noBos, topK, stride);
        List<ScoredText> runs = new ArrayList<>();
        for (String spec : compare == null ? List.of(models.model()) : List.of(models.model(), compare)) {
            try (OpenedModel model = models.open(spec)) {
                runs.add(model.backend().score(text, options, () -> false,
                        ScoreProgress.NONE));
            }
        }
        SpanAlignment alignment = runs.size() == 2 ? SpanAlignment.of(runs.get(0).tokens(), runs.get(1).tokens()) : null;
        Comparison comparison = alignment == null ? null : Comparison.of(alignment);
        PrintWriter out = this.spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(toJson(text, !noBos, runs, comparison, alignment)));
        } else {
            printTable(out, text, runs, comparison, alignment);
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> toJson(String text, boolean bos, List<ScoredText> runs, Comparison comparison) {
        SpanAlignment alignment = runs.size() == 2 ? SpanAlignment.of(runs.get(0).tokens(), runs.get(1).tokens()) : null;
        return toJson(text, bos, runs, comparison, alignment);
    }

    static Map<String, Object> toJson(String text, boolean bos, List<ScoredText> runs, Comparison comparison,
                                      SpanAlignment alignment) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("text", text);
        // what was done: a start token fed before the text for every run (a tokenizer without one feeds none)
        root.put("bos", bos && runs.stream().allMatch(ScoredText::bos));
        List<Object> runList = new ArrayList<>();
        for (ScoredText run : runs) {
            runList.add(Json.run(run));
        }
        root.put("runs", runList);
        root.put("comparison", comparison == null ? null : Json.comparison(comparison, alignment));
        return root;
    }

    private static void printTable(PrintWriter out, String text, List<ScoredText> runs, Comparison comparison,
                                   SpanAlignment alignment) {
        ScoredText a = runs.get(0);
        ScoredText b = runs.size() > 1 ? runs.get(1) : null;
        for (ScoredText run : runs) {
            if (run.model().layers() == 0) {
                out.printf(Locale.ROOT, "model %s: remote (layers and parameters not known), context %s%n",
                        run.model().name(), run.model().context() > 0 ? Integer.toString(run.model().context()) : "not known");
            } else {
                out.printf(Locale.ROOT, "model %s: %d layers, %,d parameters, context %d%n", run.model().name(),
                        run.model().layers(), run.model().parameters(), run.model().context());
            }
            if (run.windows().windows().size() > 1) {
                out.printf(Locale.ROOT, "  the text (%d tokens) is longer than the context: scored in %d windows, stride %d%n",
                        run.tokens().size(), run.windows().windows().size(), run.windows().stride());
            }
        }
        if (b != null && !alignment.identical()) {
            printTokens(out, a, a.model().name() + ":");
            printTokens(out, b, b.model().name() + ":");
            printAligned(out, text, a, b, alignment);
        } else {
            printSideBySide(out, a, b);
        }
        for (ScoredText run : runs) {
            out.printf(Locale.ROOT, "perplexity (%s): %.4f%n", run.model().name(), run.perplexity());
        }
        if (comparison != null) {
            out.printf(Locale.ROOT, "log-prob correlation over %d %s: Pearson %s, Spearman %s%n",
                    comparison.pearson().n(), alignment.identical() ? "tokens" : "aligned spans",
                    Json.number(comparison.pearson().value()), Json.number(comparison.spearman().value()));
        }
    }

    /** One model's tokens, the header prefixed with {@code title}. */
    private static void printTokens(PrintWriter out, ScoredText run, String title) {
        out.println(title);
        printSideBySide(out, run, null);
    }

    /**
     * The two tokenizations' common spans: each model's log-probabilities summed over its tokens in the
     * span (see {@link SpanAlignment}).
     */
    private static void printAligned(PrintWriter out, String text, ScoredText a, ScoredText b, SpanAlignment alignment) {
        out.println("the tokenizers differ: log-probabilities summed over each model's tokens in the spans both cover whole");
        out.println(String.format(Locale.ROOT, "%6s %6s  %-18s %8s %11s | %8s %11s", "start", "end", "span",
                "A tokens", "A log-prob", "B tokens", "B log-prob"));
        for (SpanAlignment.Segment s : alignment.segments()) {
            out.println(String.format(Locale.ROOT, "%6d %6d  %-18s %8d %11s | %8d %11s", s.start(), s.end(),
                    Tokens.visible(text.substring(s.start(), s.end()), false, 18), s.a().length,
                    s.aLogprob() == null ? "-" : String.format(Locale.ROOT, "%.4f", s.aLogprob()), s.b().length,
                    s.bLogprob() == null ? "-" : String.format(Locale.ROOT, "%.4f", s.bLogprob())));
        }
    }

    /** One model's tokens, or two models' with identical spans side by side. */
    private static void printSideBySide(PrintWriter out, ScoredText a, ScoredText b) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%6s %6s  %-18s %9s %8s %7s %8s",
                "index", "id", "token", "log-prob", "prob", "rank", "entropy"));
        if (b != null) {
            header.append(String.format(Locale.ROOT, " | %9s %8s %7s %8s", "B log-prob", "B prob", "B rank", "B entropy"));
        }
        out.println(header);
        for (int i = 0; i < a.tokens().size(); i++) {
            TokenScore t = a.tokens().get(i);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%6d %6d  %-18s %s", t.index(), t.id(),
                    Tokens.visible(t.text(), t.partial(), 18), cells(t)));
            if (b != null) {
                line.append(" | ").append(cells(b.tokens().get(i)));
            }
            out.println(line);
        }
    }

    private static String cells(TokenScore t) {
        if (!t.isScored()) {
            return String.format(Locale.ROOT, "%9s %8s %7s %8s", "-", "-", "-", "-");
        }
        return String.format(Locale.ROOT, "%9.4f %8.5f %7s %8s", t.logprob(), t.prob(),
                t.rank() == null ? "-" : t.rank().toString(),
                t.entropy() == null ? "-" : String.format(Locale.ROOT, "%.4f", t.entropy()));
    }
}
