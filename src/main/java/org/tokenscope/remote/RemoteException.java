package org.tokenscope.remote;

import java.io.IOException;

/**
 * A remote server could not do what was asked. The message is one sentence for the user; it never
 * contains the API key.
 */
public final class RemoteException extends IOException {

    /** What went wrong, for callers that react differently (the app offers to fix the key on 401). */
    public enum Kind {
        /** The server cannot be reached. */
        UNREACHABLE,
        /** No answer in time, or the stream went silent. */
        TIMEOUT,
        /** 401/403: no key, or a key the server refuses. */
        UNAUTHORIZED,
        /** 404: no such model or endpoint. */
        NOT_FOUND,
        /** 400: the text does not fit the model's context. */
        CONTEXT_EXCEEDED,
        /** 429, after the retries. */
        RATE_LIMITED,
        /** Another 4xx: the server refused the request. */
        BAD_REQUEST,
        /** 5xx. */
        SERVER_ERROR,
        /** The server cannot do this at all (scoring on a server without prompt log-probabilities). */
        UNSUPPORTED,
        /** The answer is not what the protocol says (bad JSON, a cut stream). */
        PROTOCOL
    }

    private final Kind kind;
    private final int status;

    RemoteException(Kind kind, int status, String message) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    RemoteException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = 0;
    }

    RemoteException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was none. */
    public int status() {
        return status;
    }
}
