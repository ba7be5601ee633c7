package org.tokenscope.hub;

/**
 * Progress of a download, called on the downloading thread after each chunk (so an app must hand
 * it over to its UI thread itself). A file that is already cached reports once, complete.
 */
@FunctionalInterface
public interface DownloadListener {

    /** Ignores everything. */
    DownloadListener NONE = (file, bytesDone, bytesTotal) -> { };

    /**
     * @param file the file's path in the repository, e.g. {@code model.safetensors}
     * @param bytesDone bytes of it on disk so far (goes back to 0 when a download starts over)
     * @param bytesTotal its size, or -1 if unknown
     */
    void onProgress(String file, long bytesDone, long bytesTotal);
}
