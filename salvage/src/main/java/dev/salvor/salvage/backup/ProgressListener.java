package dev.salvor.salvage.backup;

import dev.salvor.formats.core.Progress;

/**
 * Progress of a backup, restore or image, phase by phase: a {@link Progress} that must follow the phases (the
 * command-line progress line). Called from the working thread; must be cheap.
 */
public interface ProgressListener extends Progress {

    /** A new phase starts ({@code hashing}, {@code checking}, {@code writing}, {@code verifying}...). */
    @Override
    void phase(String name, long totalBytes);

    /** Bytes done so far in the current phase. */
    @Override
    void done(long bytes);

    /**
     * This listener as seen by an engine working for one step of a larger operation: the engine's phases are named
     * {@code step: phase} ({@code checking app.db: walk}), so its counts, which start again at each of its phases, are
     * never read against the step's own total.
     */
    default Progress within(String step) {
        ProgressListener outer = this;
        return new Progress() {
            @Override
            public void phase(String name, long totalBytes) {
                outer.phase(step + ": " + name, totalBytes);
            }

            @Override
            public void done(long bytes) {
                outer.done(bytes);
            }
        };
    }

    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void phase(String name, long totalBytes) {
        }

        @Override
        public void done(long bytes) {
        }
    };
}
