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
