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
import org.tokenscope.analysis.Alternative;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.EarlyStopping;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.Sampling;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.Strategy;
import org.tokenscope.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.tokenscope.service.OpenedModel;

/** {@code generate}: greedy, beam search or sampling, with every step's score. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt (greedy, beam search or sampling) and show each step's log-probability.")
public final class GenerateCommand implements Callable<Integer> {

    enum StrategyName { greedy, beam, sample }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Option(names = "--prompt", paramLabel = "P", description = "The text to continue, after the model's start token "
            + "as a text is scored (GPT-2's <|endoftext|>, Llama 3.1's and Gemma's BOS; Qwen has none); --no-bos feeds it alone.")
    String prompt;

    @Option(names = "--chat", paramLabel = "MESSAGE", description = "A user's message, put through the model's chat "
            + "template (tokenizer_config.json); generation stops at the model's end-of-turn tokens.")
    String chatMessage;

    @Option(names = "--max-new-tokens", defaultValue = "20", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--strategy", defaultValue = "greedy", paramLabel = "S", description = "greedy, beam or sample (default ${DEFAULT-VALUE}).")
    StrategyName strategy;

    @Option(names = "--beams", defaultValue = "4", paramLabel = "K", description = "Beams for beam search (default ${DEFAULT-VALUE}).")
    int beams;

    @Option(names = "--length-penalty", defaultValue = "1.0", paramLabel = "L", description = "Beam score = sum log p / length^L (default ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--early-stopping", defaultValue = "false", paramLabel = "E", description = "Beam search: true, false or never (default ${DEFAULT-VALUE}).")
    String earlyStopping;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Sample among the K most likely (0 = all).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P", description = "Nucleus sampling mass (1 = off).")
    double topP;

    @Option(names = "--repetition-penalty", defaultValue = "1.0", paramLabel = "R", description = "CTRL repetition penalty (1 = off).")
    double repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop", paramLabel = "STR", description = "Stop once this string appears (repeatable).")
    List<String> stops = new ArrayList<>();

    @Option(names = "--alternatives", defaultValue = "5", paramLabel = "K", description = "Top alternatives kept per step.")
    int alternatives;

    @Option(names = "--no-bos", description = "Feed the prompt alone, as transformers' generate() does for GPT-2, instead of "
            + "after the model's start token (GPT-2's <|endoftext|>, Llama's BOS) as every text is scored.")
    boolean noBos;

    @Option(names = "--json", description = "Print JSON instead of the stream and a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((prompt == null) == (chatMessage == null)) {
            throw new IllegalArgumentException("Give either --prompt (a text to continue) or --chat (a message to answer).");
        }
        boolean chat = chatMessage != null;
        String prompt = chat ? chatMessage : this.prompt;
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("The prompt is empty: give a text to continue.");
        }
        Strategy chosen = strategy();
        PrintWriter out = spec.commandLine().getOut();
        try (OpenedModel opened = models.open(models.model())) {
            Backend model = opened.backend();
            GenerationListener listener = json ? GenerationListener.NONE : new GenerationListener() {
                @Override
                public void onText(String text) {
                    out.print(text);
                    out.flush();
                }
            };
            if (!json && !chat) {
                out.print(prompt);
                out.flush();
            }
            GenerationResult result = model.generate(prompt,
                    new Backend.GenerationSettings(maxNewTokens, chosen, stops, alternatives, chat).withBos(!noBos),
                    listener, () -> false);
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(prompt, result.promptIds(), settings(), result)));
            } else {
                printTables(out, result);
            }
        }
        out.flush();
        return 0;
    }

    private Strategy strategy() {
        return switch (strategy) {
            case greedy -> repetitionPenalty == 1.0 ? new Greedy() : Greedy.withRepetitionPenalty(repetitionPenalty);
            case sample -> Sampling.of(temperature, topK, topP, repetitionPenalty, seed);
            case beam -> {
                BeamSearch b = BeamSearch.of(beams).withLengthPenalty(lengthPenalty)
                        .withEarlyStopping(EarlyStopping.fromHf(earlyStopping));
                yield repetitionPenalty == 1.0 ? b : b.withRepetitionPenalty(repetitionPenalty);
            }
        };
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", strategy.name());
        s.put("max_new_tokens", maxNewTokens);
        s.put("repetition_penalty", repetitionPenalty);
        switch (strategy) {
            case sample -> {
                s.put("temperature", temperature);
                s.put("top_k", topK);
                s.put("top_p", topP);
                s.put("seed", seed);
            }
            case beam -> {
                s.put("beams", beams);
                s.put("length_penalty", lengthPenalty);
                s.put("early_stopping", earlyStopping);
            }
            default -> { }
        }
        s.put("stop", stops);
        s.put("chat", chatMessage != null);
        s.put("bos", !noBos);
        return s;
    }

    static Map<String, Object> toJson(String prompt, int[] ids, Map<String, Object> settings, GenerationResult result) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("prompt", prompt);
        root.put("prompt_ids", ids);
        root.put("strategy", settings);
        List<Object> sequences = new ArrayList<>();
        for (Sequence s : result.sequences()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text", s.text());
            m.put("ids", s.ids());
            m.put("score", Json.finite(s.score()));
            m.put("stop_reason", s.stopReason().name().toLowerCase(Locale.ROOT));
            List<Object> steps = new ArrayList<>();
            for (Step step : s.steps()) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("id", step.id());
                st.put("text", step.text());
                st.put("logprob", Json.finite(step.logprob()));
                st.put("sample_prob", step.sampleProb());
                st.put("rank", step.rank() > 0 ? step.rank() : null); // 0: unknown (a remote server's top-k)
                st.put("entropy", Json.finite(step.entropy()));
                List<Object> top = new ArrayList<>();
                for (Alternative a : step.top()) {
                    top.add(Json.alternative(a));
                }
                st.put("top", top);
                steps.add(st);
            }
            m.put("steps", steps);
            sequences.add(m);
        }
        root.put("sequences", sequences);
        root.put("cancelled", result.cancelled());
        return root;
    }

    private static void printTables(PrintWriter out, GenerationResult result) {
        out.println();
        out.println();
        int n = 0;
        for (Sequence s : result.sequences()) {
            if (result.sequences().size() > 1) {
                out.printf(Locale.ROOT, "beam %d (score %.4f): %s%n", ++n, s.score(), Tokens.visible(s.text(), false, 200));
            }
            out.printf(Locale.ROOT, "| %6s | %-18s | %9s | %8s | %5s |%n", "id", "token", "log-prob", "prob", "rank");
            out.println("|--------|--------------------|-----------|----------|-------|");
            double joint = 0;
            for (Step step : s.steps()) {
                joint += step.logprob();
                out.printf(Locale.ROOT, "| %6d | %-18s | %9.4f | %8.5f | %5s |%n", step.id(),
                        Tokens.visible(step.text(), false, 18), step.logprob(), step.prob(),
                        step.rank() > 0 ? Integer.toString(step.rank()) : "-");
            }
            out.printf(Locale.ROOT, "joint log-probability of the continuation: %.4f (probability %.3e), stopped: %s%n%n",
                    joint, Math.exp(joint), s.stopReason().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
    }
}
