package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.generate.DecoderModel;
import org.tokenscope.generate.GenerationListener;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.generate.Greedy;
import org.tokenscope.generate.LogitsSession;
import org.tokenscope.generate.Step;
import org.tokenscope.backend.ScoreOptions;
import org.tokenscope.service.IncrementalScorer;
import org.tokenscope.model.KernelBenchmark;
import org.tokenscope.service.Explanations;
import org.tokenscope.service.LocalBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: how long loading, scoring and generating take on this machine, through the same
 * code paths the app uses. Token ids are pseudo-random from a fixed seed, so runs repeat exactly.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time loading, scoring N tokens and greedy generation of K tokens (see BENCHMARKS.md).")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Option(names = "--tokens", defaultValue = "1024", paramLabel = "N",
            description = "Token ids to score; past the context, windows apply (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--new-tokens", defaultValue = "32", paramLabel = "K",
            description = "Tokens to generate greedily after the prompt; 0 skips generation (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--prompt-tokens", defaultValue = "16", paramLabel = "P",
            description = "Random token ids the generation continues; the first token's time covers them "
                    + "(default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "R",
            description = "Timed repeats after one warm-up; the median and minimum are reported (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--uncached-new-tokens", paramLabel = "K",
            description = "Tokens to generate without the key/value cache, a full forward pass per token "
                    + "(default: as --new-tokens; 0 skips).")
    Integer uncachedNewTokens;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K", description = "Alternatives per position and step (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--bos", description = "Feed <|endoftext|> before the ids, as `score` does by default "
            + "(then N = context takes two windows). Without it, N ids are exactly one forward pass of N positions.")
    boolean bos;

    @Option(names = "--seed", defaultValue = "8", paramLabel = "S", description = "Seed of the token ids (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--edit", description = "Also time re-scoring after an edit through the kept cache: one word "
            + "typed at the end, one token changed in the middle, against a full score (use at most context − 1 tokens).")
    boolean edit;

    @Option(names = "--json", description = "Print JSON instead of a summary.")
    boolean json;

    @Option(names = "--logprobs", paramLabel = "FILE", description = "Also write each scored position's log-probability "
            + "(\"position<TAB>id<TAB>logprob\" a line, from the warm-up run) to FILE, to set beside bench/peer_torch.py's --logprobs.")
    Path logprobs;

    @Option(names = "--kernels", description = "Instead: time one linear layer in every weight format (f32, bf16, q8) "
            + "for gpt2's and Llama-3.2-1B's matrix shapes at 1, 4, 16 and --tokens positions, through each path "
            + "the forward pass can take (no model needed).")
    boolean kernels;

    @Option(names = "--attribute", paramLabel = "STEPS",
            description = "Instead of scoring and generating: integrated gradients with STEPS steps for one target "
                    + "after N ids (time and peak memory; see BENCHMARKS.md).")
    Integer attributeSteps;

    @Option(names = "--attributions", paramLabel = "FILE", description = "With --attribute: also write each row's "
            + "score (\"index<TAB>id<TAB>score\" a line, from the warm-up run) to FILE, to set beside bench/peer_torch.py's --attributions.")
    Path attributions;

    @Override
    public Integer call() throws Exception {
        if (tokens < 2) throw new IllegalArgumentException("--tokens must be at least 2, got " + tokens + ".");
        if (newTokens < 0) throw new IllegalArgumentException("--new-tokens cannot be negative, got " + newTokens + ".");
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat + ".");
        if (promptTokens < 1) {
            throw new IllegalArgumentException("--prompt-tokens must be at least 1, got " + promptTokens + ".");
        }
        int uncached = uncachedNewTokens == null ? newTokens : uncachedNewTokens;
        if (uncached < 0) throw new IllegalArgumentException("--uncached-new-tokens cannot be negative.");
        PrintWriter err = spec.commandLine().getErr();
        if (kernels) {
            return kernels(spec.commandLine().getOut());
        }

        long started = System.nanoTime();
        Map<String, Object> root = new LinkedHashMap<>();
        try (LocalBackend model = models.openLocal(models.model())) {
            double loadSeconds = seconds(System.nanoTime() - started);
            err.printf(Locale.ROOT, "bench: loaded %s in %.2f s%n", model.summary().name(), loadSeconds);
            root.put("model", model.summary().name());
            root.put("weights", model.summary().weights());
            root.put("weight_bytes", model.weightBytes());
            root.put("kernel", KernelBenchmark.kernel());
            root.put("load_s", round(loadSeconds));
            root.put("rss_after_load_bytes", statusBytes("VmRSS:"));
            if (attributeSteps != null) {
                root.put("attribute", attribute(model, attributeSteps, err));
            } else {
                root.put("score", score(model, err));
                if (edit) {
                    root.put("edit", edit(model, err));
                }
                if (newTokens > 0) {
                    root.put("generate", generate(model, newTokens, false, err));
                }
                if (uncached > 0) {
                    root.put("generate_uncached", generate(model, uncached, true, err));
                }
            }
            root.put("peak_rss_bytes", statusBytes("VmHWM:"));
            root.put("parameters", model.summary().parameters());
            root.put("layers", model.summary().layers());
            root.put("width", model.width());
            root.put("context", model.summary().context());
            root.put("cores", Runtime.getRuntime().availableProcessors());
            root.put("java", Runtime.version().toString());
            root.put("seed", seed);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } else {
            printSummary(out, root);
        }
        out.flush();
        return 0;
    }

    // ---- kernels ----------------------------------------------------------------------------

    /** gpt2's linear layers and head, and Llama-3.2-1B's q/o, k/v and MLP layers: [in, out]. */
    static final int[][] KERNEL_SHAPES = {{768, 2304}, {768, 768}, {768, 3072}, {3072, 768}, {768, 50257},
            {2048, 2048}, {2048, 512}, {2048, 8192}, {8192, 2048}};

    private int kernels(PrintWriter out) throws Exception {
        List<KernelBenchmark.Result> results = KernelBenchmark.run(KERNEL_SHAPES, tokens, repeat);
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("kernel", KernelBenchmark.kernel());
            root.put("cores", Runtime.getRuntime().availableProcessors());
            root.put("java", Runtime.version().toString());
            root.put("results", results);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } else {
            out.printf(Locale.ROOT, "kernel: %s; %d cores; median of %d; ms per call (CPU ms of the whole process)%n",
                    KernelBenchmark.kernel(), Runtime.getRuntime().availableProcessors(), repeat);
            for (KernelBenchmark.Result r : results) {
                out.printf(Locale.ROOT, "%5d -> %6d  %-4s %-10s T=%-5d %9.3f ms (%8.3f cpu)%s%n", r.in(), r.out(),
                        r.weights(), r.path(), r.positions(), r.medianMs(), r.cpuMs(),
                        Double.isNaN(r.weightGBperS()) ? "" : String.format(Locale.ROOT, "  %5.1f GB/s of weights", r.weightGBperS()));
            }
        }
        out.flush();
        return 0;
    }

    // ---- scoring ----------------------------------------------------------------------------

    private Map<String, Object> score(LocalBackend model, PrintWriter err) {
        int[] ids = randomIds(seed, tokens, model.decoder().vocabSize());
        ScoreOptions options = new ScoreOptions(bos, topK, 0);
        double[] times = new double[repeat];
        double[] cpu = new double[repeat];
        double first = 0;
        int windows = 0;
        int scored = 0;
        for (int run = -1; run < repeat; run++) {
            String label = run < 0 ? "warm-up" : "run " + (run + 1) + "/" + repeat;
            double cpuStart = cpuSeconds();
            long start = System.nanoTime();
            ScoredText result = model.scoreIds(ids, options, () -> false, (done, total) ->
                    err.printf(Locale.ROOT, "bench: scoring %d tokens, %s: window %d/%d%n", tokens, label, done, total));
            double s = seconds(System.nanoTime() - start);
            if (run < 0) {
                first = s;
                windows = result.windows().windows().size();
                scored = (int) result.tokens().stream().filter(t -> t.isScored()).count();
                if (logprobs != null) {
                    writeLogprobs(result);
                }
            } else {
                times[run] = s;
                cpu[run] = cpuSeconds() - cpuStart;
            }
        }
        double median = median(times);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", tokens);
        out.put("median_s", round(median));
        out.put("min_s", round(Arrays.stream(times).min().orElseThrow()));
        out.put("tokens_per_s", round(tokens / median));
        out.put("first_s", round(first));
        out.put("cpu_s", round(median(cpu)));
        out.put("repeats", repeat);
        out.put("windows", windows);
        out.put("scored_tokens", scored);
        out.put("bos", bos);
        out.put("top_k", topK);
        return out;
    }

    private void writeLogprobs(ScoredText result) {
        StringBuilder lines = new StringBuilder();
        for (var t : result.tokens()) {
            if (t.isScored()) {
                lines.append(t.index()).append('\t').append(t.id()).append('\t').append(t.logprob()).append('\n');
            }
        }
        try {
            Files.writeString(logprobs, lines);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write " + logprobs + ": " + e.getMessage(), e);
        }
    }

    // ---- incremental re-scoring ------------------------------------------------------------

    /**
     * The app's re-scoring after an edit ({@link IncrementalScorer}, as {@code LocalBackend} keeps it):
     * the time to score the ids plus one new token at the end (a word typed), and with the middle token
     * changed, each after the unedited ids were scored; and a full score from an empty cache.
     */
    private Map<String, Object> edit(LocalBackend model, PrintWriter err) {
        int vocab = model.decoder().vocabSize();
        int[] ids = randomIds(seed, tokens, vocab);
        int[] appended = Arrays.copyOf(ids, tokens + 1);
        appended[tokens] = randomIds(seed + 2, 1, vocab)[0];
        int[] middle = ids.clone();
        middle[tokens / 2] = (ids[tokens / 2] + 1) % vocab;
        ScoreOptions options = new ScoreOptions(bos, topK, 0);
        double[] full = new double[repeat];
        double[] append = new double[repeat];
        double[] mid = new double[repeat];
        IncrementalScorer scorer = model.scorer(); // the backend's own, as the app re-scores
        for (int run = -1; run < repeat; run++) {
            String label = run < 0 ? "warm-up" : "run " + (run + 1) + "/" + repeat;
            err.printf(Locale.ROOT, "bench: re-scoring %d tokens after an edit, %s%n", tokens, label);
            scorer.forget();
            long start = System.nanoTime();
            scorer.scoreIds(ids, options, () -> false, (d, t) -> { });
            double f = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            scorer.scoreIds(appended, options, () -> false, (d, t) -> { });
            double a = (System.nanoTime() - start) / 1e6;
            scorer.scoreIds(ids, options, () -> false, (d, t) -> { });
            start = System.nanoTime();
            scorer.scoreIds(middle, options, () -> false, (d, t) -> { });
            double m = (System.nanoTime() - start) / 1e6;
            if (run >= 0) {
                full[run] = f;
                append[run] = a;
                mid[run] = m;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", tokens);
        out.put("append_word_ms", round(median(append)));
        out.put("middle_edit_ms", round(median(mid)));
        out.put("full_ms", round(median(full)));
        return out;
    }

    // ---- attribution ------------------------------------------------------------------------

    /** Integrated gradients of log p(one more pseudo-random id) over N ids, every row attributed. */
    private Map<String, Object> attribute(LocalBackend model, int steps, PrintWriter err) {
        int[] all = randomIds(seed, tokens + 1, model.decoder().vocabSize());
        int[] ids = Arrays.copyOf(all, tokens);
        double[] times = new double[repeat];
        Explanations.Integrated last = null;
        for (int run = -1; run < repeat; run++) {
            err.printf(Locale.ROOT, "bench: integrated gradients, %d steps over %d tokens, %s%n", steps, tokens,
                    run < 0 ? "warm-up" : "run " + (run + 1) + "/" + repeat);
            long start = System.nanoTime();
            last = model.integratedGradients(ids, all[tokens], steps, () -> false);
            if (run >= 0) {
                times[run] = seconds(System.nanoTime() - start);
            } else if (attributions != null) {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < ids.length; i++) {
                    lines.append(i).append('\t').append(ids[i]).append('\t').append(last.scores()[i]).append('\n');
                }
                try {
                    Files.writeString(attributions, lines);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot write " + attributions + ": " + e.getMessage(), e);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tokens", tokens);
        out.put("steps", steps);
        out.put("target", all[tokens]);
        out.put("value", last.value());                  // f = log p(target) after the ids
        out.put("baseline_value", last.baselineValue()); // f after zero rows, positions kept
        out.put("sum", Arrays.stream(last.scores()).sum());
        out.put("steps_per_pass", last.stepsPerPass());
        out.put("median_s", round(median(times)));
        out.put("min_s", round(Arrays.stream(times).min().orElseThrow()));
        out.put("completeness_error", round(last.completenessError()));
        out.put("repeats", repeat);
        return out;
    }

    // ---- generation -------------------------------------------------------------------------

    private Map<String, Object> generate(LocalBackend model, int count, boolean withoutCache, PrintWriter err) {
        int[] prompt = randomIds(seed + 1, promptTokens, model.decoder().vocabSize());
        if (promptTokens + count > model.summary().context()) {
            throw new IllegalArgumentException("A " + promptTokens + "-token prompt plus " + count
                    + " new tokens exceed the model's context of " + model.summary().context() + ".");
        }
        Benchmarked timed = new Benchmarked(model, !withoutCache);
        GenerationRequest request = GenerationRequest.builder().setPrompt(prompt).setMaxNewTokens(count)
                .optStrategy(new Greedy()).optTopAlternatives(topK).build();
        String label = withoutCache ? "without the cache" : "with the cache";
        double[] times = new double[repeat];
        double[] firsts = new double[repeat];
        double[] cpu = new double[repeat];
        double[] stepMs = new double[count];
        double[] forwardShare = new double[repeat];
        for (int run = -1; run < repeat; run++) {
            timed.forwardNanos()[0] = 0;
            String which = run < 0 ? "warm-up" : "run " + (run + 1) + "/" + repeat;
            err.printf(Locale.ROOT, "bench: generating %d tokens %s, %s%n", count, label, which);
            double cpuStart = cpuSeconds();
            long start = System.nanoTime();
            long[] stamps = new long[count];
            int[] made = new int[1];
            GenerationResult result = new Generator(timed).generate(request, new GenerationListener() {
                @Override
                public void onStep(Step step) {
                    stamps[made[0]++] = System.nanoTime();
                }
            }, () -> false);
            long end = System.nanoTime();
            if (result.sequences().getFirst().ids().length != count) {
                throw new IllegalStateException("Generation stopped after " + result.sequences().getFirst().ids().length
                        + " of " + count + " tokens.");
            }
            if (run >= 0) {
                times[run] = seconds(end - start);
                cpu[run] = cpuSeconds() - cpuStart;
                firsts[run] = (stamps[0] - start) / 1e6;
                forwardShare[run] = timed.forwardNanos()[0] / (double) (end - start);
                if (run == repeat - 1) {
                    for (int i = 0; i < count; i++) {
                        stepMs[i] = round((stamps[i] - (i == 0 ? start : stamps[i - 1])) / 1e6);
                    }
                }
            }
        }
        double median = median(times);
        double firstMs = median(firsts);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("new_tokens", count);
        out.put("prompt_tokens", promptTokens);
        out.put("median_s", round(median));
        out.put("min_s", round(Arrays.stream(times).min().orElseThrow()));
        out.put("tokens_per_s", round(count / median));
        out.put("first_token_ms", round(firstMs));
        // the spread too: a peer whose threads sleep between runs has a first token that jumps (llama.cpp: 12–53 ms in one run)
        out.put("first_token_ms_min", round(Arrays.stream(firsts).min().orElseThrow()));
        out.put("first_token_ms_max", round(Arrays.stream(firsts).max().orElseThrow()));
        out.put("decode_tokens_per_s", count > 1 ? round((count - 1) / (median - firstMs / 1e3)) : null);
        out.put("cpu_s", round(median(cpu)));
        out.put("kv_cache", !withoutCache);
        out.put("repeats", repeat);
        if (!withoutCache) {
            // where a step's time goes: the model's forward pass (with the logits' copy out of the
            // engine) against everything else (log-softmax, rank, entropy, top-k in Java; the loop)
            double share = median(forwardShare);
            out.put("forward_share", round(share));
            out.put("step_forward_ms", round(median * share / count * 1e3));
            out.put("step_other_ms", round(median * (1 - share) / count * 1e3));
        }
        out.put("step_ms", stepMs);
        return out;
    }

    /**
     * The model with no end-of-text token, so that greedy decoding always makes all K tokens. Cached:
     * the model's own session, timing each {@code append} (the forward pass and the logits' copy to
     * Java). Uncached: every step runs the whole sequence again in a fresh session.
     */
    private record Benchmarked(LocalBackend model, boolean cached, long[] forwardNanos) implements DecoderModel {
        Benchmarked(LocalBackend model, boolean cached) {
            this(model, cached, new long[1]);
        }

        @Override
        public LogitsSession newSession() {
            LogitsSession session = cached ? model.decoder().newSession() : null;
            return new LogitsSession() {
                private int[] ids = new int[0];

                @Override
                public float[] append(int[] more) {
                    long start = System.nanoTime();
                    int[] all = Arrays.copyOf(ids, ids.length + more.length);
                    System.arraycopy(more, 0, all, ids.length, more.length);
                    ids = all;
                    float[] logits;
                    if (cached) {
                        logits = session.append(more);
                    } else {
                        try (LogitsSession fresh = model.decoder().newSession()) {
                            logits = fresh.append(all);
                        }
                    }
                    forwardNanos[0] += System.nanoTime() - start;
                    return logits;
                }

                @Override
                public LogitsSession fork() {
                    throw new UnsupportedOperationException("The benchmark's session does not fork.");
                }

                @Override
                public int length() {
                    return ids.length;
                }

                @Override
                public void close() {
                    if (session != null) session.close();
                }
            };
        }

        @Override
        public int contextLength() {
            return model.summary().context();
        }

        @Override
        public int vocabSize() {
            return model.decoder().vocabSize();
        }

        @Override
        public int endOfTextId() {
            return -1;
        }

        @Override
        public byte[] tokenBytes(int id) {
            return model.decoder().tokenBytes(id);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** {@code n} ids in [0, vocab) from {@code seed}: the same on every machine. */
    static int[] randomIds(long seed, int n, int vocab) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = random.nextInt(vocab);
        return ids;
    }

    /** A size from /proc/self/status ({@code VmHWM:} is the peak resident memory), or -1 where there is none. */
    static long statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time of the whole process, every thread (the engine's too), from /proc/self/stat; NaN where
     * there is none. Next to a wall time it shows whether other processes took the cores.
     */
    static double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime in ticks of 1/100 s
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }

    @SuppressWarnings("unchecked")
    private static void printSummary(PrintWriter out, Map<String, Object> root) {
        out.printf(Locale.ROOT, "model %s: %d layers, width %d, %,d parameters%n", root.get("model"), root.get("layers"),
                root.get("width"), (Long) root.get("parameters"));
        out.printf(Locale.ROOT, "weights           %8s, %.1f MiB of matrices (%s)%n", root.get("weights"),
                (Long) root.get("weight_bytes") / 1048576.0, root.get("kernel"));
        out.printf(Locale.ROOT, "load              %8.2f s%n", (Double) root.get("load_s"));
        Map<String, Object> ig = (Map<String, Object>) root.get("attribute");
        if (ig != null) {
            out.printf(Locale.ROOT, "integrated gradients, %d steps over %d tokens: %.3f s median (%d steps a pass), "
                    + "completeness error %.4f%n", ig.get("steps"), ig.get("tokens"), ig.get("median_s"),
                    ig.get("steps_per_pass"), ig.get("completeness_error"));
            out.printf(Locale.ROOT, "peak RSS          %8.1f MiB%n", ((Long) root.get("peak_rss_bytes")) / 1048576.0);
            return;
        }
        Map<String, Object> s = (Map<String, Object>) root.get("score");
        out.printf(Locale.ROOT, "score %5d tokens %8.3f s median, %.3f s min, %.1f tokens/s (%d window%s, first run %.3f s)%n",
                s.get("tokens"), s.get("median_s"), s.get("min_s"), s.get("tokens_per_s"), s.get("windows"),
                (Integer) s.get("windows") == 1 ? "" : "s", s.get("first_s"));
        for (String key : List.of("generate", "generate_uncached")) {
            Map<String, Object> g = (Map<String, Object>) root.get(key);
            if (g == null) continue;
            out.printf(Locale.ROOT, "%-17s %8.3f s median for %d tokens, %.2f tokens/s, first token %.1f ms%n",
                    key.equals("generate") ? "generate (cache)" : "generate (none)", g.get("median_s"), g.get("new_tokens"),
                    g.get("tokens_per_s"), g.get("first_token_ms"));
        }
        Map<String, Object> e = (Map<String, Object>) root.get("edit");
        if (e != null) {
            out.printf(Locale.ROOT, "edit %5d tokens  %8.1f ms a word appended, %.1f ms a token changed in the middle, %.1f ms full%n",
                    e.get("tokens"), e.get("append_word_ms"), e.get("middle_edit_ms"), e.get("full_ms"));
        }
        out.printf(Locale.ROOT, "peak RSS          %8.1f MiB%n", (Long) root.get("peak_rss_bytes") / 1048576.0);
    }
}
