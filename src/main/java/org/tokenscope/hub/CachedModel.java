package org.tokenscope.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * A model repository in the Hugging Face cache.
 *
 * @param repoId the Hub id, spelled as the folder is ({@code gpt2}, {@code openai-community/gpt2})
 * @param folder its {@code models--org--name} folder
 * @param revisions its snapshots, newest first
 * @param sizeOnDisk bytes of the distinct files its snapshots point at (as {@code hf cache scan} counts)
 * @param runnable whether a snapshot's config.json names an architecture tokenscope runs ({@link ModelFiles#RUNNABLE_ARCHITECTURES})
 */
public record CachedModel(String repoId, Path folder, List<CachedRevision> revisions, long sizeOnDisk, boolean runnable) {

    public CachedModel {
        revisions = List.copyOf(revisions);
    }

    /** Whether some revision has every file tokenscope needs. */
    public boolean complete() {
        return revisions.stream().anyMatch(CachedRevision::complete);
    }
}
