package org.tokenscope.cli;

/** Turns an exception into the one sentence a user sees. */
final class Errors {

    private Errors() {
    }

    static String sentence(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message;
    }
}
