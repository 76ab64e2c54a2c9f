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
 * time through the buffer is slower from Java 17) and two word tests run over that array, each in a loop that calls
 * nothing and appends the indexes of the words that may hold a match, branch-free:
 * <ul>
 * <li><b>Long signatures, strided 2-byte test.</b> A probe all of whose windows fix their first five bytes (each
 * byte to at most 4 values: a table or journal magic, the SQLite header string, the WAL magic and version, a JSON
 * member name) is not looked for at every offset. An occurrence at {@code p} covers the offset {@code q} that is the
 * next multiple of 4 at or after {@code p} ({@code q - p} = 0..3), and the 2 bytes at {@code q} are bytes
 * {@code q - p} and {@code q - p + 1} of the signature: so the pass looks up the 2 bytes at offsets 0 and 4 of each
 * word in a 65536-bit set of all such byte pairs of all such signatures (8 KiB, in the L1 cache), two lookups per
 * 8 bytes. On random data a lookup hits with probability (pairs in the set) / 65536; only then are the 4 offsets
 * {@code q - 3 .. q} compared with every long window, and the probe called where one matches.</li>
 * <li><b>Other signatures, SWAR first-byte test.</b> Each word is tested once against every first byte of the other
 * windows at the same time, with a SWAR byte-equality test (a few ALU operations per word and byte value). When
 * those windows share fixed bytes after the first (the unaligned log probe's zero sequence bytes 6 and 7), the
 * same test also requires them, on the word shifted by their distance: random bytes then almost never pass. Only
 * the offsets that pass are looked at further: the window is compared with one masked 64-bit compare, and the
 * probe called where it matches.</li>
 * </ul>
 * Probes with {@link Trigger#CHUNK} get {@link Probe#scan} once per chunk. Every probe is called exactly at the
 * offsets {@code i < length} where one of its windows matches with its bytes inside the readable bytes, once per
 * offset (SignatureScanTest compares with a byte-by-byte reference); only the order of the calls within a chunk
 * depends on the test used.
 *
 * <p>Immutable and thread-safe: one instance serves all worker threads.
 */
public final class SignatureScan {
    /** Bytes per segment: a multiple of 8 (aligned offsets are computed from the image offset, not from this). */
    public static final int SEGMENT = 4096;
    /** Stride of the 2-byte test of long windows: the fixed bytes a window needs are STRIDE + 1. */
    static final int STRIDE = 4;
    /** Most values a fixed byte of a long window may admit (its mask leaves at most 2 bits free). */
    private static final int MAX_VALUES_PER_BYTE = 4;
    private static final long LANES_01 = 0x0101010101010101L;
    private static final long LANES_7F = 0x7f7f7f7f7f7f7f7fL;
    private static final long LANES_80 = 0x8080808080808080L;

    private final Probe[] probes;

    // --- windows, flattened: window w belongs to probe windowProbe[w] (a probe's windows are consecutive) ---
    private final int[] windowProbe;
    private final long[] windowMask;
    private final long[] windowValue;
    private final int[] windowLength;

    // --- long windows (strided 2-byte test) ---
    /** Indexes of the long windows. */
    private final int[] longWindows;
    /** The 65536-bit set of byte pairs (first byte in the low 8 bits of the index); null when no long window. */
    private final long[] pairSet;

    // --- other windows (SWAR first-byte test) ---
    /**
     * The first bytes as (or, value) pairs repeated in the 8 lanes: byte {@code b} matches a pair iff
     * {@code (b | or) == value}. Values differing in one bit share a pair (0x01 and 0x03 would be one test), so the
     * cost per word grows slower than the number of values.
     */
    private final long[] patternOr;
    private final long[] patternValue;
    /** The pairs padded to two and to six for the unrolled filters. */
    private final long[] or2;
    private final long[] val2;
    private final long[] or6;
    private final long[] val6;
    /**
     * Fixed bytes all these windows share after their first: their distances (1..7; 0 when none) and values repeated
     * in the 8 lanes (up to two of them are used by the word test).
     */
    private final int shift1;
    private final long shared1;
    private final int shift2;
    private final long shared2;
    /** Indexes of the windows waiting for each first byte value (null: none). */
    private final int[][] byByte = new int[256][];

    /**
     * The fused loop's shape for today's probes: the first-byte windows fix two whole first bytes (no merged bits)
     * and share zero bytes 6 and 7 after them (the unaligned log's sequence top bytes). {@link #fusedZeroTail} then
     * runs with those distances as constants and without the zero XORs: fewer operations per word in the loop
     * that is most of the scan's time.
     */
    private final boolean zeroTail;

    private final int[] aligned;
    private final int[] alignment;
    /** Per probe: the tested byte's distance of an aligned trigger with a byte test, and its value set (or null). */
    private final int[] alignedAt;
    private final long[][] alignedValues;
    private final int[] chunkWide;

    public SignatureScan(List<? extends Probe> probes) {
        this.probes = probes.toArray(new Probe[0]);
        int np = this.probes.length;
        alignment = new int[np];
        alignedAt = new int[np];
        alignedValues = new long[np][];
        List<Trigger.Window> windows = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        List<Integer> al = new ArrayList<>();
        List<Integer> cw = new ArrayList<>();
        for (int j = 0; j < np; j++) {
            Trigger t = this.probes[j].trigger();
            if (t.isChunk()) {
                cw.add(j);
            } else if (t.alignment() > 0) {
                al.add(j);
                alignment[j] = t.alignment();
                alignedAt[j] = t.byteAt();
                alignedValues[j] = t.byteValues();
            } else {
                for (Trigger.Window w : t.windows()) {
                    windows.add(w);
                    owners.add(j);
                }
            }
        }
        int nw = windows.size();
        windowProbe = owners.stream().mapToInt(Integer::intValue).toArray();
        windowMask = new long[nw];
        windowValue = new long[nw];
        windowLength = new int[nw];
        for (int w = 0; w < nw; w++) {
            windowMask[w] = windows.get(w).mask();
            windowValue[w] = windows.get(w).value();
            windowLength[w] = windows.get(w).length();
        }
        // A probe is looked for by the strided test only if all its windows are long (else it is called once per
        // offset through the other test: a probe is never called twice at one offset).
        boolean[] longProbe = new boolean[np];
        Arrays.fill(longProbe, true);
        for (int w = 0; w < nw; w++) {
            longProbe[windowProbe[w]] &= isLong(windows.get(w));
        }
        List<Integer> lw = new ArrayList<>();
        List<Integer> firsts = new ArrayList<>();
        List<Trigger.Window> others = new ArrayList<>();
        for (int w = 0; w < nw; w++) {
            if (longProbe[windowProbe[w]]) {
                lw.add(w);
                continue;
            }
            others.add(windows.get(w));
            int b = windows.get(w).firstByte();
            int[] old = byByte[b];
            if (old == null) {
                byByte[b] = new int[]{w};
                firsts.add(b);
            } else {
                int[] n = Arrays.copyOf(old, old.length + 1);
                n[old.length] = w;
                byByte[b] = n;
            }
        }
        longWindows = lw.stream().mapToInt(Integer::intValue).toArray();
        pairSet = longWindows.length == 0 ? null : pairSet(lw.stream().map(windows::get).toList());

        int[][] pairs = merge(firsts);
        patternOr = new long[pairs.length];
        patternValue = new long[pairs.length];
        for (int p = 0; p < pairs.length; p++) {
            patternOr[p] = pairs[p][0] * LANES_01;
            patternValue[p] = pairs[p][1] * LANES_01;
        }
        or2 = pad(patternOr, 2);
        val2 = pad(patternValue, 2);
        or6 = pad(patternOr, 6);
        val6 = pad(patternValue, 6);
        // Fixed bytes shared by all the other windows (same distance, whole byte, same value): at most two.
        int[] shared = new int[2];
        long[] sharedValue = new long[2];
        int ns = 0;
        for (int k = 7; k >= 1 && ns < 2 && !others.isEmpty(); k--) {
            boolean all = true;
            for (Trigger.Window x : others) {
                all &= x.maskAt(k) == 0xff && x.valueAt(k) == others.get(0).valueAt(k);
            }
            if (all) {
                shared[ns] = k;
                sharedValue[ns++] = others.get(0).valueAt(k) * LANES_01;
            }
        }
        shift1 = shared[0];
        shared1 = sharedValue[0];
        shift2 = ns == 2 ? shared[1] : shared[0];
        shared2 = ns == 2 ? sharedValue[1] : sharedValue[0];

        aligned = al.stream().mapToInt(Integer::intValue).toArray();
        chunkWide = cw.stream().mapToInt(Integer::intValue).toArray();
        zeroTail = pairSet != null && ns == 2 && shift1 == 7 && shift2 == 6 && shared1 == 0 && shared2 == 0
                && or2[0] == 0 && or2[1] == 0;
    }

    /**
     * True if the window fixes its first {@link #STRIDE} + 1 bytes to at most {@link #MAX_VALUES_PER_BYTE} values
     * each (so that its byte pairs are few: the strided test finds it).
     */
    static boolean isLong(Trigger.Window w) {
        if (w.length() < STRIDE + 1) {
            return false;
        }
        for (int k = 0; k <= STRIDE; k++) {
            if (1 << (8 - Integer.bitCount(w.maskAt(k))) > MAX_VALUES_PER_BYTE) {
                return false;
            }
        }
        return true;
    }

    /** The set of byte pairs {@code (b[j], b[j + 1])}, j = 0..STRIDE-1, of every match of every long window. */
    private static long[] pairSet(List<Trigger.Window> windows) {
        long[] set = new long[65536 / 64];
        for (Trigger.Window w : windows) {
            for (int j = 0; j < STRIDE; j++) {
                for (int a = 0; a < 256; a++) {
                    if ((a & w.maskAt(j)) != w.valueAt(j)) {
                        continue;
                    }
                    for (int b = 0; b < 256; b++) {
                        if ((b & w.maskAt(j + 1)) == w.valueAt(j + 1)) {
                            int g = a | b << 8;
                            set[g >>> 6] |= 1L << g;
                        }
                    }
                }
            }
        }
        return set;
    }

    /** {@code a} padded to {@code n} entries by repeating its first (a repeated test adds no match). */
    private static long[] pad(long[] a, int n) {
        long[] p = new long[Math.max(n, a.length)];
        for (int k = 0; k < p.length && a.length > 0; k++) {
            p[k] = a[k < a.length ? k : 0];
        }
        return p;
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
        long[] tmp = new long[SEGMENT / 8 + 2];
        int[] hits = new int[SEGMENT / 8 + 2];
        boolean wordTests = patternOr.length > 0 || pairSet != null;
        for (int s = 0; s < len; s += SEGMENT) {
            int e = Math.min(len, s + SEGMENT);
            int copied = 0;
            if (wordTests) {
                // The segment's words, and the next one when readable (windows at its last lanes reach into it).
                copied = Math.min((n - s) >>> 3, ((e - s + 7) >>> 3) + 1);
                if (copied > 0) {
                    c.words(s >>> 3, tmp, copied);
                }
            }
            for (int j : aligned) {
                int a = alignment[j];
                long[] values = alignedValues[j];
                // First index in [s, e) whose image offset is a multiple of a.
                for (int i = s + (int) ((-(start + s)) & (a - 1)); i < e; i += a) {
                    if (values == null || admits(c, s, i + alignedAt[j], tmp, copied, n, values)) {
                        probes[j].at(c, i, sinks[j]);
                    }
                }
            }
            if (wordTests) {
                words(c, s, e, n, tmp, copied, hits, sinks);
            }
        }
        for (int j : chunkWide) {
            probes[j].scan(c, sinks[j]);
        }
    }

    /**
     * Whether the byte at chunk index {@code k} is in {@code values} (a 256-bit set), or lies past the readable
     * bytes (the probe is then called: its own test decides). Read from the segment's copied words when they hold
     * it ({@code tmp}: {@code copied} words from index {@code s}).
     */
    private static boolean admits(ImageChunk c, int s, int k, long[] tmp, int copied, int n, long[] values) {
        int d = k - s;
        int b;
        if (d >>> 3 < copied) {
            b = (int) (tmp[d >>> 3] >>> ((d & 7) << 3)) & 0xff;
        } else if (k < n) {
            b = c.get(k) & 0xff;
        } else {
            return true;
        }
        return (values[b >>> 6] & (1L << b)) != 0;
    }

    // ---------------------------------------------------------------- the word tests

    /**
     * Both word tests over segment {@code [s, e)} ({@code tmp}: its {@code copied} words).
     *
     * <p>The strided test: the offsets {@code q} (multiples of {@link #STRIDE}) that this segment looks up are those
     * in {@code [s, e)}, and for the chunk's last segment also those up to {@code length + STRIDE - 2} (in the
     * overlap: they cover the signatures starting in the last {@code STRIDE - 1} bytes of the chunk). Each offset
     * {@code p} of the chunk is thus covered by exactly one {@code q} of one segment.
     *
     * <p>The first-byte test: the lanes in {@code [s, e)}. When both tests run with at most two first-byte pairs and
     * shared fixed bytes (today's probes), one loop makes both (one pass over the words, one list of hits); the
     * words the fused loop cannot take (at the chunk's and the image's end) go through the separate loops.
     */
    private void words(ImageChunk c, int s, int e, int n, long[] tmp, int copied, int[] hits, Probe.Sink[] sinks) {
        int len = c.length();
        long[] or = patternOr;
        long[] val = patternValue;
        // Strided test: q + 1 must be readable (the pair's second byte); words wholly copied.
        int qEnd = e == len ? Math.min(len + STRIDE - 1, n - 1) : e;
        int fast = pairSet == null || qEnd <= s ? 0 : Math.min(copied, (qEnd - s + 7) >>> 3);
        // First-byte test: whole words that can be read (w + 8 <= readable); lanes at or past e are ignored (next
        // segment's). With shared fixed bytes a word also needs the next one.
        int words = or.length == 0 ? 0 : Math.max(0, (Math.min(e, n - 7) - s + 7) >>> 3);
        int tested = shift1 == 0 ? words : Math.max(0, Math.min(words, copied - 1));
        // The word tests run in methods of their own that call nothing: when a rare path of a probe is first taken
        // (a real artifact found), the JIT deoptimises the compiled code containing it, and the hot loop must not
        // be part of that code (it would run unoptimised until recompiled: seconds on a busy machine).
        int from = 0;
        if (pairSet != null && shift1 != 0 && or.length <= 2) {
            from = Math.min(fast, tested);
            int nh = zeroTail
                    ? fusedZeroTail(tmp, from, pairSet, val2[0], val2[1], hits)
                    : fused(tmp, from, pairSet, or2[0], val2[0], or2[1], val2[1], shift1 << 3, shared1, shift2 << 3,
                    shared2, hits);
            for (int h = 0; h < nh; h++) {
                longLanes(c, s, hits[h], tmp, qEnd, n, sinks);
                hit(c, s, hits[h], tmp, copied, e, n, sinks);
            }
        }
        if (pairSet != null) {
            int nh = pairs(tmp, from, fast, pairSet, hits);
            for (int h = 0; h < nh; h++) {
                longLanes(c, s, hits[h], tmp, qEnd, n, sinks);
            }
            // Offsets past the copied words (the last bytes of the image): byte by byte.
            for (int q = s + (fast << 3); q < qEnd; q += STRIDE) {
                if (inSet((c.get(q) & 0xff) | (c.get(q + 1) & 0xff) << 8)) {
                    candidates(c, q, n, sinks);
                }
            }
        }
        if (or.length > 0) {
            int nh;
            if (shift1 != 0) {
                nh = or.length <= 2
                        ? filter(tmp, from, tested, or2[0], val2[0], or2[1], val2[1], shift1 << 3, shared1,
                        shift2 << 3, shared2, hits)
                        : filter(tmp, from, tested, or, val, shift1 << 3, shared1, shift2 << 3, shared2, hits);
                // A last word without a next one (at the image end) is passed on as is: hit() decides exactly.
                for (int k = Math.max(from, tested); k < words; k++) {
                    hits[nh++] = k;
                }
            } else {
                nh = or.length == 1 ? filter(tmp, from, words, or[0], val[0], hits)
                        : or.length == 2 ? filter(tmp, from, words, or[0], val[0], or[1], val[1], hits)
                        : or.length <= 6 ? filter(tmp, from, words, or6, val6, hits, 0)
                        : filter(tmp, from, words, or, val, hits);
            }
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
    }

    // ---------------------------------------------------------------- long windows: strided 2-byte test

    /** Word {@code k} may hold a pair of the set at its offsets 0 and 4: the long windows are compared there. */
    private void longLanes(ImageChunk c, int s, int k, long[] tmp, int qEnd, int n, Probe.Sink[] sinks) {
        long w = tmp[k];
        int q = s + (k << 3);
        if (q < qEnd && inSet((int) w & 0xffff)) {
            candidates(c, q, n, sinks);
        }
        if (q + 4 < qEnd && inSet((int) (w >>> 32) & 0xffff)) {
            candidates(c, q + 4, n, sinks);
        }
    }

    private boolean inSet(int pair) {
        return (pairSet[pair >>> 6] & (1L << pair)) != 0;
    }

    /**
     * Indexes of the words of {@code tmp[from..words)} whose 2-byte pair at offset 0 or 4 is in {@code set}, written to
     * {@code hits}; returns how many. Branch-free, as the first-byte filters below.
     */
    static int pairs(long[] tmp, int from, int words, long[] set, int[] hits) {
        int nh = 0;
        for (int k = from; k < words; k++) {
            long w = tmp[k];
            int g0 = (int) w & 0xffff;
            int g4 = (int) (w >>> 32) & 0xffff;
            // (a long shift uses the low 6 bits of its count: bit g of the set's word g >>> 6)
            long t = (set[g0 >>> 6] >>> g0) | (set[g4 >>> 6] >>> g4);
            hits[nh] = k;
            nh += (int) t & 1;
        }
        return nh;
    }

    /** The pair at {@code q} is in the set: compares the offsets {@code q - STRIDE + 1 .. q} with the long windows. */
    private void candidates(ImageChunk c, int q, int n, Probe.Sink[] sinks) {
        int len = c.length();
        for (int p = Math.max(0, q - STRIDE + 1); p <= q && p < len; p++) {
            long win = p + 8 <= n ? c.getLongLE(p) : 0;
            int last = -1;
            for (int w : longWindows) {
                int j = windowProbe[w];
                if (j != last && matches(c, p, w, win, p + 8 <= n, n)) {
                    probes[j].at(c, p, sinks[j]);
                    last = j;
                }
            }
        }
    }

    /** Window {@code w} at {@code i}; {@code win}: the 8 bytes from {@code i} little-endian, if {@code known}. */
    private boolean matches(ImageChunk c, int i, int w, long win, boolean known, int n) {
        if (i + windowLength[w] > n) {
            return false;
        }
        if (known) {
            return (win & windowMask[w]) == windowValue[w];
        }
        for (int k = 0; k < windowLength[w]; k++) {
            int m = (int) (windowMask[w] >>> (8 * k)) & 0xff;
            if ((c.get(i + k) & m) != ((int) (windowValue[w] >>> (8 * k)) & 0xff)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- other windows: SWAR first-byte test

    /**
     * Indexes of the words of {@code tmp[from..words)} that may hold a byte matching the pair ({@code o}, {@code v}),
     * written to {@code hits}; returns how many. Branch-free: each index is stored, then kept by advancing the count
     * by the test's outcome. Zero lanes of {@code x} are exactly the matching bytes; the classic has-zero test used
     * here may also flag a lane above a true zero (a borrow), never miss one: a filter, made exact in {@link #hit}.
     */
    static int filter(long[] tmp, int from, int words, long o, long v, int[] hits) {
        int nh = 0;
        int k = from;
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
    static int filter(long[] tmp, int from, int words, long o0, long v0, long o1, long v1, int[] hits) {
        int nh = 0;
        for (int k = from; k < words; k++) {
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
     * As above for two pairs, also requiring the shared fixed bytes: the word shifted right by {@code b1} bits (the
     * next word's low bytes coming in at the top) holds in each lane the byte that far after that lane's byte, so
     * {@code z = (shifted1 ^ s1) | (shifted2 ^ s2)} is zero in a lane iff both bytes are there. A lane of
     * {@code x | z} is zero iff the lane's byte matches the pair and both fixed bytes follow it; the has-zero test
     * flags every such lane (and may flag more: a filter, as above).
     */
    static int filter(long[] tmp, int from, int words, long o0, long v0, long o1, long v1, int b1, long s1, int b2,
                      long s2, int[] hits) {
        int nh = 0;
        int c1 = 64 - b1;
        int c2 = 64 - b2;
        for (int k = from; k < words; k++) {
            long w = tmp[k];
            long next = tmp[k + 1];
            long z = ((w >>> b1) | (next << c1)) ^ s1 | ((w >>> b2) | (next << c2)) ^ s2;
            long x = ((w | o0) ^ v0) | z;
            long y = ((w | o1) ^ v1) | z;
            long t = (((x - LANES_01) & ~x) | ((y - LANES_01) & ~y)) & LANES_80;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /**
     * The strided pair test ({@link #pairs}) and the two-pair test with shared fixed bytes (above) in one loop: a
     * word is listed if either may hold a match (each is then made exact on its own).
     */
    static int fused(long[] tmp, int words, long[] set, long o0, long v0, long o1, long v1, int b1, long s1, int b2,
                     long s2, int[] hits) {
        int nh = 0;
        int c1 = 64 - b1;
        int c2 = 64 - b2;
        for (int k = 0; k < words; k++) {
            long w = tmp[k];
            long next = tmp[k + 1];
            int g0 = (int) w & 0xffff;
            int g4 = (int) (w >>> 32) & 0xffff;
            long p = ((set[g0 >>> 6] >>> g0) | (set[g4 >>> 6] >>> g4)) & 1;
            long z = ((w >>> b1) | (next << c1)) ^ s1 | ((w >>> b2) | (next << c2)) ^ s2;
            long x = ((w | o0) ^ v0) | z;
            long y = ((w | o1) ^ v1) | z;
            long t = (((x - LANES_01) & ~x) | ((y - LANES_01) & ~y)) & LANES_80 | p;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /**
     * {@link #fused} for the {@link #zeroTail} shape: the pairs are exact bytes {@code v0} and {@code v1} (no merged
     * bits, so no OR) and the shared fixed bytes are zeros 7 and 6 bytes after the first (no XOR, constant shifts).
     * Lists exactly the words {@link #fused} lists with those arguments (SignatureScanTest runs today's probes).
     */
    static int fusedZeroTail(long[] tmp, int words, long[] set, long v0, long v1, int[] hits) {
        int nh = 0;
        for (int k = 0; k < words; k++) {
            long w = tmp[k];
            long next = tmp[k + 1];
            int g0 = (int) w & 0xffff;
            int g4 = (int) (w >>> 32) & 0xffff;
            long p = ((set[g0 >>> 6] >>> g0) | (set[g4 >>> 6] >>> g4)) & 1;
            // Zero in a lane iff the bytes 7 and 6 after that lane's byte are both zero.
            long z = (w >>> 56) | (next << 8) | (w >>> 48) | (next << 16);
            long x = (w ^ v0) | z;
            long y = (w ^ v1) | z;
            long t = (((x - LANES_01) & ~x) | ((y - LANES_01) & ~y)) & LANES_80 | p;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /** As above (shared fixed bytes) for any number of pairs. */
    static int filter(long[] tmp, int from, int words, long[] or, long[] val, int b1, long s1, int b2, long s2,
                      int[] hits) {
        int nh = 0;
        for (int k = from; k < words; k++) {
            long w = tmp[k];
            long next = tmp[k + 1];
            long z = ((w >>> b1) | (next << (64 - b1))) ^ s1 | ((w >>> b2) | (next << (64 - b2))) ^ s2;
            long m = 0;
            for (int p = 0; p < or.length; p++) {
                long x = ((w | or[p]) ^ val[p]) | z;
                m |= (x - LANES_01) & ~x;
            }
            long t = m & LANES_80;
            hits[nh] = k;
            nh += (int) ((t | -t) >>> 63);
        }
        return nh;
    }

    /**
     * As above for 3 to 6 pairs ({@link #or6}/{@link #val6}: the pairs, padded by repeating the first), unrolled so
     * that the twelve patterns stay in registers (the generic loop reloads them for every word).
     */
    static int filter(long[] tmp, int from, int words, long[] o, long[] v, int[] hits, int unused) {
        long o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5];
        long v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4], v5 = v[5];
        int nh = 0;
        for (int k = from; k < words; k++) {
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
    static int filter(long[] tmp, int from, int words, long[] or, long[] val, int[] hits) {
        int nh = 0;
        for (int k = from; k < words; k++) {
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
        int last = -1;
        for (int w : byByte[b]) {
            int j = windowProbe[w];
            if (j != last && (windowLength[w] == 1 || matches(c, i, w, window, known && i + 8 <= n, n))) {
                probes[j].at(c, i, sinks[j]);
                last = j;
            }
        }
    }
}
