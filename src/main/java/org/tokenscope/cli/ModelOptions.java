package org.tokenscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tokenscope.model.Gpt2Model;
import org.tokenscope.remote.ApiKey;
import org.tokenscope.remote.RemoteBackend;
import org.tokenscope.remote.RemoteSpec;
import org.tokenscope.service.Backend;
import org.tokenscope.service.LocalBackend;
import picocli.CommandLine.Option;

/** {@code --model M}: a model folder, a Hugging Face Hub id, or a remote server's URL. */
public final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M",
            description = "A model folder (config.json, tokenizer.json, safetensors), a Hub id such as gpt2, "
                    + "or an OpenAI-compatible server: http://host:8000/v1#model-name.")
    String model;

    @Option(names = "--revision", defaultValue = "main", paramLabel = "R",
            description = "Hub revision: branch, tag or commit (default ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--offline", description = "Never touch the network (also HF_HUB_OFFLINE=1).")
    boolean offline;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "Remote models: the environment variable that holds the server's API key (sent as a bearer token, never printed).")
    String apiKeyEnv;

    @Option(names = "--chat",
            description = "Remote models: generate through /v1/chat/completions, the prompt as one user message.")
    boolean chat;

    /** Finds (downloading if needed and allowed) and loads a local GPT-2. */
    Gpt2Model open(String spec) throws Exception {
        if (RemoteSpec.isRemote(spec)) {
            throw new IllegalArgumentException("A remote model (" + RemoteSpec.parse(spec).baseUri()
                    + ") does not expose its internals (attention, logit lens); use a local model folder or Hub id.");
        }
        Path folder = ModelLocator.locate(spec, revision, offline);
        String name = Files.isDirectory(Path.of(spec)) ? folder.getFileName().toString() : spec;
        return Gpt2Model.load(folder, name);
    }

    /** Opens a model as a {@link Backend}: a local GPT-2 (folder or Hub id), or a model on a remote server (URL). */
    Backend openBackend(String spec) throws Exception {
        if (RemoteSpec.isRemote(spec)) {
            if (offline) {
                throw new IllegalArgumentException("--offline: the remote model " + spec + " needs the network.");
            }
            RemoteBackend.Builder remote = RemoteBackend.builder().setSpec(RemoteSpec.parse(spec)).optChat(chat);
            if (apiKeyEnv != null) {
                remote.optApiKey(ApiKey.fromEnvironment(apiKeyEnv));
            }
            return remote.connect();
        }
        return new LocalBackend(open(spec));
    }
}
