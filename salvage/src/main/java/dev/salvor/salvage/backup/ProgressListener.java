package dev.salvor.salvage.backup;

/** Progress of a backup, restore or image, phase by phase. Called from the working thread; must be cheap. */
public interface ProgressListener {

    /** A new phase starts ({@code hashing}, {@code checking}, {@code writing}, {@code verifying}...). */
    void phase(String name, long totalBytes);

    /** Bytes done so far in the current phase. */
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
