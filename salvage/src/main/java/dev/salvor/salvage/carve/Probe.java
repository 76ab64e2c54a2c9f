package dev.salvor.salvage.carve;

import java.util.List;

/**
 * One format's part of the carve: a cheap signature test run over every chunk of the image on all cores (pass 1),
 * and the format's own checks that turn candidates into {@link Artifact}s (pass 2). A signature alone never makes an
 * artifact.
 *
 * <p>Probes are stateless between calls of {@link #scan} (which run concurrently on worker threads); anything found
 * goes to the {@link Sink}.
 */
interface Probe {

    /** Where pass 1 puts what it finds (thread-safe). */
    interface Sink {
        /** A candidate at {@code offset}, to be confirmed later by {@link Probe#confirm} (in image order). */
        void propose(long offset);

        /** An artifact already confirmed on the worker thread (for probes whose confirmation is local and costly). */
        void found(Artifact artifact);
    }

    /** Bytes this probe may read past a chunk's end (its longest signature minus one); at most {@link Carver#OVERLAP}. */
    int overlap();

    /** Pass 1: tests the chunk's offsets; reports only signatures starting inside {@code [0, chunk.length())}. */
    void scan(ImageChunk chunk, Sink sink);

    /**
     * Pass 2, single-threaded, after every chunk is scanned: confirms the proposed candidates (sorted by offset,
     * duplicates removed). Probes that only use {@link Sink#found} return an empty list.
     */
    List<Artifact> confirm(List<Long> candidates);

    /**
     * Pass 2 for probes that must not re-find what other probes confirmed: {@code confirmed} holds the artifacts
     * found on the workers and those confirmed by the probes listed before this one (in no particular order).
     * By default the same as {@link #confirm(List)}.
     */
    default List<Artifact> confirm(List<Long> candidates, List<Artifact> confirmed) {
        return confirm(candidates);
    }
}
