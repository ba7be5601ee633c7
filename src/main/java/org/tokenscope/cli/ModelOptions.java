package org.tokenscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tokenscope.model.Gpt2Model;
import org.tokenscope.service.Backend;
import org.tokenscope.service.LocalBackend;
import picocli.CommandLine.Option;

/** {@code --model M}: a model folder or a Hugging Face Hub id. */
public final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M",
            description = "A model folder (config.json, tokenizer.json, safetensors) or a Hub id such as gpt2.")
    String model;

    @Option(names = "--revision", defaultValue = "main", paramLabel = "R",
            description = "Hub revision: branch, tag or commit (default ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--offline", description = "Never touch the network (also HF_HUB_OFFLINE=1).")
    boolean offline;

    /** Finds (downloading if needed and allowed) and loads a local GPT-2. */
    Gpt2Model open(String spec) throws Exception {
        Path folder = ModelLocator.locate(spec, revision, offline);
        String name = Files.isDirectory(Path.of(spec)) ? folder.getFileName().toString() : spec;
        return Gpt2Model.load(folder, name);
    }

    /** Opens a model as a {@link Backend}: a local GPT-2 (folder or Hub id). */
    Backend openBackend(String spec) throws Exception {
        return new LocalBackend(open(spec));
    }
}
