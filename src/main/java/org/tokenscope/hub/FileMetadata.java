package org.tokenscope.hub;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * What a HEAD on {@code {endpoint}/{repo}/resolve/{revision}/{file}} says about a file, as
 * huggingface_hub's {@code get_hf_file_metadata} reads it.
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag {@code X-Linked-Etag}, else {@code ETag}, without quotes or {@code W/}: the blob's
 *     name in the cache, and for LFS files the SHA-256 of its content
 * @param size {@code X-Linked-Size}, else {@code Content-Length}
 * @param location where to GET the bytes: a storage host's (signed) URL for LFS files, else the
 *     resolve URL after any relative redirect
 */
public record FileMetadata(String commit, String etag, long size, URI location) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Whether the etag is a SHA-256, which LFS files have and the download is checked against. */
    public boolean isLfs() {
        return SHA256.matcher(etag).matches();
    }
}
