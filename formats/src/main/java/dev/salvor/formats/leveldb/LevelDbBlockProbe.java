package dev.salvor.formats.leveldb;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs of LevelDB table blocks whose table has no usable footer (a fragmented or partly overwritten {@code .ldb}):
 * carved as footerless tables, which the table reader recovers by scanning.
 *
 * <h2>Signature (pass 1): the first entry of a table's first data block at a 512-byte boundary</h2>
 * A table file starts on a file-system block, and its first data block at file offset 0. A data block's first
 * entry has {@code shared = 0}, then varint32 {@code non_shared} (an internal key: at least 8 bytes), varint32
 * {@code value_length}, the key, whose last 8 bytes are the tag {@code seq << 8 | type} (little-endian: the type
 * byte first, 0 or 1; the top byte 0, since sequence numbers are below 2^56). Tested at every 512-byte-aligned
 * offset, per stored form (trailer type byte):
 * <table>
 * <caption>block start tests</caption>
 * <tr><th>form</th><th>bytes at the aligned offset</th><th>strength</th></tr>
 * <tr><td>0 none</td><td>{@code 00}, non_shared 8..65536, value_length, tag type 0/1, tag top byte 00</td>
 *     <td>strong</td></tr>
 * <tr><td>1 Snappy</td><td>varint32 uncompressed length (the first entry fits), a literal tag
 *     ({@code tag & 3 == 0}) whose literal starts with the entry above; the tag bytes are tested when the literal
 *     covers them</td><td>strong if the tag byte was tested, else weak</td></tr>
 * <tr><td>2 zstd</td><td>frame magic {@code 28 b5 2f fd}</td><td>weak</td></tr>
 * </table>
 * Expected false candidates on random bytes, per aligned offset: uncompressed about 2^-8 x 0.9 x 2^-7 x 2^-8
 * (1e-7), Snappy about 2^-2 x 2^-8 x 0.5 x 0.45 (2e-4, mostly weak), zstd 2^-32: about 400 weak candidates per GB
 * of random data, each costing one walk of at most {@value #WEAK_WINDOW} bytes (a CRC forward, about 26 MB of CRC
 * per GB), strong ones at most {@value #WALK_WINDOW}. Zeroed sectors fail on the first two bytes.
 *
 * <h2>Confirmation (pass 2, image order)</h2>
 * {@link BlockRun}: a walk from the candidate must reach a trailer whose masked CRC-32C verifies and the block must
 * decode cleanly (data, or filter); following blocks are walked while their CRCs verify, across a damaged stretch
 * of up to {@value #MAX_GAP} bytes by one resync pass, and the run ends before the first index/metaindex block.
 * Candidates inside a table or log confirmed by the other probes are skipped, and a run stops where such an
 * artifact begins (for a damaged table only its verified data blocks and its metaindex..footer tail count: blocks
 * the table cannot read at its index's offsets, e.g. a fragment moved away from its footer, are still carved).
 * Candidates inside a run already carved are later blocks of it, which keeps pass 2 linear.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 */
public final class LevelDbBlockProbe implements Probe {
    /** Alignment at which table starts are tried. */
    static final int ALIGN = 512;
    /** Longest block a strong candidate's first walk looks for. */
    static final int WALK_WINDOW = 1 << 20;
    /** Longest block a weak candidate's first walk looks for. */
    static final int WEAK_WINDOW = 64 << 10;
    /** Longest damaged stretch a run crosses. */
    static final int MAX_GAP = 64 << 10;

    static final int NO = 0;
    static final int WEAK = 1;
    static final int STRONG = 2;

    private final ByteSource image;
    private final Limits limits;
    /** The weak candidates' first walk in pass 1 (stateless: shared by the worker threads), as confirm makes it. */
    private final BlockRun weakWalk;

    public LevelDbBlockProbe(ByteSource image, Limits limits) {
        this.image = image;
        this.limits = limits;
        this.weakWalk = new BlockRun(image, limits, WALK_WINDOW, MAX_GAP);
    }

    /** Random access to bytes by image offset; -1 past the end. */
    interface Bytes {
        int at(long offset);
    }

    @Override
    public int overlap() {
        return 0;
    }

    @Override
    public Trigger trigger() {
        return Trigger.aligned(ALIGN);
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (snappyRejected(c, i)) {
            return;
        }
        long start = c.start();
        long size = image.size();
        Bytes b = off -> {
            long k = off - start;
            if (k >= 0 && k < c.readable()) {
                return c.get((int) k) & 0xff;
            }
            return off >= 0 && off < size ? image.readUnsignedByte(off) : -1;
        };
        int strength = signature(b, start + i, limits.maxBlockBytes());
        // A weak candidate survives confirm only if a block verifies at it within the short walk (WEAK_WINDOW).
        // That walk is made here, on the scan's worker threads, instead of serially in pass 2 after the scan (most
        // of pass 2's time on random bytes): its outcome can only be worse under the smaller limit confirm gives it
        // (the next claimed region's start; a walk finds the first verifying trailer below its limit, so with a
        // smaller limit it finds the same block or none), so dropping the candidate here changes nothing.
        if (strength == WEAK && weakWalk.blockAt(start + i, size, WEAK_WINDOW) == null) {
            return;
        }
        if (strength != NO) {
            sink.propose(start + i);
        }
    }

    /**
     * A fast reject, from the chunk's bytes, of what {@link #signature} would reject (most random bytes): on the
     * Snappy path the byte after the length preamble must be a literal tag (low bits 00) and the literal's first
     * byte the first entry's {@code shared = 0}; an uncompressed block's first entry is tested in full
     * ({@link #uncompressedRejected}); a zstd frame needs its 4-byte magic. Never rejects what {@link #signature}
     * accepts; false when unsure.
     *
     * <p>Rejecting here rather than in {@link #signature} matters for speed: on random bytes about 1 aligned offset
     * in 120 starts with 0x00 or 0x28, and that many calls per GiB made the JIT compile {@link #signature} with its
     * byte-access lambda inlined everywhere (the costliest compilation of the carve pass), where a few tests on the
     * chunk decide.
     */
    static boolean snappyRejected(ImageChunk c, int i) {
        int n = c.readable();
        if (i + 16 > n) {
            return false;
        }
        int b0 = c.get(i) & 0xff;
        if (b0 == 0) {
            return uncompressedRejected(c, i);
        }
        if (b0 == 0x28 && (c.get(i + 1) & 0xff) == 0xb5 && (c.get(i + 2) & 0xff) == 0x2f
                && (c.get(i + 3) & 0xff) == 0xfd) {
            return false; // a zstd frame: the full test
        }
        // Else (0x28 without the zstd magic too) signature reads a Snappy length preamble: the same test here.
        int p = i;
        while (p < i + 4 && (c.get(p) & 0x80) != 0) {
            p++;
        }
        if ((c.get(p) & 0x80) != 0) {
            return true; // no varint32 of at most 4 bytes
        }
        int tag = c.get(p + 1) & 0xff;
        if ((tag & 3) != 0) {
            return true; // the first element is not a literal
        }
        int len = (tag >>> 2) + 1;
        int d = p + 2 + (len > 60 ? len - 60 : 0);
        return d < n && c.get(d) != 0; // the literal's first byte is the first entry's shared length: 0
    }

    /**
     * True if {@link #signature}'s uncompressed path ({@code firstEntry(b, a, Long.MAX_VALUE) == 2}) surely rejects
     * the block at chunk index {@code i} (whose first byte is 0), from the chunk's bytes: the key length (varint
     * non_shared, at most 3 bytes) must be 8..65536, the value length a varint of at most 5 bytes, and the internal
     * key's type byte 0 or 1 and its sequence's top byte 0. False when a byte the test needs lies past the readable
     * bytes (the full test then reads the image).
     */
    static boolean uncompressedRejected(ImageChunk c, int i) {
        int n = c.readable();
        int key = 0;
        int keyEnd = -1;
        for (int q = 0; q < 3; q++) {
            if (i + 1 + q >= n) {
                return false;
            }
            int x = c.get(i + 1 + q) & 0xff;
            key |= (x & 0x7f) << (7 * q);
            if ((x & 0x80) == 0) {
                keyEnd = i + 2 + q;
                break;
            }
        }
        if (keyEnd < 0 || key < 8 || key > 65536) {
            return true;
        }
        int valueEnd = -1;
        for (int q = 0; q < 5; q++) {
            if (keyEnd + q >= n) {
                return false;
            }
            if ((c.get(keyEnd + q) & 0x80) == 0) {
                valueEnd = keyEnd + q + 1;
                break;
            }
        }
        if (valueEnd < 0) {
            return true;
        }
        // The key's last 8 bytes: type byte (0 deletion, 1 value), then the 7-byte sequence, top byte last.
        long typeAt = (long) valueEnd + key - 8;
        long topAt = (long) valueEnd + key - 1;
        if (topAt >= n) {
            return false;
        }
        int type = c.get((int) typeAt) & 0xff;
        return (type != 0 && type != 1) || c.get((int) topAt) != 0;
    }

    /** {@link #NO}, {@link #WEAK} or {@link #STRONG}: whether a table's first data block may start at {@code a}. */
    static int signature(Bytes b, long a, int maxBlock) {
        int b0 = b.at(a);
        if (b0 == 0) {
            return firstEntry(b, a, Long.MAX_VALUE) == 2 ? STRONG : NO;
        }
        if (b0 == 0x28 && b.at(a + 1) == 0xb5 && b.at(a + 2) == 0x2f && b.at(a + 3) == 0xfd) {
            return WEAK;
        }
        // Snappy: varint32 uncompressed length, then the first element, which must be a literal.
        long[] v = varint(b, a, 4);
        if (v == null || v[0] < 15 || v[0] > maxBlock) {
            return NO;
        }
        long p = v[1];
        int tag = b.at(p);
        if (tag < 0 || (tag & 3) != 0) {
            return NO;
        }
        long n = (tag >>> 2) + 1;
        long d = p + 1;
        if (n > 60) {
            int extra = (int) n - 60; // 1..4 little-endian length bytes
            long len = 0;
            for (int k = 0; k < extra; k++) {
                int x = b.at(p + 1 + k);
                if (x < 0) {
                    return NO;
                }
                len |= (long) x << (8 * k);
            }
            n = len + 1;
            d = p + 1 + extra;
        }
        if (n > v[0]) {
            return NO;
        }
        int tested = firstEntry(b, d, d + n);
        if (tested < 0) {
            return NO;
        }
        long[] k = varint(b, d + 1, 3);
        long[] vl = varint(b, k[1], 5);
        // The first entry and the restart count fit in the uncompressed length.
        if (vl[1] - d + k[0] + vl[0] + 4 > v[0]) {
            return NO;
        }
        return tested >= 1 ? STRONG : WEAK;
    }

    /**
     * Tests a block's first entry at {@code p} ({@code shared = 0}, internal key), reading tag bytes only below
     * {@code known}: -1 if it fails, else how many tag bytes were tested (0..2).
     */
    static int firstEntry(Bytes b, long p, long known) {
        if (b.at(p) != 0 || p + 3 > known) {
            return -1;
        }
        long[] k = varint(b, p + 1, 3);
        if (k == null || k[0] < 8 || k[0] > 65536 || k[1] > known) {
            return -1;
        }
        long[] v = varint(b, k[1], 5);
        if (v == null || v[1] > known) {
            return -1;
        }
        long typeAt = v[1] + k[0] - 8;
        long topAt = v[1] + k[0] - 1;
        int tested = 0;
        if (typeAt < known) {
            int t = b.at(typeAt);
            if (t != 0 && t != 1) {
                return -1;
            }
            tested++;
        }
        if (topAt < known) {
            if (b.at(topAt) != 0) {
                return -1;
            }
            tested++;
        }
        return tested;
    }

    /** A varint of at most {@code max} bytes at {@code p}: {value, offset after it}, or null. */
    static long[] varint(Bytes b, long p, int max) {
        long v = 0;
        for (int i = 0; i < max; i++) {
            int x = b.at(p + i);
            if (x < 0) {
                return null;
            }
            v |= (long) (x & 0x7f) << (7 * i);
            if ((x & 0x80) == 0) {
                return new long[] {v, p + i + 1};
            }
        }
        return null;
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        return confirm(candidates, List.of());
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates, List<Artifact> confirmed) {
        List<Artifact> out = new ArrayList<>();
        if (candidates.isEmpty()) {
            return out;
        }
        TreeMap<Long, Long> claimed = claimed(confirmed);
        BlockRun runs = new BlockRun(image, limits, WALK_WINDOW, MAX_GAP);
        Bytes b = off -> off >= 0 && off < image.size() ? image.readUnsignedByte(off) : -1;
        long covered = -1;
        for (long c : candidates) {
            if (c < covered || inside(claimed, c)) {
                continue;
            }
            Map.Entry<Long, Long> next = claimed.higherEntry(c);
            long limit = next == null ? image.size() : next.getKey();
            int strength = signature(b, c, limits.maxBlockBytes());
            if (strength == WEAK && runs.blockAt(c, limit, WEAK_WINDOW) == null) {
                continue; // a weak candidate only gets the short walk (bounded cost on random data)
            }
            List<BlockRun.Found> run = runs.follow(c, limit);
            if (run.isEmpty()) {
                continue;
            }
            int data = 0;
            int filters = 0;
            int gaps = 0;
            long prevEnd = c;
            for (BlockRun.Found f : run) {
                if (f.content() == BlockRun.Content.DATA) {
                    data++;
                } else {
                    filters++;
                }
                if (f.offset() != prevEnd) {
                    gaps++;
                }
                prevEnd = f.end();
            }
            if (data == 0) {
                continue; // a lone filter block carries no record
            }
            BlockRun.Found last = run.get(run.size() - 1);
            covered = last.end();
            out.add(new Artifact(Artifact.Kind.LEVELDB_BLOCKS, c, last.end() - c,
                    "table block run without footer from a 512-byte boundary: " + run.size()
                            + " block trailer CRCs verify (" + data + " data, " + filters + " filter)"
                            + (gaps == 0 ? ", contiguous" : ", " + gaps + " damaged stretch(es) crossed by resync"),
                    gaps));
        }
        return out;
    }

    private static boolean inside(TreeMap<Long, Long> claimed, long at) {
        Map.Entry<Long, Long> e = claimed.floorEntry(at);
        return e != null && e.getValue() > at;
    }

    /**
     * Regions the other probes' LevelDB artifacts account for: a log or an intact table whole; a damaged table's
     * data blocks that verify at its index's offsets and everything from its metaindex block to its footer end.
     */
    private TreeMap<Long, Long> claimed(List<Artifact> confirmed) {
        TreeMap<Long, Long> m = new TreeMap<>();
        for (Artifact a : confirmed) {
            if (a.kind() == Artifact.Kind.LEVELDB_LOG
                    || (a.kind() == Artifact.Kind.LEVELDB_TABLE && a.damage() == 0)) {
                add(m, a.offset(), a.end());
            } else if (a.kind() == Artifact.Kind.LEVELDB_TABLE) {
                claimDamagedTable(m, a);
            }
        }
        return m;
    }

    private void claimDamagedTable(TreeMap<Long, Long> m, Artifact a) {
        try {
            SliceSource s = new SliceSource(image, a.offset(), a.length(), Probe.sliceName(image, a.offset()));
            TableReader r = new TableReader(s, DamageSink.IGNORE, limits);
            Footer f = r.footer().orElse(null);
            if (f == null) {
                return;
            }
            add(m, a.offset() + Math.min(f.metaindexHandle().offset(), f.indexHandle().offset()), a.end());
            for (DataBlockRef ref : r.dataBlocks()) {
                byte[] raw = s.read(ref.offset(), ref.size() + BlockTrailer.ENCODED_LENGTH);
                if (BlockTrailer.decode(raw, ref.size()).verifies(raw, 0, ref.size())) {
                    add(m, a.offset() + ref.offset(), a.offset() + ref.offset() + raw.length);
                }
            }
        } catch (CorruptionException | Malformed e) {
            // unreadable again: claims nothing, its region may be carved as block runs
        }
    }

    /** Adds [start, end) to disjoint intervals (merging overlaps). */
    private static void add(TreeMap<Long, Long> m, long start, long end) {
        Map.Entry<Long, Long> below = m.floorEntry(start);
        if (below != null && below.getValue() >= start) {
            start = below.getKey();
            end = Math.max(end, below.getValue());
            m.remove(below.getKey());
        }
        Map.Entry<Long, Long> above;
        while ((above = m.ceilingEntry(start)) != null && above.getKey() <= end) {
            end = Math.max(end, above.getValue());
            m.remove(above.getKey());
        }
        m.put(start, end);
    }
}
