package org.tokenscope.service.corpus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.TokenizedText;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.Detector;
import org.tokenscope.service.RunDetection;
import org.tokenscope.backend.ScoreOptions;

/**
 * Scores a corpus document by document: with local models, in batches through the engine (see
 * {@link Detector}); with remote servers, with a bounded number of requests in flight, spread over
 * the servers in turn (perplexity and GLTR only: the detectors need whole distributions).
 */
public final class CorpusScorer {

    /** Hears each document as soon as it is done; called from one thread at a time. */
    public interface Listener {
        void scored(CorpusResult result) throws IOException;

        void skipped(String why);
    }

    /** What a first pass over the corpus found: the documents to score and their labels. */
    public record Survey(int documents, int toScore, Set<String> labels) {
    }

    private CorpusScorer() {
    }

    /** Reads the corpus once without scoring: how many documents, how many not in {@code done}, which labels. */
    public static Survey survey(CorpusReader reader, Set<String> done) throws IOException {
        int[] counts = new int[2];
        Set<String> labels = new HashSet<>();
        reader.read(new CorpusReader.Sink() {
            @Override
            public void document(CorpusDocument d) {
                counts[0]++;
                if (!done.contains(d.id())) counts[1]++;
                if (d.label() != null) labels.add(d.label());
            }

            @Override
            public void skipped(String why) {
            }
        });
        return new Survey(counts[0], counts[1], labels);
    }

    /**
     * Scores every document not in {@code done} with local models, {@code batch} documents per pass
     * through the engine.
     *
     * @param b the performer/reference, or null for A alone
     * @throws IllegalArgumentException when A and B cannot be paired (before anything is scored)
     * @throws CancellationException when {@code cancel} says so; documents already heard are kept
     */
    public static void scoreLocal(LanguageModel a, LanguageModel b, CorpusReader reader, Set<String> done, int batch,
                                  boolean bos, Listener listener, BooleanSupplier cancel) throws IOException {
        if (b != null) {
            String why = Detector.whyNotPaired(a, b);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
        }
        int size = Math.max(1, batch);
        List<CorpusDocument> pending = new ArrayList<>();
        List<TokenizedText> tokens = new ArrayList<>();
        reader.read(new CorpusReader.Sink() {
            @Override
            public void document(CorpusDocument d) throws IOException {
                if (cancel.getAsBoolean()) {
                    throw new CancellationException("Cancelled.");
                }
                if (done.contains(d.id())) {
                    return;
                }
                TokenizedText t = a.tokenizer().encode(d.text());
                if (t.size() == 0) {
                    listener.skipped("Document " + d.id() + " has no tokens; skipped.");
                    return;
                }
                if (b != null && !Arrays.equals(t.ids(), b.tokenizer().encode(d.text()).ids())) {
                    listener.skipped("Document " + d.id() + " is cut into different tokens by " + a.name() + " and "
                            + b.name() + "; skipped.");
                    return;
                }
                pending.add(d);
                tokens.add(t);
                if (pending.size() == size) {
                    flush();
                }
            }

            @Override
            public void skipped(String why) {
                listener.skipped(why);
            }

            void flush() throws IOException {
                List<TextDetection> detected = Detector.detect(a, b, tokens, bos, 0, cancel);
                for (int i = 0; i < pending.size(); i++) {
                    listener.scored(result(pending.get(i), detected.get(i)));
                }
                pending.clear();
                tokens.clear();
            }
        });
        if (!pending.isEmpty()) {
            List<TextDetection> detected = Detector.detect(a, b, tokens, bos, 0, cancel);
            for (int i = 0; i < pending.size(); i++) {
                listener.scored(result(pending.get(i), detected.get(i)));
            }
        }
    }

    static CorpusResult result(CorpusDocument d, TextDetection t) {
        boolean pair = t.b() != null;
        return new CorpusResult(d.id(), t.tokens(), t.a().perplexity(), pair ? t.b().perplexity() : Double.NaN,
                t.a().gltr(), pair ? t.b().gltr() : null, t.binoculars(), t.fastDetectGpt(), d.label());
    }

    /**
     * Scores every document not in {@code done} on remote servers: {@code backends.size()} requests in
     * flight at most, worker i using backend i (the caller opens them over the servers in turn).
     * Each document's perplexity and GLTR (when the server gives every rank) come back; a document the
     * server fails on is skipped with why.
     */
    public static void scoreRemote(List<Backend> backends, CorpusReader reader, Set<String> done, boolean bos,
                                   Listener listener, BooleanSupplier cancel) throws IOException {
        BlockingQueue<CorpusDocument> queue = new ArrayBlockingQueue<>(2 * backends.size());
        CorpusDocument end = new CorpusDocument("", "", null);
        ExecutorService workers = Executors.newFixedThreadPool(backends.size(), r -> {
            Thread t = new Thread(r, "corpus-remote");
            t.setDaemon(true);
            return t;
        });
        ScoreOptions options = new ScoreOptions(bos, 0, 0);
        List<Future<?>> running = new ArrayList<>();
        Object lock = new Object();
        for (Backend backend : backends) {
            running.add(workers.submit(() -> {
                while (true) {
                    CorpusDocument d = queue.take();
                    if (d == end || cancel.getAsBoolean()) {
                        return null;
                    }
                    CorpusResult r;
                    try {
                        ScoredText s = backend.score(d.text(), options, cancel, (x, y) -> { });
                        r = new CorpusResult(d.id(), s.tokens().size(), s.perplexity(), Double.NaN,
                                RunDetection.gltr(s), null, Double.NaN, Double.NaN, d.label());
                    } catch (IOException | IllegalArgumentException e) {
                        synchronized (lock) {
                            listener.skipped("Document " + d.id() + ": " + e.getMessage());
                        }
                        continue;
                    }
                    synchronized (lock) {
                        listener.scored(r);
                    }
                }
            }));
        }
        try {
            reader.read(new CorpusReader.Sink() {
                @Override
                public void document(CorpusDocument d) throws IOException {
                    if (cancel.getAsBoolean()) {
                        throw new CancellationException("Cancelled.");
                    }
                    if (done.contains(d.id())) {
                        return;
                    }
                    put(queue, d, running);
                }

                @Override
                public void skipped(String why) {
                    synchronized (lock) {
                        listener.skipped(why);
                    }
                }
            });
        } finally {
            for (int i = 0; i < backends.size(); i++) {
                put(queue, end, running); // one end for each worker, waiting for room
            }
        }
        workers.shutdown();
        try {
            for (Future<?> f : running) {
                f.get();
            }
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted.");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    /** Puts {@code d} in the queue, waiting while it is full, unless every worker has stopped. */
    private static void put(BlockingQueue<CorpusDocument> queue, CorpusDocument d, List<Future<?>> running)
            throws IOException {
        try {
            while (!queue.offer(d, 100, TimeUnit.MILLISECONDS)) {
                if (running.stream().allMatch(Future::isDone)) {
                    return; // every worker stopped (cancelled, or failed: get() says why)
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted.");
        }
    }
}
