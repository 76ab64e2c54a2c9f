package dev.salvor.salvage;

import dev.salvor.formats.core.Progress;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link Progress} that records every phase and every count, for the pipeline's and handlers' progress tests. */
public final class PhaseRecorder implements Progress {

    /** One phase as reported: its name, total and every count received, in order. */
    public record Phase(String name, long total, List<Long> counts) {

        /**
         * Counts that only rise, never above the total, ending at exactly the total; with {@code severalCounts}, more
         * than one count (the pass was followed, not only announced done).
         */
        public Phase assertComplete(boolean severalCounts) {
            long prev = 0;
            for (long c : counts) {
                long before = prev;
                assertTrue(c >= before && c <= total, () -> name + ": rising counts up to " + total + ": " + counts);
                prev = c;
            }
            assertEquals(total, counts.isEmpty() ? 0 : counts.get(counts.size() - 1), name + ": ends at its total");
            if (severalCounts) {
                assertTrue(counts.size() > 1, name + ": counted as it goes: " + counts);
            }
            return this;
        }
    }

    private final List<Phase> phases = new ArrayList<>();

    @Override
    public synchronized void phase(String name, long totalBytes) {
        phases.add(new Phase(name, totalBytes, new ArrayList<>()));
    }

    @Override
    public synchronized void done(long bytes) {
        assertFalse(phases.isEmpty(), "a count before any phase");
        phases.get(phases.size() - 1).counts().add(bytes);
    }

    public synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    public synchronized List<String> names() {
        return phases.stream().map(Phase::name).toList();
    }

    /** The first phase named {@code name}. */
    public synchronized Phase phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no phase " + name + " in " + names()));
    }
}
