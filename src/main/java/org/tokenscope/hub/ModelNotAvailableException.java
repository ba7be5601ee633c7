package org.tokenscope.hub;

/**
 * A model that is not in the local cache and cannot be downloaded now (offline mode, or the Hub
 * cannot be reached). The message says how to get it.
 */
public class ModelNotAvailableException extends HubException {

    private final String situation;

    public ModelNotAvailableException(String message) {
        this(message, message, null);
    }

    public ModelNotAvailableException(String message, Throwable cause) {
        this(message, message, cause);
    }

    /**
     * @param situation what is the matter, without advice (for {@code pull}, whose own failure it is)
     * @param message the situation and how to get the model
     */
    public ModelNotAvailableException(String situation, String message, Throwable cause) {
        super(message, cause);
        this.situation = situation;
    }

    /** What is the matter, without the advice the message adds: "gpt2 is not in the ... cache (...) and ... could not be reached". */
    public String situation() {
        return situation;
    }
}
