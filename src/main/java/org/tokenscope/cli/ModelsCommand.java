package org.tokenscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.hub.ByteSizes;
import org.tokenscope.hub.CachedModel;
import org.tokenscope.hub.CachedRevision;
import org.tokenscope.hub.HubCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tokenscope models}: the GPT-2 family models in the Hugging Face cache, with their size on
 * disk and cached revisions. Reads the cache only; makes no request.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the GPT-2 family models in the Hugging Face cache, with their sizes and revisions.")
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
        if (models.isEmpty()) {
            out.println("No " + (all ? "" : "runnable ") + "models in the Hugging Face cache (" + cache.root()
                    + "); download one with `java -jar target/tokenscope.jar pull gpt2`.");
            out.flush();
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MODEL", "SIZE", "REVISIONS"});
        for (CachedModel model : models) {
            rows.add(new String[] {model.repoId(), ByteSizes.format(model.sizeOnDisk()), revisions(model)});
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
