package dev.salvor.cli;

/** salvor's exit codes. Only a bug in salvor exits with {@link #INTERNAL}. */
public final class ExitCodes {
    /** Everything verified; no damage. */
    public static final int CLEAN = 0;
    /** Damage found; salvage still succeeded for everything intact. */
    public static final int DAMAGE = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** An input could not be read at all (missing, permission, not a recognised format). */
    public static final int UNREADABLE = 3;
    /** A bug in salvor. */
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }
}
