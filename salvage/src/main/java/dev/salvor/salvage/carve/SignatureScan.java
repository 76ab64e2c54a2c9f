package dev.salvor.salvage.carve;

import java.util.ArrayList;
import java.util.List;

/**
 * Pass 1 for a set of probes in one read of each chunk (the probes' {@link Trigger}s fused).
 *
 * <p>The chunk is walked in segments of {@value #SEGMENT} bytes (small enough to stay in the L1 cache): first the
 * {@link Trigger#aligned aligned} probes are called at the segment's aligned offsets, then each 64-bit word of the
 * segment is tested once against every {@link Trigger#firstByte first byte} at the same time (an exact SWAR
 * byte-equality mask per value, OR-ed), and only the offsets whose byte matches are handed to the probes waiting for
 * that byte. On random data a given byte value starts 1 offset in 256, so most words are rejected with a few ALU
 * operations; nothing is copied out of the image. Probes with {@link Trigger#CHUNK} get {@link Probe#scan} per chunk.
 *
 * <p>Immutable and thread-safe: one instance serves all worker threads.
 */
final class SignatureScan {
    /** Bytes per segment (a multiple of 8 and of no alignment: aligned offsets are computed from the image offset). */
    static final int SEGMENT = 4096;
    private final Probe[] probes;
    /**
     * The first bytes as (or, value) pairs repeated in the 8 lanes: byte {@code b} matches a pair iff
     * {@code (b | or) == value}. Values differing in one bit share a pair (0x57 and 0x53, the first bytes of the
     * table magic and of "SQLite", are one test), so the cost per word grows slower than the number of values.
     */
    private final long[] patternOr;
    private final long[] patternValue;
    /** Indexes into {@link #probes} waiting for each byte value (null: none). */
    private final int[][] byByte = new int[256][];
    private final int[] aligned;
    private final int[] chunkWide;

    SignatureScan(List<? extends Probe> probes) {
        this.probes = probes.toArray(new Probe[0]);
        List<Integer> firsts = new ArrayList<>();
        List<Integer> al = new ArrayList<>();
        List<Integer> cw = new ArrayList<>();
        for (int j = 0; j < this.probes.length; j++) {
            Trigger t = this.probes[j].trigger();
            if (t.isChunk()) {
                cw.add(j);
            } else if (t.alignment() > 0) {
                al.add(j);
            } else {
                for (int b : t.firstBytes()) {
                    int[] old = byByte[b];
                    if (old == null) {
                        byByte[b] = new int[]{j};
                        firsts.add(b);
                    } else {
                        int[] n = java.util.Arrays.copyOf(old, old.length + 1);
                        n[old.length] = j;
                        byByte[b] = n;
                    }
                }
            }
        }
        int[][] pairs = merge(firsts);
        this.patternOr = new long[pairs.length];
        this.patternValue = new long[pairs.length];
        for (int p = 0; p < pairs.length; p++) {
            patternOr[p] = pairs[p][0] * 0x0101010101010101L;
            patternValue[p] = pairs[p][1] * 0x0101010101010101L;
        }
        this.aligned = al.stream().mapToInt(Integer::intValue).toArray();
        this.chunkWide = cw.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Covers the byte values with (or, value) pairs, {@code b} matching iff {@code (b | or) == value}: starting from
     * one pair per value, two pairs with the same {@code or} whose values differ in exactly one bit are merged into
     * one with that bit added to both (exactly the union of the two sets), until no pair merges.
     */
    static int[][] merge(List<Integer> values) {
        List<int[]> pairs = new ArrayList<>();
        for (int v : values) {
            pairs.add(new int[]{0, v});
        }
        boolean merged = true;
        while (merged) {
            merged = false;
            search:
            for (int x = 0; x < pairs.size(); x++) {
                for (int y = x + 1; y < pairs.size(); y++) {
                    int[] a = pairs.get(x);
                    int[] b = pairs.get(y);
                    int diff = a[1] ^ b[1];
                    if (a[0] == b[0] && Integer.bitCount(diff) == 1) {
                        pairs.set(x, new int[]{a[0] | diff, a[1] | diff});
                        pairs.remove(y);
                        merged = true;
                        break search;
                    }
                }
            }
        }
        return pairs.toArray(new int[0][]);
    }

    /** Number of probes (the length {@link #scan}'s {@code sinks} must have). */
    int size() {
        return probes.length;
    }

    /** Runs every probe over {@code c}; {@code sinks[j]} receives what probe {@code j} finds. */
    void scan(ImageChunk c, Probe.Sink[] sinks) {
        int len = c.length();
        int n = c.readable();
        long start = c.start();
        long[] tmp = new long[SEGMENT / 8];
        for (int s = 0; s < len; s += SEGMENT) {
            int e = Math.min(len, s + SEGMENT);
            for (int j : aligned) {
                int a = probes[j].trigger().alignment();
                // First index in [s, e) whose image offset is a multiple of a.
                int i = s + (int) ((-(start + s)) & (a - 1));
                for (; i < e; i += a) {
                    probes[j].at(c, i, sinks[j]);
                }
            }
            if (patternOr.length > 0) {
                words(c, s, e, n, tmp, sinks);
            }
        }
        for (int j : chunkWide) {
            probes[j].scan(c, sinks[j]);
        }
    }

    private void words(ImageChunk c, int s, int e, int n, long[] tmp, Probe.Sink[] sinks) {
        long[] or = patternOr;
        long[] val = patternValue;
        // Whole words that can be read (w + 8 <= readable); lanes at or past e are ignored (next segment's).
        int words = Math.max(0, (Math.min(e, n - 7) - s + 7) >>> 3);
        if (words > 0) {
            c.words(s >>> 3, tmp, words);
        }
        for (int k = 0; k < words; k++) {
            long v = tmp[k];
            long m = 0;
            for (int p = 0; p < or.length; p++) {
                // Zero lanes of x are exactly the bytes matching this (or, value) pair; the classic has-zero test
                // below may also flag a lane above a true zero (a borrow), never miss one: lanes are checked next.
                long x = (v | or[p]) ^ val[p];
                m |= (x - 0x0101010101010101L) & ~x;
            }
            if ((m & 0x8080808080808080L) != 0) {
                int w = s + (k << 3);
                for (int lane = 0; lane < 8 && w + lane < e; lane++) {
                    int b = (int) (v >>> (lane << 3)) & 0xff;
                    if (byByte[b] != null) {
                        dispatch(c, w + lane, b, sinks);
                    }
                }
            }
        }
        // The last few bytes of the image (a word would run past readable): one at a time.
        for (int w = s + (words << 3); w < e; w++) {
            int b = c.get(w) & 0xff;
            if (byByte[b] != null) {
                dispatch(c, w, b, sinks);
            }
        }
    }

    private void dispatch(ImageChunk c, int i, int b, Probe.Sink[] sinks) {
        for (int j : byByte[b]) {
            probes[j].at(c, i, sinks[j]);
        }
    }
}
