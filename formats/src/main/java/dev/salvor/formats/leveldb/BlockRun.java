package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs of table blocks whose trailer CRCs verify, followed from a known block start without footer or index: the
 * blocks of a table fragment lying in a raw image (carving). Table blocks are contiguous, each followed by its
 * 5-byte trailer:
 *
 * <pre>
 * [block 1][type:u8 crc:fixed32][block 2][type crc] ... [filter][..][metaindex][..][index][..][footer: 48]
 * </pre>
 *
 * <p>Reuses {@link BlockScanner} (one block parser for tables): from a known start a <b>walk</b> (one CRC forward,
 * compared at every plausible type byte) finds the block's end; after a block that does not verify, one bounded
 * <b>resync</b> pass (linear, CRC linearity) over at most {@code maxGap} bytes finds the next block whose trailer
 * verifies and whose content decodes cleanly; nothing verifying in that window ends the run.
 *
 * <p>Each verified block is classified by content as in {@link TableReader}: a filter block (its layout), a
 * handle block (a clean block whose every value is exactly a block handle: index or metaindex; also the empty
 * metaindex), else data. A run ends before its first handle block: handle blocks end a table's block region and
 * their handles are table offsets, which a fragment cannot check, so a run never reads an index block as data.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 */
public final class BlockRun {
    private static final int TRAILER = BlockTrailer.ENCODED_LENGTH;

    /** What a verified block holds. */
    public enum Content {
        /** Entries (user data). */
        DATA,
        /** A filter block (bloom bits, no user data). */
        FILTER,
        /** An index or metaindex block (block handles, no user data). */
        HANDLES
    }

    /**
     * One verified block: {@code [offset, offset + size)} followed by its trailer.
     *
     * @param offset  first byte of the block
     * @param size    block size without the trailer
     * @param content what it holds
     */
    public record Found(long offset, int size, Content content) {
        /** End of the block's trailer (exclusive). */
        public long end() {
            return offset + size + (long) TRAILER;
        }
    }

    private final ByteSource source;
    private final Limits limits;
    private final int walkWindow;
    private final long maxGap;

    /**
     * @param source     where the blocks lie (an image; read only)
     * @param limits     block size limit (for decompression and classification)
     * @param walkWindow largest block a walk looks for (bytes of CRC spent on a start that is not a block)
     * @param maxGap     longest unverified stretch a run crosses (one resync pass over at most this many bytes)
     */
    public BlockRun(ByteSource source, Limits limits, int walkWindow, long maxGap) {
        this.source = Objects.requireNonNull(source, "source");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.walkWindow = Math.min(walkWindow, limits.maxBlockBytes());
        this.maxGap = maxGap;
        if (walkWindow < BlockScanner.MIN_BLOCK || maxGap < 0) {
            throw new IllegalArgumentException("bad walk window " + walkWindow + " or gap " + maxGap);
        }
    }

    /**
     * The block starting exactly at {@code start} (within {@code [start, limit)}) if its trailer verifies within
     * the walk window and its content decodes cleanly (data, filter or handles); else null.
     */
    public Found blockAt(long start, long limit) {
        return blockAt(start, limit, walkWindow);
    }

    /** As {@link #blockAt(long, long)} with a smaller walk window (a cheaper test of a weak candidate). */
    public Found blockAt(long start, long limit, int window) {
        limit = Math.min(limit, source.size());
        if (start < 0 || limit - start < BlockScanner.MIN_BLOCK + TRAILER) {
            return null;
        }
        BlockScanner s = new BlockScanner(source, limits.maxBlockBytes(), this::decodesCleanly);
        int size = s.walk(start, limit, Math.min(window, walkWindow));
        if (size < 0) {
            return null;
        }
        Content c = classify(start, size);
        return c == null ? null : new Found(start, size, c);
    }

    /**
     * The run of verified data and filter blocks starting with the block at {@code start}, inside
     * {@code [start, limit)}: contiguous blocks while they verify; after one that does not, the first verified and
     * cleanly decoding block within {@code maxGap} bytes; ends at a handle block or when nothing more verifies.
     * Empty if no block verifies at {@code start}.
     */
    public List<Found> follow(long start, long limit) {
        limit = Math.min(limit, source.size());
        List<Found> out = new ArrayList<>();
        Found first = blockAt(start, limit);
        if (first == null || first.content() == Content.HANDLES) {
            return out;
        }
        out.add(first);
        long pos = first.end();
        BlockScanner walker = new BlockScanner(source, limits.maxBlockBytes(), this::decodesCleanly);
        while (limit - pos >= BlockScanner.MIN_BLOCK + TRAILER) {
            int size = walker.walk(pos, limit, walkWindow);
            Found f;
            if (size >= 0) {
                // Reached from a known boundary: trusted on the CRC (damaged content still counts as data).
                Content c = classify(pos, size);
                f = new Found(pos, size, c == null ? Content.DATA : c);
            } else {
                // Resync rule: the block at pos does not verify (damaged or overwritten). Only the next maxGap
                // bytes are searched (bounded cost), and a candidate must verify AND decode cleanly, since over a
                // span of possible starts chance CRC matches occur.
                long gapEnd = Math.min(limit, pos + maxGap);
                long[] r = new BlockScanner(source, limits.maxBlockBytes(), this::decodesCleanly)
                        .resync(pos, gapEnd);
                if (r == null) {
                    break;
                }
                f = new Found(r[0], (int) r[1], classify(r[0], (int) r[1]));
            }
            if (f.content() == Content.HANDLES) {
                break; // the table's block region ends here (see class comment)
            }
            out.add(f);
            pos = f.end();
        }
        return out;
    }

    private boolean decodesCleanly(long offset, int size) {
        return classify(offset, size) != null;
    }

    /** DATA / FILTER / HANDLES for a block that decodes cleanly as one of them; null otherwise. */
    public Content classify(long offset, int size) {
        if (size < 0 || size > limits.maxBlockBytes() || offset < 0 || offset > source.size() - size - TRAILER) {
            return null;
        }
        try {
            byte[] raw = source.read(offset, size + TRAILER);
            BlockDecompressor.Result d = BlockDecompressor.decompress(raw, size, raw[size] & 0xff, source.name(),
                    offset, size + (long) TRAILER, limits);
            Block block = Block.decode(d.data(), d.length(), source.name(), offset, size + (long) TRAILER,
                    DamageSink.IGNORE, limits);
            if (block.clean()) {
                return block.entries().isEmpty() || allHandles(block) ? Content.HANDLES : Content.DATA;
            }
            return ScannedBlockClassifier.isFilterBlock(d.data(), d.length()) ? Content.FILTER : null;
        } catch (CorruptionException | Malformed e) {
            return null;
        }
    }

    private boolean allHandles(Block block) {
        for (BlockEntry e : block.entries()) {
            try {
                BlockHandle h = BlockHandle.decodeExact(e.value());
                if (h.size() > limits.maxBlockBytes() || h.offset() < 0) {
                    return false;
                }
            } catch (Malformed m) {
                return false;
            }
        }
        return true;
    }
}
