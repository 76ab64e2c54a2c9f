package dev.salvor.formats.sqlite;

/**
 * An open-addressing set of longs (8 bytes per slot, no boxing); 0 is stored as a separate flag. A set that is
 * only looked up from some point on can be {@link #seal sealed}: a one-bit-per-slot-pair filter then answers most
 * misses without touching the (much larger, cache-missing) slot table.
 */
final class LongHashSet {
    private long[] slots = new long[1024];
    private int size;
    private boolean hasZero;
    /** Bit {@code mix(v) >>> filterShift} set for every member; null when not sealed. */
    private long[] filter;
    private int filterShift;
    /** Counts the members added: a {@link MemberMarks} made on this set refuses to go on once it changed. */
    private long additions;

    boolean add(long v) {
        filter = null; // a change unseals
        if (v == 0) {
            boolean had = hasZero;
            hasZero = true;
            additions += had ? 0 : 1;
            return !had;
        }
        if ((size + 1) * 4L > slots.length * 3L) { // load factor 0.75
            grow();
        }
        int mask = slots.length - 1;
        int i = (int) mix(v) & mask;
        while (slots[i] != 0) {
            if (slots[i] == v) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = v;
        size++;
        additions++;
        return true;
    }

    /**
     * Where member {@code v} is kept, from 0 to {@link #slotCount} - 1 (the last for 0), or -1 when it is not a
     * member. Stable while no member is added.
     */
    int slotOf(long v) {
        if (v == 0) {
            return hasZero ? slots.length : -1;
        }
        return probe(v, mix(v));
    }

    /** The number of places {@link #slotOf} may return. */
    int slotCount() {
        return slots.length + 1;
    }

    /** How many members were added so far (a {@link MemberMarks} checks it did not change). */
    long additions() {
        return additions;
    }

    boolean isEmpty() {
        return size == 0 && !hasZero;
    }

    /**
     * Builds the miss filter: 16 bits per member (at least 2^16), so about 6 % of the misses still probe the table.
     * Any later {@link #add} drops it.
     */
    void seal() {
        int bits = Math.max(16, 64 - Long.numberOfLeadingZeros(Math.max(1, (long) size * 16 - 1)));
        bits = Math.min(bits, 34);
        long[] f = new long[(int) Math.max(1, (1L << bits) >>> 6)];
        int shift = 64 - bits;
        for (long v : slots) {
            if (v != 0) {
                long b = mix(v) >>> shift;
                f[(int) (b >>> 6)] |= 1L << b;
            }
        }
        filter = f;
        filterShift = shift;
    }

    boolean contains(long v) {
        if (v == 0) {
            return hasZero;
        }
        long m = mix(v);
        long[] f = filter;
        if (f != null) {
            long b = m >>> filterShift;
            if ((f[(int) (b >>> 6)] & (1L << b)) == 0) {
                return false;
            }
        }
        return probe(v, m) >= 0;
    }

    /** The slot of the non-zero member {@code v} whose {@link #mix} is {@code m}, or -1. */
    private int probe(long v, long m) {
        int mask = slots.length - 1;
        int i = (int) m & mask;
        while (slots[i] != 0) {
            if (slots[i] == v) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        long kept = additions;
        for (long v : old) {
            if (v != 0) {
                add(v);
            }
        }
        additions = kept;
    }

    private static long mix(long v) {
        v ^= v >>> 33;
        v *= 0xff51afd7ed558ccdL;
        v ^= v >>> 33;
        return v;
    }
}
