package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Finds blocks in a byte range of a table without an index: a block is {@code [s, e)} followed by a trailer at
 * {@code e} whose type byte is a plausible compression id and whose masked CRC-32C verifies over {@code [s, e]}.
 *
 * <h2>Algorithm</h2>
 * Data blocks are contiguous from offset 0, each followed by its trailer, so the scan <b>walks</b>: from a known
 * block start it runs one CRC forward and, at every byte that could be a type byte, compares the running CRC with
 * the 4 bytes after it. That costs O(block) per block, O(n) for an intact file.
 *
 * <p>When a walk finds no trailer (the block at the known start is damaged), the next block's start is unknown.
 * Trying every later offset as a start would be O(n²). Instead the <b>resync pass</b> finds every (start, end) pair
 * whose trailer verifies in one linear pass, using that CRC-32C is linear. With {@code crc(X·Y)} =
 * {@code x^{8|Y|}·crc(X) ⊕ crc(Y)} (mod the Castagnoli polynomial) and {@code c(p)} the CRC of the range's first
 * {@code p} bytes, a block {@code [s, e]} verifies against stored {@code u} iff
 * {@code x^{-8s}·c(s) = x^{-8(e+1)}·(c(e+1) ⊕ u)}. Both sides depend on one position only, so the pass keeps the
 * left side {@code Q(s)} of every recent position in a hash table and, at every candidate type byte, looks up the
 * right side {@code K(e)}. Multiplying by {@code x^{-8}} is one table step (the inverse of the CRC's zero-byte step;
 * the top bytes of the CRC table are a permutation), and {@code Q} is updated incrementally with 8 basis vectors.
 *
 * <h2>Bounds</h2>
 * <ul>
 * <li>Resync passes never overlap (each ends at the block it finds, and the next one starts after it): every byte
 *     of the range is processed by at most one pass, at about 40 ns per byte (measured on a loaded 2-core VM:
 *     a 2 MiB garbage range takes about 0.1 s).</li>
 * <li>Successful walks cover disjoint blocks: at most n bytes, at CRC speed. Failed walks re-read bytes a resync
 *     pass will read again; their total is capped by a budget of 4·n + 1 MiB, after which the scan goes straight
 *     to resync passes (which also test the known start, so nothing is lost but speed).</li>
 * <li>Total work is therefore O(n) whatever the input; memory is one 256 KiB read buffer plus the resync tables,
 *     about 8.5 MiB for ranges of 1 MiB and more (less for smaller ranges), allocated once per range.</li>
 * <li>Limits: a block after damage is found only if it is shorter than {@value #RESYNC_SPAN} bytes (larger blocks
 *     are still found when they follow an intact block, up to {@code maxBlockBytes}); ranges over 1 GiB are
 *     scanned in 1 GiB pieces (a block across a piece boundary is missed).</li>
 * </ul>
 * Over a span of 10^6 possible starts, chance CRC matches are expected (about ten per MiB of random bytes), so
 * resync candidates must also pass a structural {@link Validator}; blocks reached by a walk from a known start are
 * trusted on the CRC alone (a chance match there needs one of a few thousand candidate ends to hit 2^-32).
 */
final class BlockScanner {
    /** Longest block a resync pass can find (sets the pass's memory). */
    static final int RESYNC_SPAN = 1 << 20;
    /** Smallest block body considered (an empty filter block is 5 bytes; an empty data block 8). */
    static final int MIN_BLOCK = 5;
    private static final int CHUNK = 1 << 18;
    private static final int LOOKAHEAD = 8;
    /** Largest range scanned as one (positions in the resync tables are ints). */
    private static final long MAX_RANGE = 1L << 30;

    private static final int[] T = new int[256];
    private static final int[] INV_TOP = new int[256];
    private static final boolean[] PLAUSIBLE = new boolean[256];
    /** {@code F ⊕ A(F)}: the per-byte constant of the Q recurrence (F = 0xffffffff, A = one zero-byte step). */
    private static final int C;

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
            }
            T[i] = c;
        }
        boolean[] seen = new boolean[256];
        for (int i = 0; i < 256; i++) {
            int top = T[i] >>> 24;
            if (seen[top]) {
                throw new AssertionError("CRC-32C table top bytes are not a permutation");
            }
            seen[top] = true;
            INV_TOP[top] = i;
        }
        for (int i = 0; i < 256; i++) {
            PLAUSIBLE[i] = CompressionType.isPlausibleId(i);
        }
        C = -1 ^ zeroStep(-1);
    }

    /** Decides whether a resync candidate is a real block (structure beyond the CRC). */
    interface Validator {
        boolean accept(long offset, int size);
    }

    /**
     * A piece of a scanned range: a verified block {@code [offset, offset+length)} (its trailer follows) or an
     * unverified region {@code [offset, offset+length)}.
     */
    record Segment(long offset, long length, boolean verified) {
        long end() {
            return verified ? offset + length + BlockTrailer.ENCODED_LENGTH : offset + length;
        }
    }

    private final ByteSource source;
    private final int maxBlockBytes;
    private final Validator validator;
    private byte[] buf;
    private long walkBudget = Long.MAX_VALUE;
    /** Start of the range positions in the resync tables are relative to (see {@link #resync}). */
    private long base = -1;
    private int[] ringQ;
    private int[] ringNext;
    private int[] buckets;

    BlockScanner(ByteSource source, int maxBlockBytes, Validator validator) {
        this.source = source;
        this.maxBlockBytes = maxBlockBytes;
        this.validator = validator;
    }

    /** One zero-byte step of the (reflected) CRC register: multiplication by x^8. */
    static int zeroStep(int r) {
        return T[r & 0xff] ^ (r >>> 8);
    }

    /** Inverse of {@link #zeroStep}: multiplication by x^-8. */
    static int inverseStep(int v) {
        int i = INV_TOP[v >>> 24];
        return ((v ^ T[i]) << 8) | i;
    }

    /** Splits {@code [from, to)} into verified blocks and unverified regions, in file order. */
    List<Segment> scan(long from, long to) {
        List<Segment> out = new ArrayList<>();
        if (to - from <= 0) {
            return out;
        }
        if (to - from > MAX_RANGE) {
            // Positions in the resync tables are ints: split huge ranges (a block across a split is not found).
            List<Segment> all = new ArrayList<>(scan(from, from + MAX_RANGE));
            all.addAll(scan(from + MAX_RANGE, to));
            return all;
        }
        buf = null;
        base = from;
        ringQ = null;
        walkBudget = 4 * (to - from) + (1 << 20);
        long pos = from;
        while (to - pos >= MIN_BLOCK + BlockTrailer.ENCODED_LENGTH) {
            long window = Math.min(maxBlockBytes, walkBudget);
            int size = window >= MIN_BLOCK ? walk(pos, to, window) : -1;
            if (size >= 0) {
                out.add(new Segment(pos, size, true));
                pos += size + BlockTrailer.ENCODED_LENGTH;
                continue;
            }
            long[] found = resync(pos, to);
            if (found == null) {
                break;
            }
            if (found[0] > pos) {
                out.add(new Segment(pos, found[0] - pos, false));
            }
            out.add(new Segment(found[0], found[1], true));
            pos = found[0] + found[1] + BlockTrailer.ENCODED_LENGTH;
        }
        if (pos < to) {
            out.add(new Segment(pos, to - pos, false));
        }
        buf = null;
        ringQ = null;
        ringNext = null;
        buckets = null;
        return out;
    }

    private int load(long c, long to) {
        int want = (int) Math.min(CHUNK + LOOKAHEAD, to - c);
        if (buf == null || buf.length < want) {
            buf = new byte[want];
        }
        int len = Math.min(buf.length, want);
        source.read(c, buf, 0, len);
        return len;
    }

    /**
     * Walks from a known block start: returns the size of the first block at {@code pos} whose trailer verifies
     * (at most {@code window} bytes), or -1. Charges a failed walk's length to the budget.
     */
    int walk(long pos, long to, long window) {
        CRC32C crc = new CRC32C();
        long eMax = Math.min(to - BlockTrailer.ENCODED_LENGTH, pos + window); // last possible type byte position
        long c = pos;
        while (c <= eMax) {
            load(c, to);
            int procEnd = (int) Math.min(CHUNK, eMax - c + 1);
            int last = 0;
            int i = (int) Math.max(0, pos + MIN_BLOCK - c);
            for (; i < procEnd; i++) {
                if (!PLAUSIBLE[buf[i] & 0xff]) {
                    continue;
                }
                crc.update(buf, last, i + 1 - last);
                last = i + 1;
                if (Crc32c.mask((int) crc.getValue()) == ByteCursor.getFixed32(buf, i + 1)) {
                    return (int) (c + i - pos);
                }
            }
            crc.update(buf, last, procEnd - last);
            c += procEnd;
        }
        walkBudget -= Math.max(0, eMax - pos + 1);
        return -1;
    }

    /**
     * One resync pass from {@code pos} (a failed known start, still tested with spans up to maxBlockBytes): returns
     * {offset, size} of the first verified and validated block, by end position, or null.
     */
    long[] resync(long pos, long to) {
        if (base < 0 || pos < base || to - base > MAX_RANGE) {
            base = pos; // standalone call (tests): positions relative to this pass
            ringQ = null;
        }
        long passEnd = to;
        if (ringQ == null) {
            // Sized once per range and reused by every pass: entries of earlier passes lie before this pass's
            // start, so the position bound below ignores them (no clearing needed).
            int size = Math.max(64, Integer.highestOneBit((int) Math.min(RESYNC_SPAN, to - base) - 1) << 1);
            ringQ = new int[size];
            ringNext = new int[size];
            buckets = new int[Math.max(64, size >>> 3)]; // chains of ~8 are walked only at candidate ends
            Arrays.fill(buckets, -1);
        }
        int[] ringQ = this.ringQ;
        int[] ringNext = this.ringNext;
        int[] buckets = this.buckets;
        int ringSize = ringQ.length;
        int ringMask = ringSize - 1;
        int hashShift = 32 - Integer.numberOfTrailingZeros(buckets.length);
        int origin = (int) (pos - base);
        // basis[(k & 7) * 8 + i] = x^{-8k} · (1 << i): B^k applied to the byte basis vectors.
        int[] basis = new int[64];
        for (int i = 0; i < 8; i++) {
            basis[i] = 1 << i;
        }
        for (int k = 1; k <= 4; k++) {
            for (int i = 0; i < 8; i++) {
                basis[(k & 7) * 8 + i] = inverseStep(basis[((k - 1) & 7) * 8 + i]);
            }
        }
        int q = 0;                  // Q(s): x^{-8s} · (F ⊕ G(s)); Q(0) = 0
        int cPow = inverseStep(C);  // x^{-8(s+1)} · C
        long c = pos;
        while (c < passEnd) {
            int len = load(c, passEnd);
            int procEnd = (int) Math.min(CHUNK, passEnd - c);
            for (int i = 0; i < procEnd; i++) {
                int s = (int) (c + i - pos);
                int b = buf[i] & 0xff;
                // Record Q(s) for start s (stored under its range position origin + s).
                int at = origin + s;
                int slot = at & ringMask;
                int h = (q * 0x9e3779b9) >>> hashShift;
                ringQ[slot] = q;
                ringNext[slot] = buckets[h];
                buckets[h] = at;
                // Q(s+1) = Q(s) ⊕ x^{-8(s+1)}·C ⊕ x^{-8s}·b
                q ^= cPow ^ apply(basis, s, b);
                cPow = inverseStep(cPow);
                if (PLAUSIBLE[b] && s >= MIN_BLOCK && i + BlockTrailer.ENCODED_LENGTH <= len
                        && c + i + BlockTrailer.ENCODED_LENGTH <= to) {
                    int u = Crc32c.unmask(ByteCursor.getFixed32(buf, i + 1));
                    int k = q ^ apply(basis, s + 1, u & 0xff) ^ apply(basis, s + 2, (u >>> 8) & 0xff)
                            ^ apply(basis, s + 3, (u >>> 16) & 0xff) ^ apply(basis, s + 4, u >>> 24);
                    long e = c + i;
                    if (k == 0 && s <= maxBlockBytes && verifies(pos, s)) {
                        return new long[] {pos, s};
                    }
                    int kh = (k * 0x9e3779b9) >>> hashShift;
                    // Starts of this pass (> origin: the origin was tested above) within the ring's span.
                    int lowest = Math.max(origin + 1, origin + s - ringSize + 1);
                    for (int t = buckets[kh]; t >= lowest; t = ringNext[t & ringMask]) {
                        if (ringQ[t & ringMask] == k && origin + s - t >= MIN_BLOCK) {
                            long start = base + t;
                            int size = (int) (e - start);
                            if (verifies(start, size) && validator.accept(start, size)) {
                                return new long[] {start, size};
                            }
                        }
                    }
                }
                // Basis for k = s + 5 from s + 4 (slot of s - 3, no longer needed).
                int from = ((s + 4) & 7) * 8;
                int into = ((s + 5) & 7) * 8;
                for (int j = 0; j < 8; j++) {
                    basis[into + j] = inverseStep(basis[from + j]);
                }
            }
            c += procEnd;
        }
        return null;
    }

    /** x^{-8k} · b for a byte value b, from the basis vectors of k. */
    private static int apply(int[] basis, int k, int b) {
        int base = (k & 7) * 8;
        int x = 0;
        for (int i = 0; i < 8; i++) {
            x ^= basis[base + i] & -((b >>> i) & 1);
        }
        return x;
    }

    /** Direct check of a candidate: block {@code [start, start+size)} and its trailer verify. */
    private boolean verifies(long start, int size) {
        if (size < 0 || size > maxBlockBytes) {
            return false;
        }
        byte[] b = source.read(start, size + BlockTrailer.ENCODED_LENGTH);
        return BlockTrailer.decode(b, size).verifies(b, 0, size);
    }
}
