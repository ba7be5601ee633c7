package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.OpenedModel;
import org.tokenscope.service.Detector;
import org.tokenscope.service.corpus.CorpusFields;
import org.tokenscope.service.corpus.CorpusOutput;
import org.tokenscope.service.corpus.CorpusReader;
import org.tokenscope.service.corpus.CorpusResult;
import org.tokenscope.service.corpus.CorpusScorer;
import org.tokenscope.service.corpus.CorpusSummary;
import org.tokenscope.service.corpus.Labels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code corpus}: Binoculars, Fast-DetectGPT, perplexity and GLTR for every document of a corpus, one
 * JSON line each as soon as it is done, and with labels the ROC summary of each metric.
 */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = "Score every document of a corpus (a folder of .txt files, a .jsonl or a .csv): perplexity, "
                + "GLTR, Binoculars and Fast-DetectGPT, one JSON line per document; with labels, AUROC and TPR at 1% FPR.")
public final class CorpusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Option(names = "--compare", paramLabel = "B",
            description = "The second model (performer of Binoculars, reference of Fast-DetectGPT); must share A's tokenizer.")
    String compare;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "A folder of .txt files, a JSON Lines file (.jsonl) or a CSV file with a header row.")
    Path input;

    @Option(names = "--text-field", defaultValue = "text", paramLabel = "F",
            description = "The JSONL field or CSV column of the text (default ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--label-field", paramLabel = "L", description = "The field or column of each document's label.")
    String labelField;

    @Option(names = "--id-field", paramLabel = "I",
            description = "The field or column of each document's id (default: the file's name, or the record's number from 1).")
    String idField;

    @Option(names = "--positive", paramLabel = "LABEL",
            description = "The label of machine-written documents (default: whichever of machine, ai, generated, 1, true is present).")
    String positive;

    @Option(names = "--out", paramLabel = "FILE.jsonl",
            description = "Write the document lines here; a rerun with the same file skips the documents already in it.")
    Path out;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "N",
            description = "Local models: documents per pass through the engine (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N",
            description = "Remote models: requests in flight at once, over the servers in turn (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--no-bos", description = "Feed each text alone (its first token unscored) instead of after <|endoftext|>.")
    boolean noBos;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar on standard error.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be 1 or more, not " + batch + ".");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be 1 or more, not " + concurrency + ".");
        }
        CorpusReader reader = new CorpusReader(input, new CorpusFields(textField, labelField, idField));
        // a first pass: labels are checked before anything is opened or scored
        CorpusScorer.Survey survey = CorpusScorer.survey(reader, Set.of());
        String machine = Labels.positive(survey.labels(), positive);
        if (survey.documents() == 0) {
            throw new IllegalArgumentException("The corpus " + input + " has no document to score.");
        }
        List<String> urls = List.of(models.model().split(","));
        boolean remote = urls.stream().anyMatch(RemoteSpec::isRemote);
        if (remote && urls.stream().anyMatch(u -> !RemoteSpec.isRemote(u))) {
            throw new IllegalArgumentException("--model takes either one local model or several server URLs, not both.");
        }
        if (remote && compare != null) {
            throw new IllegalArgumentException("Binoculars and Fast-DetectGPT need two local models; with a remote "
                    + "model the corpus gets perplexity and GLTR only: leave out --compare.");
        }
        if (compare != null && RemoteSpec.isRemote(compare)) {
            throw new IllegalArgumentException("Binoculars and Fast-DetectGPT need two local models; " + compare
                    + " is a remote server, which returns only its top k.");
        }
        AtomicBoolean cancelled = this.cancelled;
        List<CorpusResult> results = new ArrayList<>();
        boolean wasCancelled;
        if (remote) {
            wasCancelled = run(stdout, stderr, survey, results, listener -> scoreRemote(urls, reader, listener.done(),
                    listener, cancelled));
        } else {
            try (LocalBackend first = models.openLocal(urls.get(0));
                 LocalBackend second = compare == null ? null : models.openLocal(compare)) {
                LanguageModel a = first.localModel().orElseThrow();
                LanguageModel b = second == null ? null : second.localModel().orElseThrow();
                String why = b == null ? null : Detector.whyNotPaired(a, b);
                if (why != null) {
                    throw new IllegalArgumentException(why); // before --out is opened: it stays as it was
                }
                wasCancelled = run(stdout, stderr, survey, results, listener -> CorpusScorer.scoreLocal(a, b, reader,
                        listener.done(), batch, !noBos, listener, cancelled::get));
            }
        }
        if (wasCancelled) {
            return 130;
        }
        CorpusSummary summary = CorpusSummary.of(results, machine);
        if (json) {
            stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(summary)));
        } else {
            printSummary(stdout, summary, survey);
        }
        stdout.flush();
        return 0;
    }

    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Scoring with {@link Sink} listening, given the ids already done. */
    private interface Job {
        void run(Sink listener) throws Exception;
    }

    /** The listener of a run: writes each line, keeps the results, draws the progress. */
    private interface Sink extends CorpusScorer.Listener {
        Set<String> done();
    }

    /**
     * Opens {@code --out} (or standard output), runs {@code job} with Ctrl+C turned into a cancellation
     * that lets the line being written finish, and says whether it was cancelled.
     */
    private boolean run(PrintWriter stdout, PrintWriter stderr, CorpusScorer.Survey survey, List<CorpusResult> results,
                        Job job) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancelled.set(true); // Ctrl+C: stop after the line being written, leaving the file whole
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "corpus-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CorpusOutput output = out == null ? null : CorpusOutput.open(out)) {
            Map<String, CorpusResult> done = output == null ? Map.of() : output.done();
            results.addAll(done.values());
            Progress progress = new Progress(stderr, (int) Math.max(0, survey.documents() - done.size()), !noProgress);
            Sink listener = new Sink() {
                @Override
                public Set<String> done() {
                    return done.keySet();
                }

                @Override
                public void scored(CorpusResult r) throws IOException {
                    if (output != null) {
                        output.append(r);
                    } else {
                        stdout.println(r.toJsonLine());
                        stdout.flush();
                    }
                    results.add(r);
                    progress.done(r.tokens());
                }

                @Override
                public void skipped(String why) {
                    progress.message("skipped: " + why);
                }
            };
            long start = System.nanoTime();
            try {
                job.run(listener);
                progress.finish();
                double seconds = (System.nanoTime() - start) / 1e9;
                int scored = results.size() - done.size();
                long tokens = results.stream().skip(done.size()).mapToLong(CorpusResult::tokens).sum();
                stderr.printf(Locale.ROOT, "scored %d documents (%d tokens) in %.2f s: %.2f documents/s, %.0f tokens/s%n",
                        scored, tokens, seconds, scored / seconds, tokens / seconds);
                stderr.flush();
                return false;
            } catch (CancellationException e) {
                progress.finish();
                // said here, before the interrupt hook lets the JVM exit
                stderr.println("Cancelled after " + results.size() + " documents"
                        + (out != null ? "; run again with the same --out to go on." : "."));
                stderr.flush();
                return true;
            } finally {
                progress.finish();
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting (Ctrl+C): the hook is running and now lets it go
            }
        }
    }

    private void scoreRemote(List<String> urls, CorpusReader reader, Set<String> done, CorpusScorer.Listener listener,
                             AtomicBoolean cancelled) throws Exception {
        List<OpenedModel> opened = new ArrayList<>();
        try {
            for (int i = 0; i < concurrency; i++) {
                opened.add(models.open(urls.get(i % urls.size()).trim()));
            }
            CorpusScorer.scoreRemote(opened.stream().map(OpenedModel::backend).toList(), reader, done, !noBos, listener,
                    cancelled::get);
        } finally {
            opened.forEach(OpenedModel::close);
        }
    }

    static Map<String, Object> toJson(CorpusSummary summary) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("documents", summary.documents());
        root.put("tokens", summary.tokens());
        Map<String, Object> metrics = new LinkedHashMap<>();
        summary.metrics().forEach((name, metric) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("auroc", Json.finite(metric.roc().auroc()));
            m.put("tpr_at_1pct_fpr", Json.finite(metric.roc().tprAt1PctFpr()));
            m.put("threshold", Json.finite(metric.roc().threshold()));
            metrics.put(name, m);
        });
        root.put("metrics", metrics);
        return root;
    }

    private static void printSummary(PrintWriter out, CorpusSummary summary, CorpusScorer.Survey survey) {
        out.printf(Locale.ROOT, "%,d documents, %,d tokens%n", summary.documents(), summary.tokens());
        if (summary.positive() == null) {
            out.println(survey.labels().isEmpty() ? "no labels: no ROC (give --label-field)"
                    : "one class only (" + String.join(", ", survey.labels()) + "): no ROC");
            return;
        }
        out.printf(Locale.ROOT, "machine-written: \"%s\"%n", summary.positive());
        out.printf(Locale.ROOT, "%-16s %7s %16s  %s%n", "metric", "AUROC", "TPR at 1% FPR", "threshold");
        summary.metrics().forEach((name, m) -> out.printf(Locale.ROOT, "%-16s %7s %16s  %s%n", name,
                Json.number(m.roc().auroc()), Json.number(m.roc().tprAt1PctFpr()),
                Double.isNaN(m.roc().threshold()) ? "none"
                        : (m.lowerIsMachine() ? "machine if ≤ " : "machine if ≥ ")
                        + String.format(Locale.ROOT, "%.4f", m.roc().threshold())));
    }

    /** One line on stderr, redrawn at most five times a second: done/total, documents/s, tokens/s, time left. */
    static final class Progress {
        private static final long REDRAW_NANOS = Duration.ofMillis(200).toNanos();
        private static final int WIDTH = 24;
        private final PrintWriter err;
        private final int total;
        private final boolean draw;
        private final long start = System.nanoTime();
        private int done;
        private long tokens;
        private long lastDraw;
        private boolean open;

        Progress(PrintWriter err, int total, boolean draw) {
            this.err = err;
            this.total = total;
            this.draw = draw;
        }

        void done(int documentTokens) {
            done++;
            tokens += documentTokens;
            long now = System.nanoTime();
            if (draw && (now - lastDraw >= REDRAW_NANOS || done == total)) {
                lastDraw = now;
                double seconds = Math.max(1e-9, (now - start) / 1e9);
                double rate = done / seconds;
                int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, (long) done * WIDTH / total);
                long left = rate > 0 ? (long) Math.ceil((total - done) / rate) : 0;
                err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d documents  %.1f documents/s  %.0f tokens/s  %d:%02d left ",
                        "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, rate, tokens / seconds,
                        left / 60, left % 60));
                err.flush();
                open = true;
            }
        }

        void message(String line) {
            if (open) {
                err.println();
                open = false;
            }
            err.println(line);
            err.flush();
        }

        void finish() {
            if (open) {
                err.println();
                err.flush();
                open = false;
            }
        }
    }
}
