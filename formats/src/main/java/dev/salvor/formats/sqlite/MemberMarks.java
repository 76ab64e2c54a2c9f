package dev.salvor.formats.sqlite;

/**
 * A set of keys that are nearly all members of another, settled {@link LongHashSet}, kept as one bit per slot of that
 * set: the de-duplication's "live keys among the candidates" and "emitted" sets cost about a byte per candidate
 * together, instead of a hash table each that grows with the marked keys (on a 1 GB database with millions of stale
 * copies of live rows those tables, doubling, were what ran a 128 MiB heap out). A key that is not a member is kept in a
 * small set beside (live rows of orphaned pages, which are not candidates).
 *
 * <p>The members must not change once marking began: slots move when the set grows. {@link #add} and
 * {@link #contains} then throw {@link IllegalStateException} (the de-duplication seals its candidates first).
 */
final class MemberMarks {
    private final LongHashSet members;
    private final LongHashSet others = new LongHashSet();
    private long[] bits;
    private long membersAtStart = -1;

    MemberMarks(LongHashSet members) {
        this.members = members;
    }

    /** Marks {@code v}; true when it was not marked yet. */
    boolean add(long v) {
        int s = members.slotOf(v);
        if (s < 0) {
            return others.add(v);
        }
        long[] b = bits();
        long bit = 1L << s;
        boolean fresh = (b[s >>> 6] & bit) == 0;
        b[s >>> 6] |= bit;
        return fresh;
    }

    /** True when {@code v} was marked. */
    boolean contains(long v) {
        int s = members.slotOf(v);
        if (s < 0) {
            return others.contains(v);
        }
        return (bits()[s >>> 6] & (1L << s)) != 0;
    }

    private long[] bits() {
        if (bits == null) {
            bits = new long[(members.slotCount() + 63) >>> 6];
            membersAtStart = members.additions();
        } else if (members.additions() != membersAtStart) {
            throw new IllegalStateException("the members changed after marking began: " + membersAtStart + " vs "
                    + members.additions() + " additions");
        }
        return bits;
    }
}
