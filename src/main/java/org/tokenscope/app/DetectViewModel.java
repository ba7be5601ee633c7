package org.tokenscope.app;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.backend.Backend;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Detector;
import org.tokenscope.service.UserMessages;

/**
 * The Detect tab's state: Binoculars and Fast-DetectGPT for the analysed text (A observer and scorer,
 * B performer and reference; A alone gives Fast-DetectGPT with itself as reference), with each
 * token's share of the scores. A pass runs on the inference thread when the tab is shown and the
 * analysis changes.
 */
public final class DetectViewModel {

    private final MainViewModel main;
    private final TaskRunner runner;
    private final BooleanProperty active = new SimpleBooleanProperty(false);
    private final ReadOnlyObjectWrapper<TextDetection> detection = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Analyse a text to see its detection scores.");
    private TaskRunner.Handle pass;

    public DetectViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
        main.analysisProperty().addListener((o, a, b) -> {
            if (active.get()) refresh();
        });
        active.addListener((o, a, b) -> {
            if (b) refresh();
        });
    }

    /** Whether the tab is shown: passes run only then. */
    public BooleanProperty activeProperty() {
        return active;
    }

    public ReadOnlyObjectProperty<TextDetection> detectionProperty() {
        return detection.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Scores the analysed text again. */
    public void refresh() {
        Analysis an = main.analysisProperty().get();
        Optional<LanguageModel> a = Optional.ofNullable(main.slotA().backend()).flatMap(Backend::localModel);
        Optional<LanguageModel> b = main.compareProperty().get()
                ? Optional.ofNullable(main.slotB().backend()).flatMap(Backend::localModel) : Optional.empty();
        if (pass != null) pass.cancel();
        if (an == null || a.isEmpty()) {
            detection.set(null);
            status.set(an == null ? "Analyse a text to see its detection scores."
                    : "Binoculars and Fast-DetectGPT need a local model A: a remote server returns only its top k.");
            return;
        }
        String why = b.isPresent() ? Detector.whyNotPaired(a.get(), b.get()) : null;
        LanguageModel second = why == null ? b.orElse(null) : null;
        status.set("Scoring…");
        String text = an.text();
        pass = runner.submit((p, cancelled) -> Detector.detect(a.get(), second, text, true, 0, cancelled),
                (f, m) -> { }, d -> {
                    detection.set(d);
                    status.set(describe(d, a.get().name(), second == null ? null : second.name(), why));
                }, e -> {
                    if (!(e instanceof CancellationException)) status.set(UserMessages.sentence(e));
                });
    }

    static String describe(TextDetection d, String a, String b, String why) {
        String fdg = String.format(java.util.Locale.ROOT, "Fast-DetectGPT %.4f (scorer %s, reference %s; higher is more "
                + "machine-like)", d.fastDetectGpt(), a, b == null ? a : b);
        if (b == null) {
            return fdg + (why == null ? "; compare with a model B that shares A's tokenizer for Binoculars." : "; " + why);
        }
        return String.format(java.util.Locale.ROOT, "Binoculars %.4f (observer %s, performer %s; lower is more "
                + "machine-like) · ", d.binoculars(), a, b) + fdg;
    }
}
