package dev.salvor.formats.core;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link Progress} that records every phase and every count, for the engines' progress tests. */
public final class RecordingProgress implements Progress {

    /** One phase as reported: its name, total and every count received, in order. */
    public record Phase(String name, long total, List<Long> counts) {

        /** The last count (0 when none came). */
        public long last() {
            return counts.isEmpty() ? 0 : counts.get(counts.size() - 1);
        }

        /** The largest rise between two consecutive counts (from 0 for the first). */
        public long largestStep() {
            long prev = 0;
            long max = 0;
            for (long c : counts) {
                max = Math.max(max, c - prev);
                prev = c;
            }
            return max;
        }

        /**
         * What every phase must show: counts that only rise, never above the total, ending at exactly the total,
         * and (for a pass over more than one block or page) more than one count.
         */
        public Phase assertComplete(boolean severalCounts) {
            long prev = 0;
            for (long c : counts) {
                long before = prev;
                assertTrue(c >= before, () -> name + ": counts rise: " + before + " then " + c);
                assertTrue(c <= total, () -> name + ": " + c + " > total " + total);
                prev = c;
            }
            assertEquals(total, last(), name + ": ends at its total: " + counts);
            if (severalCounts) {
                assertTrue(counts.size() > 1, name + ": counted as it goes, not only at the end: " + counts);
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

    /** Every phase, in order. */
    public synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    /** The names of the phases, in order. */
    public synchronized List<String> names() {
        return phases.stream().map(Phase::name).toList();
    }

    /** The phase named {@code name} (the first, when several have that name). */
    public synchronized Phase phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no phase " + name + " in " + names()));
    }
}
