package dev.salvor.formats.core;

import java.util.function.LongConsumer;

/**
 * Where a long operation reports how far it got, in bytes, phase by phase. A phase is one pass over a known number
 * of bytes (the tables of a LevelDB database, the b-tree pages of an SQLite database, the inputs hashed before a
 * run); its count of bytes done rises from 0 to exactly its total when the pass ends, so a progress line can show a
 * true percentage and an estimate of the time left.
 *
 * <p>Reporters: call {@link #phase} before the first {@link #done} of a pass; report the cumulative count per block,
 * page or chunk, never per record; count bytes the pass skipped (damaged regions, pages it had no use for) once it is
 * past them, so that the count reaches the total when the pass ends. A pass worked on several threads reports
 * through one {@link ProgressCounter}, which delivers its counts in rising order.
 *
 * <p>Listeners: called from the working threads, so cheap and thread-safe. Only {@link #done} is required (a lambda
 * that ignores phases is a listener of bytes alone).
 */
@FunctionalInterface
public interface Progress extends LongConsumer {

    /**
     * A new phase starts.
     *
     * @param name       what the pass does, in a word or two ({@code hash}, {@code walk}, {@code merge})
     * @param totalBytes the bytes the pass reads (0 when unknown)
     */
    default void phase(String name, long totalBytes) {
    }

    /** Bytes done so far in the current phase (cumulative; never more than the phase's total). */
    void done(long bytes);

    /** Same as {@link #done}. */
    @Override
    default void accept(long bytes) {
        done(bytes);
    }

    /** Ignores everything. */
    Progress NONE = bytes -> { };
}
