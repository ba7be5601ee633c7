package org.tokenscope.hub;

/**
 * A model that is not in the local cache and cannot be downloaded now (offline mode, or the Hub
 * cannot be reached). The message says how to get it.
 */
public class ModelNotAvailableException extends HubException {

    public ModelNotAvailableException(String message) {
        super(message);
    }

    public ModelNotAvailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
