package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

/**
 * Tells what a block found by scanning holds. The scan only knows that a block's trailer CRC verifies; by content,
 * a table's blocks are of three kinds:
 *
 * <ul>
 * <li>{@link Kind#FILTER}: the filter block layout ({@code table/filter_block.cc}), bloom bits, no user data.</li>
 * <li>{@link Kind#HANDLES}: an index or metaindex block: a clean block whose every value is exactly a handle to a
 *     block before it, at least one naming a block already known ({@link TableCoverage}); also the empty block
 *     (LevelDB's metaindex when there is no filter). No user data.</li>
 * <li>{@link Kind#DATA}: everything else, user data.</li>
 * </ul>
 *
 * <h2>Resync rule</h2>
 * A block found by a resync pass after damage is accepted only if it decodes cleanly as one of the three kinds
 * ({@link #plausibleBlock}): over a span of possible starts, chance CRC matches occur. A block reached by a walk
 * from a known boundary is trusted on the CRC alone, so its damaged content counts as data ({@link #classify}).
 */
final class ScannedBlockClassifier {
    private static final int TRAILER = TableFile.TRAILER;

    /** Classification of a verified block found by scanning. */
    enum Kind { DATA, FILTER, HANDLES }

    private final TableFile file;
    private final TableCoverage coverage;

    ScannedBlockClassifier(TableFile file, TableCoverage coverage) {
        this.file = file;
        this.coverage = coverage;
    }

    /** Resync validator: a candidate pair is a block if it decodes as a clean block or a filter block. */
    boolean plausibleBlock(long offset, int size) {
        return classifyOrNull(offset, size, true) != null;
    }

    /** Classifies a verified block reached from a known boundary (damaged content counts as data). */
    Kind classify(long offset, int size) {
        Kind k = classifyOrNull(offset, size, false);
        return k == null ? Kind.DATA : k;
    }

    /**
     * DATA/FILTER/HANDLES for a block that decodes as one of them; null if it does not decode cleanly. Unless
     * {@code requireClean}, cheap checks decide where they can (a block whose first value is not a block handle
     * is data), so classifying a scanned table costs about one decompression per block.
     */
    private Kind classifyOrNull(long offset, int size, boolean requireClean) {
        byte[] raw = file.source().read(offset, size + TRAILER);
        BlockDecompressor.Result d;
        try {
            d = BlockDecompressor.decompress(raw, size, raw[size] & 0xff, file.name(), offset,
                    size + (long) TRAILER, file.limits());
        } catch (CorruptionException e) {
            return null;
        }
        if (!requireClean) {
            Kind quick = quickKind(d.data(), d.length());
            if (quick != null) {
                return quick;
            }
        }
        Block block = Block.decode(d.data(), d.length(), file.name(), offset, size + (long) TRAILER,
                DamageSink.IGNORE, file.limits());
        if (block.clean()) {
            // An empty block (LevelDB's metaindex when there is no filter) carries no data either.
            return block.entries().isEmpty() || isHandleBlock(block, offset) ? Kind.HANDLES : Kind.DATA;
        }
        return isFilterBlock(d.data(), d.length()) ? Kind.FILTER : null;
    }

    /** DATA or FILTER when the restart count or the first entry decides; null if a full decode is needed. */
    private static Kind quickKind(byte[] b, int n) {
        if (n < 4) {
            return Kind.DATA;
        }
        long restarts = ByteCursor.getFixed32(b, n - 4) & 0xffffffffL;
        if (restarts == 0 || restarts > (n - 4) / 4) {
            return isFilterBlock(b, n) ? Kind.FILTER : Kind.DATA;
        }
        int end = (int) (n - 4 - 4 * restarts);
        if (end == 0) {
            return null; // no entries: decided by the full decode
        }
        try {
            ByteCursor c = new ByteCursor(b, 0, end);
            c.readVarint32();
            int nonShared = c.readLength(c.remaining(), "key");
            int valueLength = c.readLength(c.remaining(), "value");
            c.skip(nonShared);
            BlockHandle.decodeExact(c.readBytes(valueLength));
        } catch (Malformed m) {
            return Kind.DATA;
        }
        return null;
    }

    /**
     * Whether a clean block is an index or metaindex block: every value is exactly a handle to a block before
     * it, and at least one handle names a block already known (found or trusted). User data blocks whose values
     * happen to be two small varints cannot name a known block by chance.
     */
    private boolean isHandleBlock(Block block, long offset) {
        if (block.entries().isEmpty()) {
            return false;
        }
        boolean namesKnown = false;
        for (BlockEntry e : block.entries()) {
            BlockHandle h;
            try {
                h = BlockHandle.decodeExact(e.value());
            } catch (Malformed m) {
                return false;
            }
            if (h.offset() > offset || h.size() > offset - h.offset()) {
                return false;
            }
            namesKnown |= coverage.isKnown(h);
        }
        return namesKnown;
    }

    /**
     * Whether {@code b[0, n)} has the filter block layout ({@code table/filter_block.cc}): filters, then fixed32
     * offsets (ascending, within the filter data), fixed32 offset of that array, one byte base_lg (LevelDB: 11).
     */
    static boolean isFilterBlock(byte[] b, int n) {
        if (n < 5) {
            return false;
        }
        int baseLg = b[n - 1] & 0xff;
        long arrayOffset = ByteCursor.getFixed32(b, n - 5) & 0xffffffffL;
        if (baseLg < 1 || baseLg > 30 || arrayOffset > n - 5 || (n - 5 - arrayOffset) % 4 != 0) {
            return false;
        }
        long prev = 0;
        for (long p = arrayOffset; p < n - 5; p += 4) {
            long v = ByteCursor.getFixed32(b, (int) p) & 0xffffffffL;
            if (v < prev || v > arrayOffset) {
                return false;
            }
            prev = v;
        }
        return true;
    }
}
