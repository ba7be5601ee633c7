package org.tokenscope.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.tokenscope.model.LanguageModel;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.UserMessages;
import org.tokenscope.service.corpus.CorpusDocument;
import org.tokenscope.service.corpus.CorpusFields;
import org.tokenscope.service.corpus.CorpusReader;
import org.tokenscope.service.corpus.CorpusResult;
import org.tokenscope.service.corpus.CorpusScorer;
import org.tokenscope.service.corpus.CorpusSummary;
import org.tokenscope.service.corpus.Labels;

/**
 * The Corpus tab's state: a corpus (folder of .txt, JSONL or CSV) scored with models A and B on the
 * inference thread, with progress and cancel; the documents' results for a sortable table, the
 * summary (ROC per metric) for the figures, and each document's text to open in the heatmap.
 */
public final class CorpusViewModel {

    private final MainViewModel main;
    private final TaskRunner runner;
    private final StringProperty labelField = new SimpleStringProperty("label");
    private final StringProperty textField = new SimpleStringProperty("text");
    private final ReadOnlyObjectWrapper<Path> input = new ReadOnlyObjectWrapper<>();
    private final ObservableList<CorpusResult> results = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<CorpusSummary> summary = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Pick a folder of .txt files, a .jsonl or a .csv.");
    private final Map<String, String> texts = Collections.synchronizedMap(new LinkedHashMap<>());
    private TaskRunner.Handle running;

    public CorpusViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
    }

    /** The JSONL field or CSV column of each document's label ("" for none). */
    public StringProperty labelFieldProperty() {
        return labelField;
    }

    public StringProperty textFieldProperty() {
        return textField;
    }

    public ReadOnlyObjectProperty<Path> inputProperty() {
        return input.getReadOnlyProperty();
    }

    /** The documents scored, in the order they were done. */
    public ObservableList<CorpusResult> results() {
        return results;
    }

    /** The ROC summary once a labelled corpus is scored; null before, or without two labels. */
    public ReadOnlyObjectProperty<CorpusSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
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

    /** Scores {@code path} with A (and B when compared and loaded); replaces what was shown. */
    public void run(Path path) {
        cancel();
        input.set(path);
        results.clear();
        summary.set(null);
        texts.clear();
        Optional<LanguageModel> a = Optional.ofNullable(main.slotA().backend()).flatMap(Backend::localModel);
        Optional<LanguageModel> b = main.compareProperty().get()
                ? Optional.ofNullable(main.slotB().backend()).flatMap(Backend::localModel) : Optional.empty();
        if (a.isEmpty()) {
            status.set("Load a local model A first: a remote server returns only its top k.");
            return;
        }
        String label = labelField.get() == null || labelField.get().isBlank() ? null : labelField.get().strip();
        CorpusReader reader = new CorpusReader(path, new CorpusFields(textField.get(), label, null));
        busy.set(true);
        progress.set(-1);
        status.set("Reading " + path.getFileName() + "…");
        List<CorpusResult> done = Collections.synchronizedList(new ArrayList<>());
        List<String> skipped = Collections.synchronizedList(new ArrayList<>());
        String[] positive = new String[1];
        running = runner.submit((p, cancelled) -> {
            CorpusScorer.Survey survey = CorpusScorer.survey(reader, Set.of());
            positive[0] = Labels.positive(survey.labels(), null);
            CorpusScorer.scoreLocal(a.get(), b.orElse(null), reader, Set.of(), 8, true, new CorpusScorer.Listener() {
                @Override
                public void scored(CorpusResult r) {
                    done.add(r);
                    p.update((double) done.size() / Math.max(1, survey.documents()),
                            done.size() + " of " + survey.documents() + " documents");
                }

                @Override
                public void skipped(String why) {
                    skipped.add(why);
                }
            }, cancelled);
            remember(path, label);
            return CorpusSummary.of(done, positive[0]);
        }, (f, message) -> {
            progress.set(f);
            status.set(message);
        }, s -> {
            busy.set(false);
            progress.set(1);
            results.setAll(done);
            summary.set(s);
            status.set(s.documents() + " documents, " + s.tokens() + " tokens"
                    + (skipped.isEmpty() ? "" : "; " + skipped.size() + " skipped: " + skipped.get(0))
                    + (s.positive() == null ? "; no two labels, so no ROC" : ""));
        }, e -> {
            busy.set(false);
            results.setAll(done);
            status.set(e instanceof CancellationException ? "Cancelled after " + done.size() + " documents."
                    : UserMessages.sentence(e));
        });
    }

    /** Reads the documents' texts (for opening one in the heatmap), on the inference thread. */
    private void remember(Path path, String label) throws java.io.IOException {
        new CorpusReader(path, new CorpusFields(textField.get(), label, null)).read(new CorpusReader.Sink() {
            @Override
            public void document(CorpusDocument d) {
                texts.put(d.id(), d.text());
            }

            @Override
            public void skipped(String why) {
            }
        });
    }

    public void cancel() {
        if (running != null) {
            running.cancel();
        }
    }

    /** Puts the document's text in the main text area, so the heatmap shows it. */
    public void open(CorpusResult result) {
        String text = texts.get(result.id());
        if (text != null) {
            main.textProperty().set(text);
        }
    }

    /** One metric's values by label, for its histogram (documents without a label under "unlabelled"). */
    public Map<String, double[]> byLabel(java.util.function.ToDoubleFunction<CorpusResult> metric) {
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        for (CorpusResult r : results) {
            groups.computeIfAbsent(r.label() == null ? "unlabelled" : r.label(), k -> new ArrayList<>())
                    .add(metric.applyAsDouble(r));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }
}
