package org.tokenscope.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.TextPair;
import org.tokenscope.hub.DownloadListener;
import org.tokenscope.model.deberta.DebertaClassifier;
import org.tokenscope.model.deberta.DebertaConfig;

/**
 * The use case "classify pairs of texts with a ready-made judge" that the {@code classify} command
 * and the app's Pairs tab share: open a sentence-pair classifier (a folder or a Hub id at a
 * revision), then score pairs one by one, with progress and cancellation between pairs.
 * Owns the classifier's native memory; use it on one thread.
 */
public final class PairJudge implements AutoCloseable {

    private final DebertaClassifier classifier;
    private final String name;

    private PairJudge(DebertaClassifier classifier, String name) {
        this.classifier = classifier;
        this.name = name;
    }

    /**
     * Finds and loads {@code spec}: a folder, or a Hub id from the cache, downloaded when
     * {@code allowDownload} (and not offline).
     *
     * @param revision a branch, tag or commit of a Hub id; null or "main" for the latest
     */
    public static PairJudge open(String spec, String revision, boolean allowDownload, DownloadListener listener,
                                 BooleanSupplier cancelled) throws IOException {
        String rev = revision == null || revision.isBlank() ? "main" : revision.strip();
        ModelSources.Resolved found = ModelSources.resolve(spec, rev, allowDownload, null, listener, cancelled);
        String name = found.name() + (rev.equals("main") || found.folder().equals(Path.of(spec)) ? "" : "@" + rev);
        return new PairJudge(DebertaClassifier.load(found.folder(), name), name);
    }

    /** Loads a classifier folder. */
    public static PairJudge open(Path folder) throws IOException {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        String shown = name == null ? folder.toString() : name.toString();
        return new PairJudge(DebertaClassifier.load(folder, shown), shown);
    }

    public String name() {
        return name;
    }

    /** The labels in output order; {@code ["score"]} for a single-output model. */
    public List<String> labels() {
        return classifier.labels();
    }

    /**
     * Scores every pair, in order.
     *
     * @param progress told (done, total) after each pair
     * @throws CancellationException when {@code cancelled} says so between pairs
     */
    public PairScores classify(List<TextPair> pairs, BooleanSupplier cancelled, BiConsumer<Integer, Integer> progress) {
        List<PairScore> scores = new ArrayList<>(pairs.size());
        for (TextPair pair : pairs) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("Classification cancelled.");
            }
            DebertaClassifier.Prediction p = classifier.classify(pair.premise(), pair.hypothesis());
            scores.add(PairScore.of(pair, labels(), p.scores(), p.tokens(), p.truncated()));
            progress.accept(scores.size(), pairs.size());
        }
        return new PairScores(name, DebertaConfig.ARCHITECTURE, classifier.parameterCount(),
                classifier.tokenizer().maxLength(), labels(), scores);
    }

    @Override
    public void close() {
        classifier.close();
    }
}
