package org.tokenscope.service;

/** The one sentence a user sees for an exception: its message, or its cause's when it has none. */
public final class UserMessages {

    private UserMessages() {
    }

    public static String sentence(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
