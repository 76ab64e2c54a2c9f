package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.List;

/**
 * Third phase of a table's analysis: the index block the footer names (separator key to the {@link BlockHandle} of
 * each data block), giving the data blocks found {@linkplain BlockSource#INDEX by the index}.
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>An index whose trailer CRC verifies is trusted: it is covered, and each of its handles is a data block. A
 *     handle that runs past the block region (into the footer or past the end of the file), is larger than the
 *     configured block limit, or overlaps a block already covered is reported (bad-pointer, or limit-exceeded)
 *     and dropped. A block a trusted index names is read even if its own CRC fails.</li>
 * <li>An index that does not verify is reported (by the block read) and still decoded: its decodable, in-bounds
 *     handles are used only where the block they name verifies. Its own bytes are left to the scan as a hint
 *     (not reported again).</li>
 * <li>Each accepted data block is covered, so the scan does not visit it, and known, so that a copy of the index
 *     found by the scan is recognised as a handle block.</li>
 * <li>The index is {@linkplain #indexOk() ok} only if it verified and nothing in it was reported.</li>
 * </ul>
 */
final class IndexBlockReader {
    private static final int TRAILER = TableFile.TRAILER;

    private final TableFile file;
    private final DamageSink sink;
    private final TableCoverage coverage;
    private final List<DataBlockRef> refs;
    /** End of the block region (the footer's offset). */
    private final long dataEnd;
    private boolean indexOk;

    /** @param refs receives the data blocks the index names, in index order */
    IndexBlockReader(TableFile file, DamageSink sink, TableCoverage coverage, List<DataBlockRef> refs,
                     long dataEnd) {
        this.file = file;
        this.sink = sink;
        this.coverage = coverage;
        this.refs = refs;
        this.dataEnd = dataEnd;
    }

    /** Whether the index verified and every handle in it was usable (valid after {@link #read}). */
    boolean indexOk() {
        return indexOk;
    }

    void read(BlockHandle ih) {
        TableFile.RawBlock rb = file.readRaw(ih.offset(), ih.size(), "index", sink);
        BlockDecompressor.Result d = rb == null ? null : file.contents(rb, sink);
        if (d == null) {
            coverage.addStructureHint(ih);
            return;
        }
        boolean trusted = rb.crcOk();
        if (trusted) {
            coverage.coverBlock(ih);
            coverage.addStructure(ih);
        } else {
            coverage.addStructureHint(ih);
        }
        int[] damage = new int[1];
        DamageSink counting = dmg -> {
            damage[0]++;
            sink.report(dmg);
        };
        Block block = Block.decode(d.data(), d.length(), file.name(), ih.offset(), rb.damageLength(), counting,
                file.limits());
        int n = 0;
        for (BlockEntry e : block.entries()) {
            n++;
            BlockHandle h;
            try {
                h = BlockHandle.decodeExact(e.value());
            } catch (Malformed m) {
                if (trusted) {
                    counting.report(new Damage(file.name(), ih.offset(), rb.damageLength(), m.kind(),
                            "varint64 offset, varint64 size", TableFile.hex(e.value()), "index entry " + (n - 1)
                            + " value is not a block handle (" + m.detail() + ") at +" + e.offsetInBlock()));
                }
                continue;
            }
            String why = dataHandleProblem(h);
            if (why != null) {
                if (trusted) {
                    counting.report(new Damage(file.name(), ih.offset(), rb.damageLength(),
                            why.startsWith("larger") ? DamageKind.LIMIT_EXCEEDED : DamageKind.BAD_POINTER,
                            "block and trailer inside [0, " + dataEnd + ") not overlapping other blocks",
                            "[" + h.offset() + ", " + h.endWithTrailer() + ")",
                            "index entry " + (n - 1) + " handle " + why + " (at +" + e.offsetInBlock() + ")"));
                }
                continue;
            }
            if (!trusted && !file.blockVerifies(h)) {
                // An index that does not verify only suggests blocks; the suggestion must verify itself.
                continue;
            }
            refs.add(new DataBlockRef(h.offset(), (int) h.size(), BlockSource.INDEX));
            coverage.coverBlock(h);
        }
        indexOk = trusted && damage[0] == 0;
    }

    /** Why a data block handle is unusable, or null. */
    private String dataHandleProblem(BlockHandle h) {
        if (h.offset() > dataEnd || h.size() > dataEnd - h.offset() - TRAILER) {
            return "runs past the block region (into the footer or past the end of the file)";
        }
        if (h.size() > file.limits().maxBlockBytes()) {
            return "larger than the configured block limit " + file.limits().maxBlockBytes();
        }
        if (coverage.overlapsCovered(h.offset(), h.endWithTrailer())) {
            return "overlaps another block";
        }
        return null;
    }
}
