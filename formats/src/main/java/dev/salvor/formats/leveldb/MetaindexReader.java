package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Second phase of a table's analysis: the metaindex block the footer names (meta block name to
 * {@link BlockHandle}) and the filter blocks it names ({@code "filter.<policy>"}, bloom bits, no user data).
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>A metaindex whose trailer CRC verifies is trusted: it is covered, and the filter blocks it names are covered
 *     and their checksums verified (a mismatch is reported; a filter carries no user data, so nothing else is
 *     read). A filter handle outside the block region or overlapping a covered block is reported and dropped.</li>
 * <li>A metaindex that does not verify is still decoded, and its entries listed in {@link TableLayout#metaBlocks()}:
 *     its handles are only hints. The filter blocks it names are not covered (the scan finds them if they verify)
 *     and neither they nor the metaindex itself are reported again as unverified regions.</li>
 * <li>Entry values that are not block handles are reported for a trusted metaindex and skipped.</li>
 * </ul>
 */
final class MetaindexReader {
    private static final String FILTER_PREFIX = "filter.";
    private static final int TRAILER = TableFile.TRAILER;

    private final TableFile file;
    private final DamageSink sink;
    private final TableCoverage coverage;
    private final Map<String, BlockHandle> meta;
    private final List<BlockHandle> filters;

    /**
     * @param meta    receives the metaindex entries, in block order
     * @param filters receives the filter blocks a trusted metaindex names
     */
    MetaindexReader(TableFile file, DamageSink sink, TableCoverage coverage, Map<String, BlockHandle> meta,
                    List<BlockHandle> filters) {
        this.file = file;
        this.sink = sink;
        this.coverage = coverage;
        this.meta = meta;
        this.filters = filters;
    }

    void read(BlockHandle mh) {
        TableFile.RawBlock rb = file.readRaw(mh.offset(), mh.size(), "metaindex", sink);
        BlockDecompressor.Result d = rb == null ? null : file.contents(rb, sink);
        if (rb == null || !rb.crcOk()) {
            coverage.addStructureHint(mh);
        }
        if (d == null) {
            return;
        }
        boolean trusted = rb.crcOk();
        if (trusted) {
            coverage.coverBlock(mh);
            coverage.addStructure(mh);
        }
        Block block = Block.decode(d.data(), d.length(), file.name(), mh.offset(), rb.damageLength(), sink,
                file.limits());
        for (BlockEntry e : block.entries()) {
            String key = new String(e.key(), StandardCharsets.ISO_8859_1);
            BlockHandle h;
            try {
                h = BlockHandle.decodeExact(e.value());
            } catch (Malformed m) {
                if (trusted) {
                    sink.report(new Damage(file.name(), mh.offset(), rb.damageLength(), m.kind(),
                            "varint64 offset, varint64 size", TableFile.hex(e.value()), "metaindex entry '" + key
                            + "' value is not a block handle (" + m.detail() + ") at +" + e.offsetInBlock()));
                }
                continue;
            }
            meta.put(key, h);
            if (key.startsWith(FILTER_PREFIX)) {
                readFilter(h, key, trusted, rb);
            }
        }
    }

    private void readFilter(BlockHandle h, String key, boolean metaTrusted, TableFile.RawBlock metaBlock) {
        long end = file.length() - Footer.ENCODED_LENGTH;
        if (h.offset() > end || h.size() > end - h.offset() - TRAILER || coverage.overlapsCovered(h.offset(),
                h.endWithTrailer())) {
            if (metaTrusted) {
                sink.report(new Damage(file.name(), metaBlock.offset(), metaBlock.damageLength(),
                        DamageKind.BAD_POINTER, "block inside [0, " + end + ") not overlapping other blocks",
                        "[" + h.offset() + ", " + h.endWithTrailer() + ")",
                        "metaindex entry '" + key + "' handle points outside the block region"));
            }
            return;
        }
        if (!metaTrusted) {
            coverage.addStructureHint(h);
            return;
        }
        filters.add(h);
        coverage.coverBlock(h);
        // The filter carries no user data: only its checksum is verified (a mismatch is reported by readRaw).
        file.readRaw(h.offset(), h.size(), "filter", sink);
    }
}
