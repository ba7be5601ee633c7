package org.tokenscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.tokenscope.model.WeightFormat;
import org.tokenscope.remote.KeySource;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.service.ModelSources;
import org.tokenscope.service.Models;
import org.tokenscope.service.OpenedModel;
import org.tokenscope.service.Progress;
import picocli.CommandLine;
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

    @Option(names = "--weights", paramLabel = "W", defaultValue = "f32", converter = WeightsConverter.class,
            description = "How a local model holds its weight matrices: f32, bf16 (half the memory) or q8 "
                    + "(8-bit, ggml's Q8_0: a quarter of the memory); quantized at load (default ${DEFAULT-VALUE}).")
    WeightFormat weights = WeightFormat.F32;

    static final class WeightsConverter implements CommandLine.ITypeConverter<WeightFormat> {
        @Override
        public WeightFormat convert(String value) {
            return WeightFormat.parse(value);
        }
    }

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
        OpenedModel opened = Models.open(request(spec), loadBar(), new PullCommand.ProgressBar(err, System::nanoTime),
                () -> false);
        note(err, opened.note());
        return opened;
    }

    /** Opens {@code spec} as our own model on the local engine (for what times or trains the engine itself). */
    LocalBackend openLocal(String spec) throws IOException {
        PrintWriter err = new PrintWriter(System.err, true);
        Models.Local opened = Models.openLocal(request(spec), loadBar(),
                new PullCommand.ProgressBar(err, System::nanoTime), () -> false);
        note(err, opened.note());
        return opened.backend();
    }

    private ModelRequest request(String spec) {
        return new ModelRequest(spec, revision, !offline,
                model == null && spec.equals(ModelSources.DEFAULT_A) ? ModelSources.BUNDLED_SMALL : null,
                KeySource.fromEnvironment(apiKeyEnv), false).withWeights(weights);
    }

    /**
     * A bar on stderr while a model is quantized or rounded at load (bf16, q8), on a terminal only;
     * nothing for f32, whose load maps the file.
     */
    private Progress loadBar() {
        if (weights == WeightFormat.F32 || System.console() == null) {
            return Progress.NONE;
        }
        int[] shown = {-1};
        return (fraction, message) -> {
            if (fraction < 0) {
                return;
            }
            int percent = (int) Math.round(100 * fraction);
            if (percent / 5 != shown[0] / 5) {
                shown[0] = percent;
                System.err.printf("\r%s [%-20s] %3d%%%s", message, "#".repeat(percent / 5), percent, percent >= 100 ? "\n" : "");
                System.err.flush();
            }
        };
    }

    private static void note(PrintWriter err, String note) {
        if (note != null) {
            err.println("Note: " + note + " Give --model to choose another.");
        }
    }
}
