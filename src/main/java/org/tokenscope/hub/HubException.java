package org.tokenscope.hub;

import java.io.IOException;

/**
 * Something the Hub or the cache could not do. The message is one sentence for the user: what
 * went wrong and, where there is one, what to do about it.
 */
public class HubException extends IOException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
