package dev.salvor.salvage.backup;

import java.io.IOException;

/**
 * A backup, image or restore that did not happen, with a one-line reason. The {@link Kind} tells the CLI which exit
 * code to use; in every case nothing that looks complete was left behind.
 */
public class BackupException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the operation stopped. */
    public enum Kind {
        /** The source is missing, unreadable, or holds something a backup cannot carry. */
        SOURCE_UNREADABLE,
        /** The source changed while it was read, twice: a cold backup is consistent or it is nothing. */
        SOURCE_CHANGED,
        /** The archive is missing, unreadable, damaged, tampered or hostile: nothing was written. */
        ARCHIVE_REFUSED,
        /** The target or output is unsuitable (exists, non-empty without --force, a link, inside the source). */
        TARGET_REFUSED
    }

    private final Kind kind;

    public BackupException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public BackupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
