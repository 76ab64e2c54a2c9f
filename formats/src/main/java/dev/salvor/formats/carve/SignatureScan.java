package dev.salvor.formats.carve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pass 1 for a set of probes in one read of each chunk (the probes' {@link Trigger}s fused).
 *
 * <p>The chunk is walked in segments of {@value #SEGMENT} bytes. For each segment: first the
 * {@link Trigger#aligned aligned} probes are called at the segment's aligned offsets; then the segment's 64-bit words
 * are bulk-copied out of the mapping into a small array (it stays in the L1 cache; reading the mapping a word at a
 * time through the buffer is slower from Java 17) and each word is tested once against every first byte of the
 * {@link Trigger#firstByte first-byte} and {@link Trigger#prefix prefix} probes at the same time, with a SWAR
 * byte-equality test (a few ALU operations per word and byte value). Only the offsets whose byte matches (1 in 256
 * per value on random data) are looked at further: a prefix is compared with one masked 64-bit compare, and the
 * probe is called where it matches. Probes with {@link Trigger#CHUNK} get {@link Probe#scan} once per chunk.
 *
 * <p>Immutable and thread-safe: one instance serves all worker threads.
 */
public final class SignatureScan {
    /** Bytes per segment: a multiple of 8 (aligned offsets are computed from the image offset, not from this). */
    public static final int SEGMENT = 4096;
    private static final long LANES_01 = 0x0101010101010101L;
    private static final long LANES_7F = 0x7f7f7f7f7f7f7f7fL;
    private static final long LANES_80 = 0x8080808080808080L;

    private final Probe[] probes;
    /**
     * The first bytes as (or, value) pairs repeated in the 8 lanes: byte {@code b} matches a pair iff
     * {@code (b | or) == value}. Values differing in one bit share a pair (0x57 and 0x53, the first bytes of the
     * table magic and of "SQLite", are one test), so the cost per word grows slower than the number of values.
     */
    private final long[] patternOr;
    private final long[] patternValue;
    /** The pairs padded to six for the unrolled filter. */
    private final long[] or6;
    private final long[] val6;
    /** Indexes into {@link #probes} waiting for each byte value (null: none). */
    private final int[][] byByte = new int[256][];
    /** Per probe: its prefix as a little-endian word and the mask of its bytes (mask 0: first byte only). */
    private final long[] prefixValue;
    private final long[] prefixMask;
    private final int[] prefixLength;
    private final int[] aligned;
    private final int[] alignment;
    private final int[] chunkWide;

    public SignatureScan(List<? extends Probe> probes) {
        this.probes = probes.toArray(new Probe[0]);
        int np = this.probes.length;
        prefixValue = new long[np];
        prefixMask = new long[np];
        prefixLength = new int[np];
        alignment = new int[np];
        List<Integer> firsts = new ArrayList<>();
        List<Integer> al = new ArrayList<>();
        List<Integer> cw = new ArrayList<>();
        for (int j = 0; j < np; j++) {
            Trigger t = this.probes[j].trigger();
            if (t.isChunk()) {
                cw.add(j);
                continue;
            }
            if (t.alignment() > 0) {
                al.add(j);
                alignment[j] = t.alignment();
                continue;
            }
            byte[] prefix = t.prefix();
            prefixLength[j] = prefix.length;
            if (t.windowMask() != 0) {
                // firstByteThen: the first byte is matched exactly below, the window by the masked compare
                prefixLength[j] = 8;
                prefixValue[j] = t.windowValue();
                prefixMask[j] = t.windowMask();
            } else if (prefix.length > 1) {
                for (int k = 0; k < prefix.length; k++) {
                    prefixValue[j] |= (prefix[k] & 0xffL) << (8 * k);
                    prefixMask[j] |= 0xffL << (8 * k);
                }
            }
            for (int b : t.firstBytes()) {
                int[] old = byByte[b];
                if (old == null) {
                    byByte[b] = new int[]{j};
                    firsts.add(b);
                } else {
                    int[] n = Arrays.copyOf(old, old.length + 1);
                    n[old.length] = j;
                    byByte[b] = n;
                }
            }
        }
        int[][] pairs = merge(firsts);
        patternOr = new long[pairs.length];
        patternValue = new long[pairs.length];
        for (int p = 0; p < pairs.length; p++) {
            patternOr[p] = pairs[p][0] * LANES_01;
            patternValue[p] = pairs[p][1] * LANES_01;
        }
        or6 = new long[6];
        val6 = new long[6];
        for (int p = 0; p < 6 && pairs.length > 0; p++) {
            // padding repeats pair 0: a repeated test adds no match
            or6[p] = patternOr[p < pairs.length ? p : 0];
            val6[p] = patternValue[p < pairs.length ? p : 0];
        }
        aligned = al.stream().mapToInt(Integer::intValue).toArray();
        chunkWide = cw.stream().mapToInt(Integer::intValue).toArray();
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
    public int size() {
        return probes.length;
    }

    /** Runs every probe over {@code c}; {@code sinks[j]} receives what probe {@code j} finds. */
    public void scan(ImageChunk c, Probe.Sink[] sinks) {
        int len = c.length();
        int n = c.readable();
        long start = c.start();
        long[] tmp = new long[SEGMENT / 8 + 1];
        int[] hits = new int[SEGMENT / 8 + 1];
        for (int s = 0; s < len; s += SEGMENT) {
            int e = Math.min(len, s + SEGMENT);
            for (int j : aligned) {
                int a = alignment[j];
                // First index in [s, e) whose image offset is a multiple of a.
                for (int i = s + (int) ((-(start + s)) & (a - 1)); i < e; i += a) {
                    probes[j].at(c, i, sinks[j]);
                }
            }
            if (patternOr.length > 0) {
                words(c, s, e, n, tmp, hits, sinks);
            }
        }
        for (int j : chunkWide) {
            probes[j].scan(c, sinks[j]);
        }
    }

    private void words(ImageChunk c, int s, int e, int n, long[] tmp, int[] hits, Probe.Sink[] sinks) {
        long[] or = patternOr;
        long[] val = patternValue;
        long[] or6 = this.or6;
        long[] val6 = this.val6;
        // Whole words that can be read (w + 8 <= readable); lanes at or past e are ignored (next segment's).
        int words = Math.max(0, (Math.min(e, n - 7) - s + 7) >>> 3);
        // One word more when readable: the 8-byte window at a lane of the last word reaches into it.
        int copied = s + 8 * (words + 1) <= n ? words + 1 : words;
        if (copied > 0) {
            c.words(s >>> 3, tmp, copied);
        }
        // The word test runs in methods of its own that call nothing: when a rare path of a probe is first taken
        // (a real artifact found), the JIT deoptimises the compiled code containing it, and the hot loop must not
        // be part of that code (it would run unoptimised until recompiled: seconds on a busy machine).
        int nh = or.length == 1 ? filter(tmp, words, or[0], val[0], hits)
                : or.length == 2 ? filter(tmp, words, or[0], val[0], or[1], val[1], hits)
                : or.length <= 6 ? filter(tmp, words, or6, val6, hits, 0)
                : filter(tmp, words, or, val, hits);
        for (int h = 0; h < nh; h++) {
            hit(c, s, hits[h], tmp, copied, e, n, sinks);
        }
        // The last few bytes of the image (a word would run past readable): one at a time.
        for (int w = s + (words << 3); w < e; w++) {
            int b = c.get(w) & 0xff;
            if (byByte[b] != null) {
                dispatch(c, w, b, 0, false, n, sinks);
            }
        }
    }

    /**
     * Indexes of the words of {@code tmp[0..words)} that may hold a byte matching the pair ({@code o}, {@code v}),
     * written to {@code hits}; returns how many. Branch-free: each index is stored, then kept by advancing the count
     * by the test's outcome. Zero lanes of {@code x} are exactly the matching bytes; the classic has-zero test used
     * here may also flag a lane above a true zero (a borrow), never miss one: a filter, made exact in {@link #hit}.
     * The single-pair case is today's probes: 0x57 (table magic) and 0x53 ('S' of "SQLite") merge into one pair.
     */
    static int filter(long[] tmp, int words, long o, long v, int[] hits) {
        int nh = 0;
        int k = 0;
        // Four words per test: one well-predicted branch per 32 bytes where nothing matches (zeroed or uniform
        // regions), then branch-free appends where something may.
        for (; k + 4 <= words; k += 4) {
            long t0 = has(tmp[k], o, v);
            long t1 = has(tmp[k + 1], o, v);
            long t2 = has(tmp[k + 2], o, v);
            long t3 = has(tmp[k + 3], o, v);
            if ((t0 | t1 | t2 | t3) != 0) {
                hits[nh] = k;
                nh += (int) ((t0 | -t0) >>> 63);
                hits[nh] = k + 1;
                nh += (int) ((t1 | -t1) >>> 63);
                hits[nh] = k + 2;
                nh += (int) ((t2 | -t2) >>> 63);
                hits[nh] = k + 3;
                nh += (int) ((t3 | -t3) >>> 63);
            }
        }
        for (; k < words; k++) {
            long t = has(tmp[k], o, v);
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63); // 1 iff t != 0
        }
        return nh;
    }

    /** Non-zero iff some byte of {@code w} may match the pair ({@code o}, {@code v}) (see {@link #filter}). */
    private static long has(long w, long o, long v) {
        long x = (w | o) ^ v;
        return (x - LANES_01) & ~x & LANES_80;
    }

    /** As above for two pairs. */
    static int filter(long[] tmp, int words, long o0, long v0, long o1, long v1, int[] hits) {
        int nh = 0;
        for (int k = 0; k < words; k++) {
            long w = tmp[k];
            long x = (w | o0) ^ v0;
            long y = (w | o1) ^ v1;
            long t = (((x - LANES_01) & ~x) | ((y - LANES_01) & ~y)) & LANES_80;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /**
     * As above for 3 to 6 pairs ({@link #or6}/{@link #val6}: the pairs, padded by repeating the first), unrolled so
     * that the twelve patterns stay in registers (the generic loop reloads them for every word).
     */
    static int filter(long[] tmp, int words, long[] o, long[] v, int[] hits, int unused) {
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        long v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4], v5 = v[5];
        int nh = 0;
        for (int k = 0; k < words; k++) {
            long w = tmp[k];
            long x0 = (w | o0) ^ v0;
            long x1 = (w | o1) ^ v1;
            long x2 = (w | o2) ^ v2;
            long x3 = (w | o3) ^ v3;
            long x4 = (w | o4) ^ v4;
            long x5 = (w | o5) ^ v5;
            long m = ((x0 - LANES_01) & ~x0) | ((x1 - LANES_01) & ~x1) | ((x2 - LANES_01) & ~x2)
                    | ((x3 - LANES_01) & ~x3) | ((x4 - LANES_01) & ~x4) | ((x5 - LANES_01) & ~x5);
            long t = m & LANES_80;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /** As above for any number of pairs. */
    static int filter(long[] tmp, int words, long[] or, long[] val, int[] hits) {
        int nh = 0;
        for (int k = 0; k < words; k++) {
            long w = tmp[k];
            long m = 0;
            for (int p = 0; p < or.length; p++) {
                long x = (w | or[p]) ^ val[p];
                m |= (x - LANES_01) & ~x;
            }
            long t = m & LANES_80;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /**
     * Word {@code k} of the segment starting at {@code s} may hold first bytes: finds them exactly and dispatches
     * those below {@code e}, each with the 8 bytes starting there taken from the copied words (no second read of the
     * image).
     */
    private void hit(ImageChunk c, int s, int k, long[] tmp, int copied, int e, int n, Probe.Sink[] sinks) {
        long v = tmp[k];
        long m = 0;
        for (int p = 0; p < patternOr.length; p++) {
            long x = (v | patternOr[p]) ^ patternValue[p];
            // Exact zero-lane test: no carry crosses lanes.
            m |= ~(((x & LANES_7F) + LANES_7F) | x | LANES_7F);
        }
        int w = s + (k << 3);
        while (m != 0) {
            int lane = Long.numberOfTrailingZeros(m) >>> 3;
            int i = w + lane;
            if (i >= e) {
                return;
            }
            int b = (int) (v >>> (lane << 3)) & 0xff;
            if (lane == 0) {
                dispatch(c, i, b, v, true, n, sinks);
            } else if (k + 1 < copied) {
                dispatch(c, i, b, (v >>> (lane << 3)) | (tmp[k + 1] << (64 - (lane << 3))), true, n, sinks);
            } else {
                dispatch(c, i, b, 0, false, n, sinks);
            }
            m &= m - 1;
        }
    }

    /** Byte {@code b} at {@code i}; {@code window}: the 8 bytes from {@code i} little-endian, if {@code known}. */
    private void dispatch(ImageChunk c, int i, int b, long window, boolean known, int n, Probe.Sink[] sinks) {
        for (int j : byByte[b]) {
            if (prefixLength[j] > 1) {
                if (known || i + 8 <= n) {
                    long win = known ? window : c.getLongLE(i);
                    if ((win & prefixMask[j]) != prefixValue[j]) {
                        continue;
                    }
                } else if (!prefixAt(c, i, j, n)) {
                    continue;
                }
            }
            probes[j].at(c, i, sinks[j]);
        }
    }

    /** The prefix of probe {@code j} at {@code i} near the end of the readable bytes, byte by byte. */
    private boolean prefixAt(ImageChunk c, int i, int j, int n) {
        int pl = prefixLength[j];
        if (i + pl > n) {
            return false;
        }
        for (int k = 0; k < pl; k++) {
            int m = (int) (prefixMask[j] >>> (8 * k)) & 0xff;
            // (a firstByteThen window leaves its first byte, matched already, and its free bytes out of the mask)
            if (((c.get(i + k) & 0xff) & m) != (int) (prefixValue[j] >>> (8 * k) & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
