package dev.salvor.salvage.report;

import java.util.Objects;

/**
 * The outcome of one input as named on the command line (a database directory or file, a live table, or a set
 * carved out of an image): its format, status and exit code, and what was verified in it. Each input is read
 * independently: one unreadable or unrecognised input is reported here and never stops the others.
 *
 * @param input          the input as the user gave it
 * @param format         the format that read it ({@code null} when none could)
 * @param forced         true when the format was forced with {@code --format}
 * @param status         what became of it
 * @param message        why, for every status but {@link InputStatus#CLEAN} and {@link InputStatus#DAMAGED}
 *                       (what was found instead and what to give), else {@code null}
 * @param files          files read for it
 * @param unitsVerified  units that verified
 * @param damages        damages found in it
 */
public record InputResult(String input, String format, boolean forced, InputStatus status, String message, int files,
                          long unitsVerified, long damages) {

    public InputResult {
        Objects.requireNonNull(input);
        Objects.requireNonNull(status);
    }

    /** An input nothing could be read of: {@code status} with the reason. */
    public static InputResult failed(String input, String format, boolean forced, InputStatus status, String message) {
        return new InputResult(input, format, forced, status, message, 0, 0, 0);
    }

    /** The exit code of this input alone. */
    public int exitCode() {
        return status.exitCode();
    }
}
