package org.tokenscope.app;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.tokenscope.hub.CachedModel;
import org.tokenscope.hub.HubCache;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.ModelSources;

/**
 * The desktop window. Models: {@code -Dtokenscope.modelA=...} / {@code TOKENSCOPE_MODEL_A} (and B)
 * override the default pair gpt2 / gpt2-large; when those are not cached the bundled pair stands in.
 */
public final class TokenscopeApp extends Application {

    private InferenceThread inference;
    private MainViewModel vm;

    public static void launchApp(String[] args) {
        Application.launch(TokenscopeApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        inference = new InferenceThread();
        vm = new MainViewModel(inference);
        List<String> params = getParameters() == null ? List.of() : getParameters().getRaw();
        if (!params.isEmpty()) {
            try {
                vm.textProperty().set(java.nio.file.Files.readString(java.nio.file.Path.of(params.get(0))));
            } catch (java.io.IOException | RuntimeException e) {
                vm.textProperty().set("Could not open " + params.get(0) + ": " + e.getMessage());
            }
        }
        MainView view = new MainView(vm, knownModels());
        Settings settings = Settings.ofUser();
        Scene scene = new Scene(view, settings.getDouble("window.width", 1280), settings.getDouble("window.height", 820));
        stage.setTitle("tokenscope");
        stage.setScene(scene);
        stage.setMaximized(settings.getBoolean("window.maximized", false));
        view.restore(settings);
        vm.connections().setAll(settings.connections());
        vm.connections().addListener((javafx.collections.ListChangeListener<org.tokenscope.remote.Connection>) c -> {
            settings.putConnections(vm.connections());
            settings.save();
        });
        stage.show();
        if (System.getenv("TOKENSCOPE_STARTUP_LOG") != null) {
            logFirstFrame();
        }
        // remember the window and its layout for next time
        stage.setOnHidden(e -> {
            settings.put("window.width", scene.getWidth());
            settings.put("window.height", scene.getHeight());
            settings.put("window.maximized", stage.isMaximized());
            view.remember(settings);
            settings.save();
        });
        String a = setting("tokenscope.modelA", "TOKENSCOPE_MODEL_A", ModelSources.DEFAULT_A);
        String b = setting("tokenscope.modelB", "TOKENSCOPE_MODEL_B", ModelSources.DEFAULT_B);
        vm.loadModel(vm.slotA(), ModelRequest.byDefault(a, ModelSources.BUNDLED_SMALL));
        vm.loadModel(vm.slotB(), ModelRequest.byDefault(b, ModelSources.BUNDLED_LARGE));
    }

    /**
     * For measuring start-up (BENCHMARKS.md): prints to stderr the wall-clock time at which the first
     * frame with the window's content has been rendered, that is at the second pulse after showing it.
     */
    private static void logFirstFrame() {
        new javafx.animation.AnimationTimer() {
            private int pulses;

            @Override
            public void handle(long now) {
                if (++pulses == 2) {
                    stop();
                    long jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
                    long at = System.currentTimeMillis();
                    System.err.println("tokenscope: first frame at " + at + " ms (" + (at - jvm) + " ms after the JVM started)");
                }
            }
        }.start();
    }

    @Override
    public void stop() {
        if (vm != null) {
            vm.shutdown();
        }
        if (inference != null) {
            inference.close();
        }
    }

    static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Cached models tokenscope runs, the default pair, today's small open models and the bundled pair, for the pickers. */
    static List<String> knownModels() {
        Set<String> names = new LinkedHashSet<>(List.of(ModelSources.DEFAULT_A, ModelSources.DEFAULT_B, "distilgpt2",
                "gpt2-medium", "gpt2-xl", "HuggingFaceTB/SmolLM2-135M", "HuggingFaceTB/SmolLM2-360M",
                "Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-1.5B", "Qwen/Qwen3-0.6B", "Qwen/Qwen3-1.7B",
                "meta-llama/Llama-3.2-1B", "meta-llama/Llama-3.2-3B", "google/gemma-3-270m", "google/gemma-3-1b-pt",
                "mistralai/Mistral-7B-v0.1"));
        try {
            for (CachedModel m : HubCache.fromEnvironment(System.getenv()).list()) {
                if (m.runnable()) {
                    names.add(m.repoId());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // an unreadable cache only means fewer suggestions
        }
        for (String bundled : List.of(ModelSources.BUNDLED_SMALL, ModelSources.BUNDLED_LARGE)) {
            if (ModelSources.bundled(bundled).isPresent()) {
                names.add(bundled);
            }
        }
        return new ArrayList<>(names);
    }
}
