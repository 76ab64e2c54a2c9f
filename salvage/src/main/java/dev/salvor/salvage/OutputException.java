package dev.salvor.salvage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writing an output failed (disk full, permission denied, the reader of a pipe went away): the run cannot go on, and
 * the message names the output as the user gave it, not a hidden temporary file. Told apart from an input that cannot
 * be read, which only ends that input.
 */
public final class OutputException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutputException(Path output, Throwable cause) {
        super(IoErrors.cannotWrite(output, cause), cause);
    }

    public OutputException(String message) {
        super(message);
    }

    /** The output failure in {@code e}'s cause chain, or null when {@code e} is not one. */
    public static OutputException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutputException o) {
                return o;
            }
        }
        return null;
    }
}
