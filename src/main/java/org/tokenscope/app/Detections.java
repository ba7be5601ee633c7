package org.tokenscope.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableBooleanValue;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.backend.Backend;
import org.tokenscope.figure.Measure;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Detector;
import org.tokenscope.service.UserMessages;

/**
 * The detection of the analysed text (Binoculars' and Fast-DetectGPT's terms at every token: A observer
 * and scorer, B performer and reference, or A alone), shared by the Detect tab and the heatmap's
 * detection measures. One pass on the inference thread per analysis, and only while something shown
 * wants it; which detection measures the models allow is known as soon as the analysis is.
 */
public final class Detections {

    private final MainViewModel main;
    private final TaskRunner runner;
    private final List<ObservableBooleanValue> wanted = new ArrayList<>();
    private final ReadOnlyObjectWrapper<TextDetection> detection = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<List<Measure>> measures = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Analyse a text to see its detection scores.");
    /** The analysis the detection (or the pass under way) is of; null when none was asked for. */
    private Analysis scoredFor;
    /** The analysis {@link #detection} is of. */
    private Analysis detectedFor;
    private TaskRunner.Handle pass;
    /** The pair whose tokenizers were compared last, and why they cannot be paired (null: they can). */
    private LanguageModel checkedA;
    private LanguageModel checkedB;
    private String checkedWhy;
    private String observer;
    private String performer;

    Detections(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
        main.analysisProperty().addListener((o, a, b) -> analysed());
    }

    /** The detection of the analysed text, or null before a pass (or when none can run). */
    public ReadOnlyObjectProperty<TextDetection> detectionProperty() {
        return detection.getReadOnlyProperty();
    }

    /** The detection of {@code an}'s text when it is there, else null. */
    public TextDetection of(Analysis an) {
        return an != null && an == detectedFor ? detection.get() : null;
    }

    /** The detection measures the loaded models allow: Fast-DetectGPT's share with a local A; all three with a local B sharing A's tokenizer. */
    public ReadOnlyObjectProperty<List<Measure>> measuresProperty() {
        return measures.getReadOnlyProperty();
    }

    /** The scores in words, or what is under way, or why there are none. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** A's name as the detection's observer and scorer. */
    public String observer() {
        return observer;
    }

    /** B's name as performer and reference, or null when A is alone. */
    public String performer() {
        return performer;
    }

    /** Runs the pass whenever {@code shown} is true and the detection is not of the analysed text yet. */
    public void want(ObservableBooleanValue shown) {
        wanted.add(shown);
        shown.addListener((o, was, is) -> {
            if (is) request();
        });
        if (shown.get()) request();
    }

    /** The models of the analysis: A, and B when comparing (empty when remote). */
    private Optional<LanguageModel> a() {
        return Optional.ofNullable(main.slotA().backend()).flatMap(Backend::localModel);
    }

    private Optional<LanguageModel> b() {
        return main.compareProperty().get() ? Optional.ofNullable(main.slotB().backend()).flatMap(Backend::localModel)
                : Optional.empty();
    }

    /** Why A and B cannot be paired, or null; remembered for the last pair (the check reads both vocabularies). */
    private String whyNotPaired(LanguageModel a, LanguageModel b) {
        if (a != checkedA || b != checkedB) {
            checkedA = a;
            checkedB = b;
            checkedWhy = Detector.whyNotPaired(a, b);
        }
        return checkedWhy;
    }

    private void analysed() {
        if (pass != null) pass.cancel();
        pass = null;
        scoredFor = null;
        detectedFor = null;
        detection.set(null);
        Analysis an = main.analysisProperty().get();
        Optional<LanguageModel> a = a();
        Optional<LanguageModel> b = b();
        List<Measure> allowed = new ArrayList<>();
        if (an != null && a.isPresent()) {
            if (b.isPresent() && whyNotPaired(a.get(), b.get()) == null) {
                allowed.add(Measure.CROSS_ENTROPY);
                allowed.add(Measure.BINOCULARS);
            }
            allowed.add(Measure.FAST_DETECTGPT);
        }
        if (an != null || !measures.get().isEmpty()) { // keep the last list while a model loads
            measures.set(List.copyOf(allowed));
        }
        status.set(an == null ? "Analyse a text to see its detection scores."
                : a.isEmpty() ? "Binoculars and Fast-DetectGPT need a local model A: a remote server returns only its top k."
                : "Scoring…");
        if (wanted.stream().anyMatch(ObservableBooleanValue::get)) {
            request();
        }
    }

    /** Scores the analysed text, unless its detection is there or under way. */
    public void request() {
        Analysis an = main.analysisProperty().get();
        if (an == null || an == scoredFor) {
            return;
        }
        Optional<LanguageModel> a = a();
        if (a.isEmpty()) {
            return;
        }
        Optional<LanguageModel> b = b();
        String why = b.isPresent() ? whyNotPaired(a.get(), b.get()) : null;
        LanguageModel second = why == null ? b.orElse(null) : null;
        if (pass != null) pass.cancel();
        scoredFor = an;
        observer = a.get().name();
        performer = second == null ? null : second.name();
        status.set("Scoring…");
        String text = an.text();
        pass = runner.submit((p, cancelled) -> Detector.detect(a.get(), second, text, true, 0, cancelled),
                (f, m) -> { }, d -> {
                    if (main.analysisProperty().get() != an) return; // a newer analysis came meanwhile
                    status.set(describe(d, observer, performer, why));
                    detectedFor = an;
                    detection.set(d);
                }, e -> {
                    if (!(e instanceof CancellationException)) {
                        status.set(UserMessages.sentence(e));
                        scoredFor = null;
                    }
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
