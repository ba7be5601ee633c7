package org.tokenscope.cli;

import org.tokenscope.model.LanguageModel;
import org.tokenscope.remote.ApiKey;
import org.tokenscope.remote.RemoteBackend;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.Backend;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.ModelSources;
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

    /** Finds (downloading if needed and allowed) and loads a local GPT-2. */
    LanguageModel open(String spec) throws Exception {
        if (RemoteSpec.isRemote(spec)) {
            throw new IllegalArgumentException("A remote model (" + RemoteSpec.parse(spec).baseUri()
                    + ") does not expose its internals (attention, logit lens); use a local model folder or Hub id.");
        }
        // only the default has a stand-in: a model the user named is that model or an error
        String standIn = model == null && spec.equals(ModelSources.DEFAULT_A) ? ModelSources.BUNDLED_SMALL : null;
        ModelSources.Resolved found = ModelLocator.locate(spec, revision, offline, standIn);
        return LanguageModel.load(found.folder(), found.name());
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
}
