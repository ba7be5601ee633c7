package org.tokenscope.hub;

/**
 * A download stopped because its caller cancelled it (or interrupted its thread). The cache is
 * left valid: nothing was written under a final name, and the partial blob is kept so that the
 * next download resumes from it.
 */
public class DownloadCancelledException extends HubException {

    public DownloadCancelledException(String message) {
        super(message);
    }
}
