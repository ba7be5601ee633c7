package org.tokenscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tokenscope.Launcher;
import org.tokenscope.hub.ByteSizes;
import org.tokenscope.hub.CachedModel;
import org.tokenscope.hub.CachedRevision;
import org.tokenscope.hub.HubCache;
import org.tokenscope.service.ModelSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tokenscope models}: the models tokenscope runs in the Hugging Face cache, with their size on
 * disk and cached revisions, and the two bundled models that work offline. Reads the cache only;
 * makes no request.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models tokenscope runs in the Hugging Face cache, with their sizes and revisions, and the bundled models.")
public final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--all", description = "List every cached model, not only those tokenscope runs.")
    private boolean all;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;

    public ModelsCommand() {
        this(System.getenv());
    }

    /** A command that finds the cache through {@code HF_HUB_CACHE}, {@code HF_HOME} ... in {@code env}. */
    public ModelsCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HubCache cache = HubCache.fromEnvironment(env);
        List<CachedModel> models;
        try {
            models = cache.list().stream().filter(model -> all || model.runnable()).toList();
        } catch (IOException e) {
            err.println("Error: could not read the Hugging Face cache at " + cache.root() + ": " + e.getMessage() + ".");
            err.flush();
            return 1;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MODEL", "SIZE", "REVISIONS"});
        for (CachedModel model : models) {
            rows.add(new String[] {model.repoId(), ByteSizes.format(model.sizeOnDisk()), revisions(model)});
        }
        for (String name : List.of(ModelSources.BUNDLED_SMALL, ModelSources.BUNDLED_LARGE)) {
            Optional<Path> folder = ModelSources.bundled(name);
            if (folder.isPresent()) {
                String standsFor = name.equals(ModelSources.BUNDLED_SMALL) ? ModelSources.DEFAULT_A : ModelSources.DEFAULT_B;
                rows.add(new String[] {name, ByteSizes.format(sizeOf(folder.get())),
                        "bundled, works offline; stands in for " + standsFor + " (" + folder.get() + ")"});
            }
        }
        if (models.isEmpty()) {
            out.println("No " + (all ? "" : "runnable ") + "models in the Hugging Face cache (" + cache.root()
                    + "); download one with `" + Launcher.command() + " pull gpt2`.");
            if (rows.size() == 1) {
                out.flush();
                return 0;
            }
            out.println();
        }
        int idWidth = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0);
        int sizeWidth = rows.stream().mapToInt(row -> row[1].length()).max().orElse(0);
        for (String[] row : rows) {
            out.println(String.format("%-" + idWidth + "s  %" + sizeWidth + "s  %s", row[0], row[1], row[2]).stripTrailing());
        }
        out.println();
        out.println("Cache: " + cache.root());
        out.flush();
        return 0;
    }

    /** The bytes of the files directly in {@code folder}. */
    private static long sizeOf(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            return 0; // listed all the same: its size is the least of what matters
        }
    }

    /** "main → 607a30d, 1f2e3d4 (incomplete)". */
    private static String revisions(CachedModel model) {
        List<String> parts = new ArrayList<>();
        for (CachedRevision revision : model.revisions()) {
            String commit = revision.commit().substring(0, Math.min(7, revision.commit().length()));
            String text = revision.refs().isEmpty() ? commit : String.join(", ", revision.refs()) + " → " + commit;
            parts.add(revision.complete() ? text : text + " (incomplete)");
        }
        return parts.isEmpty() ? "(no snapshots)" : String.join("; ", parts);
    }
}
