package dev.salvor.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Entries (key/value pairs) decoded, as a JMH auxiliary counter: {@code <benchmark>:entries} per second. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Entries {
    /** Entries decoded in the current iteration. */
    public long entries;

    /** Reset per iteration. */
    @Setup(Level.Iteration)
    public void reset() {
        entries = 0;
    }
}
