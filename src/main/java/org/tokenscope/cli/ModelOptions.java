package org.tokenscope.cli;

import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.WeightFormat;
import org.tokenscope.remote.ApiKey;
import org.tokenscope.remote.RemoteBackend;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.Backend;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.ModelSources;
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
                    + "(8-bit, ggml's Q8_0: a quarter of the memory, faster generation); quantized at load "
                    + "(default ${DEFAULT-VALUE}).")
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

    /** Finds (downloading if needed and allowed) and loads a local GPT-2. */
    LanguageModel open(String spec) throws Exception {
        if (RemoteSpec.isRemote(spec)) {
            throw new IllegalArgumentException("A remote model (" + RemoteSpec.parse(spec).baseUri()
                    + ") does not expose its internals (attention, logit lens); use a local model folder or Hub id.");
        }
        // only the default has a stand-in: a model the user named is that model or an error
        String standIn = model == null && spec.equals(ModelSources.DEFAULT_A) ? ModelSources.BUNDLED_SMALL : null;
        ModelSources.Resolved found = ModelLocator.locate(spec, revision, offline, standIn);
        return LanguageModel.load(found.folder(), found.name(), weights, new LoadBar(found.name(), weights));
    }

    /** Opens a model as a {@link Backend}: a local GPT-2 (folder or Hub id), or a model on a remote server (URL). */
    Backend openBackend(String spec) throws Exception {
        if (RemoteSpec.isRemote(spec)) {
            if (offline) {
                throw new IllegalArgumentException("--offline: the remote model " + spec + " needs the network.");
            }
            RemoteBackend.Builder remote = RemoteBackend.builder().setSpec(RemoteSpec.parse(spec));
            if (apiKeyEnv != null) {
                remote.optApiKey(ApiKey.fromEnvironment(apiKeyEnv));
            }
            return remote.connect();
        }
        return new LocalBackend(open(spec));
    }

    /**
     * A progress bar on stderr while a large model loads in bf16 or q8 (quantizing takes a while):
     * nothing for float32, whose load only maps the file, nor for models under 500M parameters.
     */
    private static final class LoadBar implements LanguageModel.LoadListener {
        private static final long LARGE = 500_000_000L;
        private final String name;
        private final WeightFormat format;
        private int shown = -1;

        LoadBar(String name, WeightFormat format) {
            this.name = name;
            this.format = format;
        }

        @Override
        public void loaded(long done, long total) {
            if (format == WeightFormat.F32 || total < LARGE) {
                return;
            }
            int percent = (int) (100 * done / total);
            if (percent / 5 != shown / 5) {
                shown = percent;
                int filled = percent / 5;
                System.err.printf("\rloading %s as %s [%s%s] %3d%%", name, format.label(), "#".repeat(filled),
                        " ".repeat(20 - filled), percent);
                if (done == total) {
                    System.err.println();
                }
                System.err.flush();
            }
        }
    }
}
