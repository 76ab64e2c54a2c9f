package dev.salvor.formats.core;

/**
 * Where an engine that reads several files at once (a database with its WAL and journal) sends the state of each
 * unit it read, for the files' maps ({@link FileResult#map()}); the caller routes each unit by its resource, as it
 * routes damage from a {@link DamageSink}. Implementations used by several threads at once must be thread-safe.
 */
@FunctionalInterface
public interface UnitSink {

    /** {@code length} bytes at {@code offset} of {@code resource} are in {@code state}. */
    void unit(String resource, long offset, long length, UnitState state);

    /**
     * {@code resource} is made of units of {@code bytes} each from its first byte (see {@link UnitMap#unitSize}).
     * Ignored by default.
     */
    default void unitSize(String resource, long bytes) {
    }

    /** Drops every unit (when no map is wanted). */
    UnitSink NONE = (resource, offset, length, state) -> { };
}
