package org.tokenscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.tokenscope.remote.KeySource;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.ModelSources;
import org.tokenscope.service.Models;
import org.tokenscope.service.OpenedModel;
import org.tokenscope.service.Progress;
import picocli.CommandLine.Option;

/** {@code --model M}: a model folder, a Hugging Face Hub id, or a remote server's URL. */
public final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "M",
            description = "A model folder (config.json, tokenizer.json, safetensors), a Hub id such as gpt2, "
                    + "tokenscope-small or tokenscope-large (bundled), or an OpenAI-compatible server: "
                    + "http://host:8000/v1#model-name. Default: gpt2, or the bundled tokenscope-small when "
                    + "gpt2 is neither cached nor downloadable.")
    String model;

    /** The model asked for: {@code --model}, else gpt2. */
    String model() {
        return model != null ? model : ModelSources.DEFAULT_A;
    }

    @Option(names = "--revision", defaultValue = "main", paramLabel = "R",
            description = "Hub revision: branch, tag or commit (default ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--offline", description = "Never touch the network (also HF_HUB_OFFLINE=1).")
    boolean offline;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "Remote models: the environment variable that holds the server's API key (sent as a bearer token, never printed).")
    String apiKeyEnv;


    /**
     * Opens {@code spec} (see {@link Models#open}): downloading with a progress bar on stderr unless
     * {@code --offline}; only the default model has a bundled stand-in, and a note on stderr says when it stands in.
     */
    OpenedModel open(String spec) throws IOException {
        if (RemoteSpec.isRemote(spec) && offline) {
            throw new IllegalArgumentException("--offline: the remote model " + spec + " needs the network.");
        }
        PrintWriter err = new PrintWriter(System.err, true);
        OpenedModel opened = Models.open(request(spec), Progress.NONE, new PullCommand.ProgressBar(err, System::nanoTime),
                () -> false);
        note(err, opened.note());
        return opened;
    }

    /** Opens {@code spec} as our own model on the local engine (for what times or trains the engine itself). */
    LocalBackend openLocal(String spec) throws IOException {
        PrintWriter err = new PrintWriter(System.err, true);
        Models.Local opened = Models.openLocal(request(spec), Progress.NONE,
                new PullCommand.ProgressBar(err, System::nanoTime), () -> false);
        note(err, opened.note());
        return opened.backend();
    }

    private ModelRequest request(String spec) {
        return new ModelRequest(spec, revision, !offline,
                model == null && spec.equals(ModelSources.DEFAULT_A) ? ModelSources.BUNDLED_SMALL : null,
                apiKeyEnv == null ? KeySource.NONE : KeySource.env(apiKeyEnv), false);
    }

    private static void note(PrintWriter err, String note) {
        if (note != null) {
            err.println("Note: " + note + " Give --model to choose another.");
        }
    }
}
