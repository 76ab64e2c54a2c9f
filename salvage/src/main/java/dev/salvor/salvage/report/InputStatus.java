package dev.salvor.salvage.report;

import java.util.Locale;

/**
 * What became of one input named on the command line, from best to worst; a run's verdict is its worst input's, and
 * its exit code that status's. Only {@link #CLEAN} is clean: at least one unit (block, page, frame, event) verified
 * against its own checksum or structure and no damage found, never "nothing checked".
 */
public enum InputStatus {
    /** Something verified and nothing damaged. */
    CLEAN("clean", 0),
    /** Damage found (or the input changed during the run); everything intact was still read and written. */
    DAMAGED("damaged", 1),
    /** Recognised, but not one unit verified and no damage found: nothing to vouch for. */
    NOTHING_VERIFIED("nothing_verified", 3),
    /** Read as the format forced with {@code --format}, but nothing in it verified as that format. */
    NOT_FORMAT("not_format", 3),
    /** No format recognised by content. */
    UNRECOGNISED("unrecognised", 3),
    /** Missing, not readable, or not a regular file or directory. */
    UNREADABLE("unreadable", 3),
    /** A bug in salvor stopped the reading of this input (the others were still read). */
    FAILED("failed", 4);

    private final String id;
    private final int exitCode;

    InputStatus(String id, int exitCode) {
        this.id = id;
        this.exitCode = exitCode;
    }

    /** The name used in JSON reports ({@code clean}, {@code not_format}, ...). */
    public String id() {
        return id;
    }

    /** The process exit code of a run whose worst input has this status. */
    public int exitCode() {
        return exitCode;
    }

    /** The worse of the two. */
    public InputStatus worst(InputStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** As printed in the human summary ({@code CLEAN}, {@code NOT SQLITE} for a format, ...). */
    public String display(String format) {
        if (this == NOT_FORMAT && format != null) {
            return "NOT " + format.toUpperCase(Locale.ROOT);
        }
        return id.replace('_', ' ').toUpperCase(Locale.ROOT);
    }
}
