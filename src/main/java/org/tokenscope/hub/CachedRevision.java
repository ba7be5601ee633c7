package org.tokenscope.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * One snapshot of a cached model.
 *
 * @param commit the commit hash (the snapshot folder's name)
 * @param refs the branches and tags under {@code refs/} that point at it, e.g. {@code main}
 * @param snapshot the {@code snapshots/<commit>} folder
 * @param complete whether it holds config.json, a tokenizer and safetensors weights
 */
public record CachedRevision(String commit, List<String> refs, Path snapshot, boolean complete) {

    public CachedRevision {
        refs = List.copyOf(refs);
    }
}
