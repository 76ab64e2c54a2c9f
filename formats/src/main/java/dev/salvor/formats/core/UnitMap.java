package dev.salvor.formats.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The map of one file: which byte ranges were verified, damaged, free, carved or left unverified, as the engine that
 * read it marked them (one {@link #mark} per unit: a log record, a table block, a page, a WAL frame, an event). A
 * report draws it as the picture of the file; bytes nobody marked are "not examined".
 *
 * <h2>Rules</h2>
 * <ul>
 * <li><b>Clipping</b>: a range is clipped to the file's end; an empty range, one that starts past the end, or one
 *     with a negative offset (unknown, as in {@link Damage#offset()}) is ignored.</li>
 * <li><b>Overlap</b>: where a new range overlaps ranges already marked, each byte keeps the worst of its states
 *     ({@link UnitState#worst}): a page marked verified and then named by a damage is damaged, never the reverse.</li>
 * <li><b>Coalescing</b>: adjacent or overlapping ranges of one state are kept as one run, so a file whose blocks all
 *     verified is one run, whatever the number of blocks.</li>
 * <li><b>Bound</b>: while there are at most {@code maxRuns} runs (default {@value #DEFAULT_MAX_RUNS}) the map is
 *     exact. One run more and it turns into at most {@value #BUCKETS} fixed buckets of a power-of-two size (the
 *     smallest with {@code size / bucket <= }{@value #BUCKETS}); each bucket keeps the worst state marked anywhere in
 *     it, and stands for the whole bucket from then on. Memory is thus at most {@code maxRuns} runs (17 bytes each)
 *     or one byte per bucket, whatever the file size or the number of marks.</li>
 * </ul>
 * Thread-safe: engines that read one file on several threads mark it concurrently.
 */
public final class UnitMap {
    /** Runs kept exactly before the map turns into buckets. */
    public static final int DEFAULT_MAX_RUNS = 2048;
    /** The most buckets a map keeps once it is no longer exact. */
    public static final int BUCKETS = 4096;

    private static final long[] NO_LONGS = new long[0];
    private static final byte[] NO_BYTES = new byte[0];
    private static final UnitState[] STATES = UnitState.values();

    /**
     * One run of bytes in one state.
     *
     * @param offset first byte
     * @param length bytes in the run (at least 1)
     * @param state  their state
     */
    public record Run(long offset, long length, UnitState state) {
        /** One past the last byte. */
        public long end() {
            return offset + length;
        }
    }

    private final long size;
    private final int maxRuns;
    private volatile long unitSize;

    // Exact mode: disjoint runs sorted by start (ends are then sorted too), states as ordinals.
    private long[] starts = NO_LONGS;
    private long[] ends = NO_LONGS;
    private byte[] states = NO_BYTES;
    private int count;

    // Bucket mode (buckets != null): 0 = nothing marked, else the worst state's ordinal + 1.
    private byte[] buckets;
    private long bucketBytes;

    /** An empty map of a file of {@code size} bytes. */
    public UnitMap(long size) {
        this(size, DEFAULT_MAX_RUNS);
    }

    /** An empty map that keeps at most {@code maxRuns} exact runs (at least 1) before it turns into buckets. */
    public UnitMap(long size, int maxRuns) {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns < 1: " + maxRuns);
        }
        this.size = Math.max(0, size);
        this.maxRuns = maxRuns;
    }

    /** The size of the file the map covers. */
    public long size() {
        return size;
    }

    /**
     * Says that the file is made of units of {@code bytes} each from its first byte (a database's pages), so that a
     * picture of the map can give each cell whole units; 0 (the default) when its units differ in size.
     */
    public void unitSize(long bytes) {
        unitSize = Math.max(0, bytes);
    }

    /** The size of the file's units when they are all one size from its first byte, else 0 (see above). */
    public long unitSize() {
        return unitSize;
    }

    /** Marks {@code length} bytes at {@code offset} as {@code state} (see the class rules). */
    public synchronized void mark(long offset, long length, UnitState state) {
        Objects.requireNonNull(state, "state");
        if (offset < 0 || length <= 0 || offset >= size) {
            return;
        }
        long end = offset + Math.min(length, size - offset);
        if (buckets != null) {
            markBuckets(offset, end, state.ordinal() + 1);
            return;
        }
        insert(offset, end, (byte) state.ordinal());
        if (count > maxRuns) {
            toBuckets();
        }
    }

    /** True once the map keeps buckets instead of exact runs. */
    public synchronized boolean bucketed() {
        return buckets != null;
    }

    /** The smallest range the map can tell apart: 1 byte while exact, else the bucket size. */
    public synchronized long granularity() {
        return buckets == null ? 1 : bucketBytes;
    }

    /** The marked runs in file order, adjacent runs of one state joined (buckets become runs once bucketed). */
    public synchronized List<Run> runs() {
        List<Run> out = new ArrayList<>();
        if (buckets == null) {
            for (int i = 0; i < count; i++) {
                out.add(new Run(starts[i], ends[i] - starts[i], STATES[states[i]]));
            }
            return Collections.unmodifiableList(out);
        }
        int i = 0;
        while (i < buckets.length) {
            int s = buckets[i];
            int j = i + 1;
            while (j < buckets.length && buckets[j] == s) {
                j++;
            }
            if (s != 0) {
                long from = i * bucketBytes;
                long to = Math.min(size, j * bucketBytes);
                out.add(new Run(from, to - from, STATES[s - 1]));
            }
            i = j;
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Bytes in each state, indexed by {@link UnitState#ordinal()}, and bytes nobody marked at index
     * {@code UnitState.values().length}. Exact while the map is exact; bucketed, each bucket counts whole in its
     * worst state.
     */
    public long[] bytesByState() {
        long[] out = new long[STATES.length + 1];
        long marked = 0;
        for (Run r : runs()) {
            out[r.state().ordinal()] += r.length();
            marked += r.length();
        }
        out[STATES.length] = size - marked;
        return out;
    }

    /** An independent copy of this map (same runs or buckets, same bound). */
    public synchronized UnitMap copy() {
        UnitMap c = new UnitMap(size, maxRuns);
        c.unitSize = unitSize;
        c.starts = Arrays.copyOf(starts, count);
        c.ends = Arrays.copyOf(ends, count);
        c.states = Arrays.copyOf(states, count);
        c.count = count;
        c.buckets = buckets == null ? null : buckets.clone();
        c.bucketBytes = bucketBytes;
        return c;
    }

    /**
     * A copy with every located damage of {@code resource} marked {@link UnitState#DAMAGED}, whether or not the
     * engine marked it: a damage of length 0 (an absence, a break between two events) marks its first byte, and one
     * that starts at or past the end of the file (bytes missing from a truncated file) marks the last byte. Damages
     * of other resources, or without an offset, are left out. {@code damages} must not change meanwhile.
     */
    public UnitMap withDamages(Collection<Damage> damages, String resource) {
        UnitMap c = copy();
        for (Damage d : damages) {
            if (d.offset() < 0 || !d.resource().equals(resource)) {
                continue;
            }
            long at = d.offset() >= size ? size - 1 : d.offset();
            c.mark(at, Math.max(1, d.offset() >= size ? 1 : d.length()), UnitState.DAMAGED);
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------------ exact mode

    /** Inserts {@code [s, e)} in {@code st}, keeping runs disjoint, worst state on overlaps, and coalesced. */
    private void insert(long s, long e, byte st) {
        if (count == 0 || ends[count - 1] <= s) {
            // The usual case: engines mark a file front to back.
            if (count > 0 && ends[count - 1] == s && states[count - 1] == st) {
                ends[count - 1] = e;
            } else {
                replace(count, count, new long[] {s}, new long[] {e}, new byte[] {st}, 1);
            }
            return;
        }
        int i = firstEndAfter(s);      // first run ending after s
        int j = firstStartAtOrAfter(e); // first run starting at or after e: runs [i, j) overlap [s, e)
        int max = 2 * (j - i) + 3;
        long[] ps = new long[max];
        long[] pe = new long[max];
        byte[] pst = new byte[max];
        int n = 0;
        if (i < j && starts[i] < s) {
            n = piece(ps, pe, pst, n, starts[i], s, states[i]);
        }
        long cursor = s;
        for (int k = i; k < j; k++) {
            long a = Math.max(starts[k], s);
            long b = Math.min(ends[k], e);
            if (a > cursor) {
                n = piece(ps, pe, pst, n, cursor, a, st);
            }
            n = piece(ps, pe, pst, n, a, b, (byte) Math.max(states[k], st));
            cursor = b;
        }
        if (cursor < e) {
            n = piece(ps, pe, pst, n, cursor, e, st);
        }
        if (i < j && ends[j - 1] > e) {
            n = piece(ps, pe, pst, n, e, ends[j - 1], states[j - 1]);
        }
        // Join the neighbours on either side when they touch the pieces in the same state.
        if (i > 0 && ends[i - 1] == ps[0] && states[i - 1] == pst[0]) {
            i--;
            ps[0] = starts[i];
        }
        if (j < count && starts[j] == pe[n - 1] && states[j] == pst[n - 1]) {
            pe[n - 1] = ends[j];
            j++;
        }
        replace(i, j, ps, pe, pst, n);
    }

    /** Appends a piece, joined to the previous one when they touch in the same state. */
    private static int piece(long[] ps, long[] pe, byte[] pst, int n, long s, long e, byte st) {
        if (e <= s) {
            return n;
        }
        if (n > 0 && pe[n - 1] == s && pst[n - 1] == st) {
            pe[n - 1] = e;
            return n;
        }
        ps[n] = s;
        pe[n] = e;
        pst[n] = st;
        return n + 1;
    }

    /** Replaces runs {@code [i, j)} by the {@code n} pieces. */
    private void replace(int i, int j, long[] ps, long[] pe, byte[] pst, int n) {
        int newCount = count - (j - i) + n;
        if (newCount > starts.length) {
            int cap = Math.max(newCount, Math.max(8, starts.length * 2));
            starts = Arrays.copyOf(starts, cap);
            ends = Arrays.copyOf(ends, cap);
            states = Arrays.copyOf(states, cap);
        }
        int tail = count - j;
        System.arraycopy(starts, j, starts, i + n, tail);
        System.arraycopy(ends, j, ends, i + n, tail);
        System.arraycopy(states, j, states, i + n, tail);
        System.arraycopy(ps, 0, starts, i, n);
        System.arraycopy(pe, 0, ends, i, n);
        System.arraycopy(pst, 0, states, i, n);
        count = newCount;
    }

    private int firstEndAfter(long s) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] > s) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private int firstStartAtOrAfter(long e) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] >= e) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    // ----------------------------------------------------------------------------------------------- bucket mode

    private void toBuckets() {
        long per = (size + BUCKETS - 1) / BUCKETS;
        bucketBytes = Long.highestOneBit(Math.max(1, per));
        if (bucketBytes < per) {
            bucketBytes <<= 1;
        }
        buckets = new byte[(int) ((size + bucketBytes - 1) / bucketBytes)];
        for (int i = 0; i < count; i++) {
            markBuckets(starts[i], ends[i], states[i] + 1);
        }
        starts = NO_LONGS;
        ends = NO_LONGS;
        states = NO_BYTES;
        count = 0;
    }

    private void markBuckets(long s, long e, int code) {
        int from = (int) (s / bucketBytes);
        int to = (int) ((e - 1) / bucketBytes);
        for (int b = from; b <= to; b++) {
            if (buckets[b] < code) {
                buckets[b] = (byte) code;
            }
        }
    }
}
