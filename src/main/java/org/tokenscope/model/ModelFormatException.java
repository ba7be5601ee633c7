package org.tokenscope.model;

import java.io.IOException;

/**
 * A model folder or file that cannot be loaded as it stands. The message is one sentence for the
 * user and names the file (and the tensor, where there is one).
 */
public class ModelFormatException extends IOException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
