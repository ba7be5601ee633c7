package org.tokenscope.service;

import java.util.Objects;
import org.tokenscope.remote.KeySource;

/**
 * A model to open, however it was named: a folder, a Hub id (cached or downloaded), a bundled model
 * ({@code tokenscope-small}, {@code tokenscope-large}) or an OpenAI-compatible server
 * ({@code http://host:8000/v1#model}).
 *
 * @param spec      what the user (or the default) named
 * @param revision  a Hub branch, tag or commit
 * @param download  whether a Hub id missing from the cache may be downloaded
 * @param standIn   the bundled model that replaces it when it can't be had, or null: only a model chosen by
 *                  default has one (the command line's default, the app's start-up models), never one the user named
 * @param key       where a remote server's API key comes from
 * @param chat      a remote model: generate through {@code /v1/chat/completions}
 */
public record ModelRequest(String spec, String revision, boolean download, String standIn, KeySource key,
                           boolean chat) {

    public ModelRequest {
        Objects.requireNonNull(spec, "spec");
        spec = spec.strip();
        revision = revision == null || revision.isBlank() ? "main" : revision;
        key = key == null ? KeySource.NONE : key;
    }

    /** A model the user named: that model, downloaded if need be, or an error. */
    public static ModelRequest named(String spec) {
        return new ModelRequest(spec, "main", true, null, KeySource.NONE, false);
    }

    /** A model chosen by default, never downloaded: when it can't be had, the bundled {@code standIn} with a note. */
    public static ModelRequest byDefault(String spec, String standIn) {
        return new ModelRequest(spec, "main", false, standIn, KeySource.NONE, false);
    }

    /** Whether it was chosen by default (and so has a stand-in). */
    public boolean byDefault() {
        return standIn != null;
    }

    public ModelRequest withRevision(String value) {
        return new ModelRequest(spec, value, download, standIn, key, chat);
    }

    public ModelRequest withDownload(boolean value) {
        return new ModelRequest(spec, revision, value, standIn, key, chat);
    }

    public ModelRequest withKey(KeySource value) {
        return new ModelRequest(spec, revision, download, standIn, value, chat);
    }

    public ModelRequest withChat(boolean value) {
        return new ModelRequest(spec, revision, download, standIn, key, value);
    }
}
