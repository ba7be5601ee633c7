package org.tokenscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tokenscope.model.Gpt2Model;
import org.tokenscope.model.ModelFormatException;
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

    /** Finds (downloading if needed and allowed) and loads a model. */
    Gpt2Model open(String spec) throws Exception {
        Path folder = ModelLocator.locate(spec, revision, offline);
        String name = Files.isDirectory(Path.of(spec)) ? folder.getFileName().toString() : spec;
        try {
            return Gpt2Model.load(folder, name);
        } catch (ModelFormatException e) {
            throw e;
        }
    }
}
