package org.tokenscope.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.TextPair;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.hub.DownloadListener;
import org.tokenscope.service.PairJudge;
import org.tokenscope.service.PairsFile;
import org.tokenscope.service.UserMessages;

/**
 * The "Pairs" tab's state: a list of premise/hypothesis pairs (pasted, imported or typed), the
 * classifier that judges them (a folder or a Hub id, {@code id@revision} to pin one), and its scores.
 * The classifier is opened and run on the inference thread through {@link PairJudge}; it stays open
 * there until another is picked or the app closes.
 */
public final class PairsViewModel {

    /** Well-known DeBERTa pair classifiers offered in the picker; {@code @rev} pins a Hub revision. */
    public static final List<String> SUGGESTED = List.of(
            "vectara/hallucination_evaluation_model@hhem-1.0-open",
            "cross-encoder/nli-deberta-v3-base",
            "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli");

    /** One row of the table: a pair and, once classified, its verdict. */
    public record Row(int index, TextPair pair, PairScore score) {
    }

    private final MainViewModel main;
    private final TaskRunner runner;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final StringProperty classifier = new SimpleStringProperty(SUGGESTED.getFirst());
    private final ReadOnlyObjectWrapper<PairScores> scores = new ReadOnlyObjectWrapper<>();
    private final ObservableList<String> labels = FXCollections.observableArrayList();
    private final StringProperty label = new SimpleStringProperty();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Add pairs (paste or import), pick a classifier, then Classify.");

    private final List<TextPair> pairs = new ArrayList<>();
    private PairJudge judge;       // owned by the inference thread
    private String judgeSpec;      // what judge was opened from
    private TaskRunner.Handle task;

    public PairsViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
    }

    public ObservableList<Row> rows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    /** The classifier to use: a folder, a Hub id, or {@code id@revision}. */
    public StringProperty classifierProperty() {
        return classifier;
    }

    public ReadOnlyObjectProperty<PairScores> scoresProperty() {
        return scores.getReadOnlyProperty();
    }

    /** The classifier's labels, once it has run. */
    public ObservableList<String> labels() {
        return FXCollections.unmodifiableObservableList(labels);
    }

    /** The label whose score the bars and the score column show. */
    public StringProperty labelProperty() {
        return label;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Adds pasted pairs (TSV, CSV or JSON Lines); false, with the reason in the status, when they do not parse. */
    public boolean paste(String text) {
        try {
            add(PairsFile.parse(text));
            return true;
        } catch (IOException e) {
            status.set(UserMessages.sentence(e));
            return false;
        }
    }

    /** Adds the pairs of a .tsv, .csv or .jsonl file. */
    public boolean importFile(Path file) {
        try {
            add(PairsFile.read(file));
            return true;
        } catch (IOException e) {
            status.set(UserMessages.sentence(e));
            return false;
        }
    }

    /** Adds one pair (the form under the table). */
    public void add(TextPair pair) {
        add(List.of(pair));
    }

    private void add(List<TextPair> more) {
        pairs.addAll(more);
        scores.set(null);
        rebuild();
        status.set(pairs.size() + (pairs.size() == 1 ? " pair" : " pairs") + "; press Classify to score them.");
    }

    public void clear() {
        pairs.clear();
        scores.set(null);
        rebuild();
        status.set("No pairs.");
    }

    private void rebuild() {
        List<Row> list = new ArrayList<>();
        PairScores s = scores.get();
        for (int i = 0; i < pairs.size(); i++) {
            list.add(new Row(i + 1, pairs.get(i), s == null ? null : s.pairs().get(i)));
        }
        rows.setAll(list);
    }

    /** Opens the classifier if it changed, then scores every pair, on the inference thread. */
    public void classify() {
        if (pairs.isEmpty()) {
            status.set("There are no pairs to classify: paste or import some first.");
            return;
        }
        String spec = classifier.get() == null ? "" : classifier.get().strip();
        if (spec.isEmpty()) {
            status.set("Pick a classifier: a folder or a Hub id such as cross-encoder/nli-deberta-v3-base.");
            return;
        }
        cancel();
        List<TextPair> snapshot = List.copyOf(pairs);
        busy.set(true);
        progress.set(-1);
        status.set("Classifying " + snapshot.size() + " pairs with " + spec + "…");
        task = runner.submit((p, cancelled) -> {
            if (judge == null || !spec.equals(judgeSpec)) {
                if (judge != null) {
                    judge.close();
                    judge = null;
                }
                p.update(-1, "Loading " + spec + "…");
                int at = spec.lastIndexOf('@');
                boolean pinned = at > 0 && !java.nio.file.Files.isDirectory(Path.of(spec));
                judge = PairJudge.open(pinned ? spec.substring(0, at) : spec, pinned ? spec.substring(at + 1) : "main",
                        true, DownloadListener.NONE, cancelled);
                judgeSpec = spec;
            }
            return judge.classify(snapshot, cancelled, (done, total) -> p.update((double) done / total,
                    "Classified " + done + " of " + total + " pairs"));
        }, (fraction, message) -> {
            progress.set(fraction);
            status.set(message);
        }, result -> {
            busy.set(false);
            progress.set(1);
            if (!snapshot.equals(pairs)) {
                status.set("The pairs changed while they were being classified; press Classify again.");
                return;
            }
            scores.set(result);
            labels.setAll(result.labels());
            if (label.get() == null || !result.labels().contains(label.get())) {
                label.set(result.primaryLabel());
            }
            rebuild();
            long cut = result.pairs().stream().filter(PairScore::truncated).count();
            status.set(result.model() + " classified " + result.pairs().size() + " pairs"
                    + (cut > 0 ? "; " + cut + " were cut to its " + result.maxTokens() + " tokens" : "") + ".");
        }, error -> {
            busy.set(false);
            progress.set(0);
            status.set(error instanceof CancellationException ? "Cancelled." : UserMessages.sentence(error));
        });
    }

    public void cancel() {
        if (task != null) {
            task.cancel();
            task = null;
        }
    }

    /** Puts a pair's two texts into the main text, one paragraph each, so the language-model views read them. */
    public void sendToText(Row row) {
        if (row != null) {
            main.textProperty().set(row.pair().premise() + "\n\n" + row.pair().hypothesis());
        }
    }

    /** What exports of this tab record: the app's metadata and the classifier. */
    public ExportMetadata exportMetadata() {
        PairScores s = scores.get();
        ExportMetadata m = main.exportMetadata();
        return s == null ? m : m.withSetting("classifier", s.model());
    }

    /** Closes the classifier on the inference thread (when the app closes). */
    public void shutdown() {
        cancel();
        runner.execute(() -> {
            if (judge != null) {
                judge.close();
                judge = null;
            }
        });
    }
}
