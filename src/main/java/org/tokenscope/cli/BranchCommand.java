package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.Strategy;
import org.tokenscope.backend.Backend;
import org.tokenscope.backend.Branch;
import org.tokenscope.service.OpenedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code branch}: what if token I had been another one? The fork and what the model makes of it. */
@Command(name = "branch", mixinStandardHelpOptions = true,
        description = "Replace token I of a text by another token and let the model continue from there.")
public final class BranchCommand implements Callable<Integer> {

    enum StrategyName { greedy, sample }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Option(names = "--text", required = true, paramLabel = "T", description = "The text to fork.")
    String text;

    @Option(names = "--at", required = true, paramLabel = "I", description = "The token to replace, by its index in the text (from 0, as score numbers them).")
    int at;

    @Option(names = "--token", required = true, paramLabel = "ID_OR_TEXT",
            description = "The token that replaces it: its id (digits), or a text that is exactly one token (mind the leading space: \" cat\").")
    String token;

    @Option(names = "--max-new-tokens", defaultValue = "20", paramLabel = "N", description = "Tokens after the fork (default ${DEFAULT-VALUE}; 0 = only the fork).")
    int maxNewTokens;

    @Option(names = "--strategy", defaultValue = "greedy", paramLabel = "S", description = "greedy or sample (default ${DEFAULT-VALUE}).")
    StrategyName strategy;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Sample among the K most likely (0 = all).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P", description = "Nucleus sampling mass (1 = off).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--alternatives", defaultValue = "5", paramLabel = "K", description = "Top alternatives kept per step.")
    int alternatives;

    @Option(names = "--no-bos", description = "Feed the text alone instead of after the model's start token "
            + "(GPT-2's <|endoftext|>), as generate --no-bos does.")
    boolean noBos;

    @Option(names = "--json", description = "Print JSON (generate's shape, with \"fork\") instead of text and a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (maxNewTokens < 0) throw new IllegalArgumentException("--max-new-tokens cannot be negative, got " + maxNewTokens + ".");
        Strategy chosen = strategy == StrategyName.greedy ? new Greedy() : Sampling.of(temperature, topK, topP, 1.0, seed);
        PrintWriter out = spec.commandLine().getOut();
        try (OpenedModel opened = models.open(models.model())) {
            Backend model = opened.backend();
            Branch branch = model.branch(text, at, token,
                    new Backend.GenerationSettings(maxNewTokens, chosen, List.of(), alternatives).withBos(!noBos),
                    GenerationListener.NONE,
                    () -> false);
            if (json) {
                Map<String, Object> root = GenerateCommand.toJson(Json.model(model.summary(), models.model()), branch.prompt(), branch.result().promptIds(), settings(),
                        branch.result());
                Map<String, Object> fork = new LinkedHashMap<>();
                fork.put("position", branch.fork().position());
                fork.put("replaced", choice(branch.fork().replaced()));
                fork.put("with", choice(branch.fork().with()));
                root.put("fork", fork);
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            } else {
                print(out, branch);
            }
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", strategy.name());
        s.put("max_new_tokens", maxNewTokens);
        if (strategy == StrategyName.sample) {
            s.put("temperature", temperature);
            s.put("top_k", topK);
            s.put("top_p", topP);
            s.put("seed", seed);
        }
        return s;
    }

    private static Map<String, Object> choice(Branch.Choice c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("text", c.text());
        m.put("logprob", Json.finite(c.logprob()));
        return m;
    }

    private static void print(PrintWriter out, Branch branch) {
        Branch.Fork fork = branch.fork();
        var sequence = branch.result().best();
        out.printf(Locale.ROOT, "token %d: %s (log-prob %.4f) -> %s (log-prob %.4f)%n", fork.position(),
                Tokens.visible(fork.replaced().text(), false, 40), fork.replaced().logprob(),
                Tokens.visible(fork.with().text(), false, 40), fork.with().logprob());
        out.println(branch.prompt() + sequence.text());
        out.println();
        out.printf(Locale.ROOT, "| %6s | %-18s | %9s | %8s | %5s |%n", "id", "token", "log-prob", "prob", "rank");
        out.println("|--------|--------------------|-----------|----------|-------|");
        for (Step step : sequence.steps()) {
            out.printf(Locale.ROOT, "| %6d | %-18s | %9.4f | %8.5f | %5d |%n", step.id(),
                    Tokens.visible(step.text(), false, 18), step.logprob(), step.prob(), step.rank());
        }
        int n = sequence.length();
        out.printf(Locale.ROOT, "joint log-probability of the branch (%d token%s from the fork): %.4f, perplexity %.3f%n",
                n, n == 1 ? "" : "s", sequence.score(), Math.exp(-sequence.score() / n));
    }
}
