package dev.salvor.formats.carve;

import dev.salvor.formats.core.ByteSource;

import java.util.List;

/**
 * One format's part of the carve: a cheap signature test run over every chunk of the image on all cores (pass 1),
 * and the format's own checks that turn candidates into {@link Artifact}s (pass 2). A signature alone never makes an
 * artifact.
 *
 * <p>Pass 1 is shared: a probe declares a {@link #trigger()} (its signature's first bytes, or an alignment) and the
 * carver's single pass over each chunk ({@link SignatureScan}) calls {@link #at} only at those offsets. A probe
 * that keeps the default {@link Trigger#CHUNK} trigger gets {@link #scan} once per chunk instead (one more pass over
 * the chunk: slower, but any test can be expressed).
 *
 * <p>Probes are stateless between calls of {@link #scan}/{@link #at} (which run concurrently on worker threads);
 * anything found goes to the {@link Sink}.
 */
public interface Probe {

    /**
     * The most bytes any probe may read past a chunk's end (the longest signature of any probe minus one): the
     * carver reads each chunk with this many bytes of the next one.
     */
    int MAX_OVERLAP = 15;

    /**
     * The name a probe gives the slice of {@code image} starting at {@code offset} that it hands to a format's
     * parser (it appears in that parser's damage reports): the image's name and the offset in hex.
     */
    static String sliceName(ByteSource image, long offset) {
        return image.name() + "@0x" + Long.toHexString(offset);
    }

    /** Where pass 1 puts what it finds (one sink per probe and chunk; not shared between threads). */
    interface Sink {
        /**
         * A candidate at {@code offset}, to be confirmed later by {@link Probe#confirm} (in image order). The offset
         * should lie inside the chunk that proposes it (it always does for a signature's start): candidates are
         * then handed over chunk by chunk without a global sort.
         */
        void propose(long offset);

        /** An artifact already confirmed on the worker thread (for probes whose confirmation is local and costly). */
        void found(Artifact artifact);
    }

    /** Bytes this probe may read past a chunk's end (its longest signature minus one); at most {@link #MAX_OVERLAP}. */
    int overlap();

    /**
     * The offsets of each chunk pass 1 hands to {@link #at}; {@link Trigger#CHUNK} (the default): none, {@link #scan}
     * is called per chunk instead.
     */
    default Trigger trigger() {
        return Trigger.CHUNK;
    }

    /**
     * Pass 1 at one offset {@code i} ({@code 0 <= i < chunk.length()}) selected by {@link #trigger()}: for a
     * {@link Trigger#firstByte} trigger the byte at {@code i} is known to be one of the trigger's values.
     */
    default void at(ImageChunk chunk, int i, Sink sink) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no trigger: it overrides scan");
    }

    /**
     * Pass 1 for this probe alone over a chunk: reports only signatures starting inside {@code [0, chunk.length())}.
     * The default runs {@link #at} at the offsets of {@link #trigger()}; a probe with the {@link Trigger#CHUNK}
     * trigger must override it.
     */
    default void scan(ImageChunk chunk, Sink sink) {
        if (trigger().isChunk()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " must override scan");
        }
        new SignatureScan(List.of(this)).scan(chunk, new Sink[]{sink});
    }

    /**
     * Pass 2, single-threaded, after every chunk is scanned: confirms the proposed candidates (sorted by offset,
     * duplicates removed). Probes that only use {@link Sink#found} return an empty list.
     *
     * <p>If {@link #confirmsInBatches()} is true, it is instead called once per chunk, in image order, with that
     * chunk's candidates, while later chunks are still being scanned (memory stays bounded whatever the image size).
     */
    List<Artifact> confirm(List<Long> candidates);

    /**
     * As {@link #confirm(List)}, also given the artifacts the probes before this one (in the carver's order)
     * confirmed, so that a probe can leave out what lies inside them (lone SQLite pages inside a carved database).
     */
    default List<Artifact> confirm(List<Long> candidates, List<Artifact> earlier) {
        return confirm(candidates);
    }

    /**
     * True if {@link #confirm} may be called with successive batches of candidates in image order (each batch
     * sorted, every offset above the previous batch's). The carver then drops the candidates that fall inside an
     * artifact this probe already returned (for probes whose artifacts start at a candidate and whose later
     * candidates inside an artifact are parts of it, like the blocks of one log). Default false: one call with every
     * candidate of the image.
     */
    default boolean confirmsInBatches() {
        return false;
    }
}
