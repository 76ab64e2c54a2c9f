package dev.salvor.formats.core;

import java.util.Locale;

/**
 * What a byte range of an input turned out to be, as drawn in the map of a file ({@link UnitMap}). The constants are
 * declared from the most to the least reassuring: where two states meet in one range (a page verified, then a damage
 * found inside it; a map cell holding both), the later constant wins, so a map never hides what a specialist must
 * look at first.
 */
public enum UnitState {
    /** A unit whose checksum or structure proved it: a log record, a table block, a b-tree page, a WAL frame. */
    VERIFIED,
    /** Space the format itself marks unused: a freelist page, a page past the database's end, an old WAL frame. */
    FREE,
    /** Bytes an artifact was carved from (a raw image: where a table, log, database or event run was found). */
    CARVED,
    /**
     * Read but not proven: a page whose current version lies in the WAL, a WAL frame after the last valid commit, an
     * event the hash chain cannot link.
     */
    UNVERIFIED,
    /** A unit that failed its checksum or structure, or bytes a damage names. */
    DAMAGED;

    /** The lower-case name used in reports ({@code verified}, {@code damaged}...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state of the two a specialist must look at first. */
    public static UnitState worst(UnitState a, UnitState b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
