package dev.salvor.cli;

/** An input the user named cannot be read at all; exit code 3 with this one-line message. */
final class UnreadableInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableInputException(String message) {
        super(message, null, false, false);
    }
}
