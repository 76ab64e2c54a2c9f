package dev.salvor.salvage;

/**
 * An input the user named cannot be read at all (missing, permission denied, not a file or directory, no format
 * recognised, a live table that cannot be queried): the CLI prints this one-line message and exits with 3.
 */
public final class UnreadableInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnreadableInputException(String message) {
        super(message, null, false, false);
    }
}
