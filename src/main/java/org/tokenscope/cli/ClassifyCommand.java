package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.TextPair;
import org.tokenscope.hub.DownloadListener;
import org.tokenscope.service.PairJudge;
import org.tokenscope.service.PairsFile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code classify}: a ready-made sentence-pair classifier (an NLI or consistency model such as HHEM)
 * on premise/hypothesis pairs, as a table or as JSON.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Score premise/hypothesis pairs with a sentence-pair classifier (DeBERTa-v2/v3: NLI, HHEM).")
public final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M",
            description = "A classifier folder (config.json, tokenizer.json, model.safetensors or pytorch_model.bin) "
                    + "or a Hub id, e.g. cross-encoder/nli-deberta-v3-base, or vectara/hallucination_evaluation_model "
                    + "with --revision hhem-1.0-open.")
    String model;

    @Option(names = "--revision", defaultValue = "main", paramLabel = "R",
            description = "Hub revision: branch, tag or commit (default ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--offline", description = "Never touch the network (also HF_HUB_OFFLINE=1).")
    boolean offline;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--pairs", paramLabel = "FILE",
                description = "Pairs: .jsonl (keys premise, hypothesis), .tsv or .csv (columns premise, hypothesis).")
        Path pairs;

        @ArgGroup(exclusive = false)
        One one;
    }

    static final class One {
        @Option(names = "--premise", required = true, paramLabel = "A", description = "The premise (with --hypothesis).")
        String premise;

        @Option(names = "--hypothesis", required = true, paramLabel = "B", description = "The hypothesis (with --premise).")
        String hypothesis;
    }

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<TextPair> pairs = input.pairs != null ? PairsFile.read(input.pairs)
                : List.of(new TextPair(input.one.premise, input.one.hypothesis));
        PairScores scores;
        try (PairJudge judge = PairJudge.open(model, revision, !offline, DownloadListener.NONE, () -> false)) {
            scores = judge.classify(pairs, () -> false, (done, total) -> { });
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(scores)));
        } else {
            printTable(out, scores);
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        for (int i = 0; i < scores.pairs().size(); i++) {
            if (scores.pairs().get(i).truncated()) {
                err.println("Note: pair " + (i + 1) + " was longer than the " + scores.maxTokens()
                        + " tokens " + scores.model() + " reads, so the longer text was cut to fit.");
            }
        }
        err.flush();
        return 0;
    }

    /** {"model": {...}, "labels": [...], "pairs": [{"premise", "hypothesis", "scores": {label: p}, "top"}]}. */
    static Map<String, Object> toJson(PairScores scores) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", scores.model());
        model.put("architecture", scores.architecture());
        model.put("parameters", scores.parameters());
        model.put("max_tokens", scores.maxTokens());
        root.put("model", model);
        root.put("labels", scores.labels());
        List<Object> pairs = new ArrayList<>();
        for (PairScore p : scores.pairs()) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("premise", p.pair().premise());
            pair.put("hypothesis", p.pair().hypothesis());
            Map<String, Object> byLabel = new LinkedHashMap<>();
            p.scores().forEach((label, value) -> byLabel.put(label, Json.finite(value)));
            pair.put("scores", byLabel);
            pair.put("top", p.top());
            pairs.add(pair);
        }
        root.put("pairs", pairs);
        return root;
    }

    private static void printTable(PrintWriter out, PairScores scores) {
        out.printf(Locale.ROOT, "%s (%s, %,d parameters, up to %d tokens)%n", scores.model(), scores.architecture(),
                scores.parameters(), scores.maxTokens());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%4s", "#"));
        for (String label : scores.labels()) {
            head.append(String.format(Locale.ROOT, "  %13s", clip(label, 13)));
        }
        if (scores.labels().size() > 1) {
            head.append(String.format(Locale.ROOT, "  %-13s", "top"));
        }
        head.append("  premise | hypothesis");
        out.println(head);
        int i = 1;
        for (PairScore p : scores.pairs()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%4d", i++));
            for (String label : scores.labels()) {
                row.append(String.format(Locale.ROOT, "  %13.4f", p.score(label)));
            }
            if (scores.labels().size() > 1) {
                row.append(String.format(Locale.ROOT, "  %-13s", clip(p.top(), 13)));
            }
            row.append("  ").append(oneLine(p.pair().premise(), 50)).append(" | ").append(oneLine(p.pair().hypothesis(), 50));
            out.println(row);
        }
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String oneLine(String s, int n) {
        return clip(s.replaceAll("\\s+", " ").strip(), n);
    }
}
