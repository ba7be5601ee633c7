package org.tokenscope.app;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.backend.Backend;
import org.tokenscope.figure.Glyphs;
import org.tokenscope.service.Analysis;
import org.tokenscope.service.Explanations;
import org.tokenscope.service.UserMessages;

/**
 * The "Why?" pane's state: why model A predicted the selected token (or that token rather than an
 * alternative from its top-k), by the method picked. A pass runs on the inference thread when asked.
 */
public final class WhyViewModel {

    private final MainViewModel main;
    private final TaskRunner runner;
    private final ObjectProperty<Attribution.Method> method = new SimpleObjectProperty<>(Attribution.Method.INTEGRATED_GRADIENTS);
    private final IntegerProperty steps = new SimpleIntegerProperty(Explanations.DEFAULT_STEPS);
    private final ReadOnlyObjectWrapper<Attribution> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
            "Select a token in the heatmap, then ask why the model predicted it.");
    private final ReadOnlyObjectWrapper<Alternative> contrast = new ReadOnlyObjectWrapper<>();
    private TaskRunner.Handle pass;

    public WhyViewModel(MainViewModel main, TaskRunner runner) {
        this.main = main;
        this.runner = runner;
        main.whenCancelled(() -> {
            if (busy.get()) {
                busy.set(false);
                status.set("Cancelled.");
            }
        });
        main.whyAskedProperty().addListener((o, a, asked) -> {
            if (asked != null && main.selectedProperty().get() == asked.position()) {
                whyRatherThan(asked.contrast());
            }
        });
    }

    /** The alternative of the last "why rather than" asked (null for a plain "why"). */
    public ReadOnlyObjectProperty<Alternative> contrastProperty() {
        return contrast.getReadOnlyProperty();
    }

    /** The attribution method: integrated gradients unless picked otherwise. */
    public ObjectProperty<Attribution.Method> methodProperty() {
        return method;
    }

    /** Integrated gradients' steps. */
    public IntegerProperty stepsProperty() {
        return steps;
    }

    public ReadOnlyObjectProperty<Attribution> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The selected token of the analysed text (null when none is selected or nothing is analysed). */
    public TokenScore selectedToken() {
        Analysis an = main.analysisProperty().get();
        int at = main.selectedProperty().get();
        if (an == null || an.a() == null || at < 0 || at >= an.a().tokens().size()) {
            return null;
        }
        return an.a().tokens().get(at);
    }

    /** The selected token's alternatives from its top-k: the candidates for "why not". */
    public List<Alternative> alternatives() {
        TokenScore t = selectedToken();
        return t == null ? List.of() : t.top().stream().filter(a -> a.id() != t.id()).toList();
    }

    /** Why the selected token. */
    public void why() {
        whyRatherThan(-1);
    }

    /**
     * Why the selected token rather than {@code contrast} (an id; -1 for plain "why"). A method the model
     * cannot give (a gradient method on a remote model) is refused with the backend's sentence.
     */
    public void whyRatherThan(int contrast) {
        TokenScore t = selectedToken();
        Backend backend = main.slotA().backend();
        if (t == null || backend == null) {
            status.set("Select a token in the heatmap first (and analyse a text with model A).");
            return;
        }
        String text = main.analysisProperty().get().text();
        Attribution.Method m = method.get();
        int n = steps.get();
        Alternative y = contrast < 0 ? null : t.top().stream().filter(a -> a.id() == contrast).findFirst()
                .orElse(new Alternative(contrast, "#" + contrast, Double.NaN));
        this.contrast.set(y);
        String refused = backend.capabilities().whyNot(m);
        if (refused != null) {
            status.set(refused);
            return;
        }
        if (pass != null) {
            pass.cancel();
        }
        busy.set(true);
        String rather = y == null ? "" : " rather than '" + Glyphs.visible(y.text()) + "'";
        String asked = "Why '" + Glyphs.visible(t.text()) + "'" + rather + " (token " + t.index() + "): " + m.label();
        status.set(asked + "…");
        main.status().begin(asked + "…"); // the status bar's progress and Cancel
        pass = runner.submit((p, cancelled) -> backend.attribute(text, t.index(), y == null ? null : Integer.toString(y.id()),
                        m, n, cancelled, (done, total) -> p.update((double) done / total,
                                asked + ": " + done + " of " + total + " texts scored")),
                (f, s) -> {
                    status.set(s);
                    main.status().update(f, s);
                },
                a -> {
                    busy.set(false);
                    result.set(a);
                    status.set(m.label() + " of token " + t.index() + rather
                            + (a.completenessError() != null
                            ? String.format(Locale.ROOT, " · completeness error %.4f", a.completenessError()) : ""));
                    main.status().done(status.get());
                }, e -> {
                    busy.set(false);
                    if (e instanceof CancellationException) {
                        status.set("Cancelled.");
                        main.status().cancelled();
                    } else {
                        status.set(UserMessages.sentence(e));
                        main.status().fail(status.get());
                    }
                });
        main.track(pass);
    }

    public void cancel() {
        if (pass != null) {
            pass.cancel();
        }
        busy.set(false);
        status.set("Cancelled.");
    }
}
