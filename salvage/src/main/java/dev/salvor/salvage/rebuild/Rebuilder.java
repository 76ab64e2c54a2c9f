package dev.salvor.salvage.rebuild;

import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;

/**
 * A format's rebuild: from everything intact in {@code input}, a new database the real engine opens, written at
 * {@link RebuildTarget#database()}, and everything left out of it written to {@link RebuildTarget#leftOut()}. It adds
 * to {@code report} exactly what {@code salvage} of the same input adds (per-file results with their damage, record
 * counts by state), so the counts of the two commands are equal. The evidence is only ever read through
 * {@code input}; no engine or library ever opens it.
 */
public interface Rebuilder {

    /**
     * Rebuilds {@code input} into {@code target}.
     *
     * @throws RebuildRefused when this input cannot be rebuilt faithfully (e.g. a LevelDB comparator salvor cannot
     *                        order): nothing is written, the message says why
     */
    void rebuild(SourceSet input, RunContext ctx, RebuildTarget target, RunReport report) throws IOException;

    /** The input cannot be rebuilt without changing what the application sees (exit 2 with the reason). */
    final class RebuildRefused extends IOException {
        private static final long serialVersionUID = 1L;

        public RebuildRefused(String message) {
            super(message);
        }
    }
}
