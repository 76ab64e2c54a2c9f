package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Salvaging reader of one LevelDB table file ({@code .ldb} / {@code .sst}).
 *
 * <pre>
 * [data block 1][trailer] ... [data block N][trailer]     contiguous from offset 0
 * [filter block][trailer]                                  "filter.&lt;policy&gt;" meta block (bloom bits, no user data)
 * [metaindex block][trailer]                               meta block name -&gt; BlockHandle
 * [index block][trailer]                                   separator key -&gt; BlockHandle of each data block
 * [footer: 48 bytes]                                       see {@link Footer}
 * </pre>
 *
 * <h2>How data blocks are found</h2>
 * <ol>
 * <li>The footer gives the metaindex and index handles; each handle is bounded by the file length and must not
 *     overlap the footer or the other structure blocks (else bad-pointer).</li>
 * <li>If the index block verifies (trailer CRC), its handles are the data blocks ({@link BlockSource#INDEX}); a
 *     handle past the footer, overlapping a structure block or another data block is reported (bad-pointer) and
 *     dropped. A block the index names is read even if its own CRC fails (entries flagged {@code crcOk=false}).
 *     If the index does not verify, its decodable handles are used only where the block they name verifies.</li>
 * <li>Every byte range before the footer that no trusted structure covers (all of the file when the footer or the
 *     index is unusable, or a footerless table after a crash during compaction) is scanned by
 *     {@link BlockScanner}: blocks whose trailer CRC verifies are found by walking from known block boundaries
 *     and, after damage, by a linear-time resynchronisation. Verified blocks are classified by their content:
 *     filter blocks (bloom filter layout) and index/metaindex blocks (every value a handle to a block already
 *     seen) carry no user data and are skipped; the rest are data blocks ({@link BlockSource#SCAN}).</li>
 * <li>An unverified region between two known block boundaries is offered as one suspect block (its last 5 bytes
 *     taken as the trailer): reading it reports the CRC mismatch and still recovers entries that parse. A zeroed
 *     region is reported as zeroed; an incomplete block at the end of a footerless file as truncated.</li>
 * </ol>
 *
 * <p>The structure is analysed once per reader, on first use, and damage from the analysis is reported once.
 * Everything else keeps its state per call: one reader can be used from several threads (reading different
 * blocks in parallel), provided the {@link DamageSink} is thread-safe.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 * @see <a href="https://github.com/google/leveldb/blob/main/table/format.cc">table/format.cc</a>
 */
public final class TableReader {
    private static final String FILTER_PREFIX = "filter.";
    private static final int TRAILER = BlockTrailer.ENCODED_LENGTH;

    private final ByteSource source;
    private final DamageSink sink;
    private final Limits limits;
    private volatile TableLayout layout;

    /** A reader over {@code source}, reporting damage to {@code sink}, bounded by {@code limits}. */
    public TableReader(ByteSource source, DamageSink sink, Limits limits) {
        this.source = Objects.requireNonNull(source, "source");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The table's structure (analysed on first use; damage found doing so goes to the sink once). */
    public TableLayout layout() {
        TableLayout l = layout;
        if (l == null) {
            synchronized (this) {
                l = layout;
                if (l == null) {
                    l = new Analysis().run();
                    layout = l;
                }
            }
        }
        return l;
    }

    /** The data blocks, in file order: from the footer and index when they verify, otherwise (also) by scanning. */
    public List<DataBlockRef> dataBlocks() {
        return layout().dataBlocks();
    }

    /** The footer, if it decoded with the table magic. */
    public Optional<Footer> footer() {
        return Optional.ofNullable(layout().footer());
    }

    /** The metaindex entries (e.g. {@code filter.leveldb.BuiltinBloomFilter2}), empty if unreadable. */
    public Map<String, BlockHandle> metaBlocks() {
        return layout().metaBlocks();
    }

    /**
     * Reads one data block: one read of block plus trailer, CRC check, decompression, entry decoding. A CRC failure
     * is reported and the entries that still parse are returned with {@code crcOk=false}; if the trailer's type byte
     * is unknown or does not decompress and the CRC failed (the type byte itself may be the damaged byte), Snappy
     * and no compression are tried before giving up.
     */
    public DecodedDataBlock readDataBlock(DataBlockRef ref) {
        return read(ref, sink);
    }

    /** Reads every data block in file order and hands each entry to {@code consumer}. */
    public TableStats scan(Consumer<TableEntry> consumer) {
        TableLayout l = layout();
        long verified = 0;
        long damaged = 0;
        long entries = 0;
        long bytes = 0;
        for (DataBlockRef ref : l.dataBlocks()) {
            int[] count = new int[1];
            DamageSink counting = d -> {
                count[0]++;
                sink.report(d);
            };
            DecodedDataBlock block = read(ref, counting);
            for (TableEntry e : block.entries()) {
                consumer.accept(e);
            }
            entries += block.entries().size();
            if (block.crcOk() && count[0] == 0) {
                verified++;
                bytes += ref.size() + (long) TRAILER;
            } else {
                damaged++;
            }
        }
        return new TableStats(verified, damaged, entries, bytes, l.footerOk(), l.indexOk(), l.scanned());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading blocks

    private String name() {
        return source.name();
    }

    /** Block plus trailer as read from disk. */
    private record RawBlock(long offset, int size, byte[] raw, BlockTrailer trailer, boolean crcOk) {
        long damageLength() {
            return size + (long) TRAILER;
        }
    }

    /**
     * Reads block plus trailer and checks the CRC (reporting a mismatch as {@code what}). Returns null after
     * reporting when the block cannot be read at all. The caller has bounded the handle by the file length.
     */
    private RawBlock readRaw(long offset, long size, String what, DamageSink out) {
        try {
            int n = Limits.checkAllocation(size, limits.maxBlockBytes(), what + " block", name(), offset);
            byte[] raw = new byte[n + TRAILER];
            source.read(offset, raw, 0, n + TRAILER);
            BlockTrailer t = BlockTrailer.decode(raw, n);
            int actual = Crc32c.mask(Crc32c.ofDataThenType(raw, 0, n, raw[n]));
            boolean ok = actual == t.maskedCrc();
            if (!ok) {
                out.report(new Damage(name(), offset, n + (long) TRAILER, DamageKind.CRC_MISMATCH,
                        Damage.hex32(t.maskedCrc()), Damage.hex32(actual),
                        what + " block checksum mismatch (bytes changed after writing: bit rot, overwrite or torn"
                                + " write)"));
            }
            return new RawBlock(offset, n, raw, t, ok);
        } catch (CorruptionException e) {
            out.report(e.damage());
            return null;
        }
    }

    /** Decompresses a raw block, or reports and returns null. */
    private BlockDecompressor.Result contents(RawBlock rb, DamageSink out) {
        try {
            return BlockDecompressor.decompress(rb.raw(), rb.size(), rb.trailer().typeCode(), name(), rb.offset(),
                    rb.damageLength(), limits);
        } catch (CorruptionException e) {
            out.report(e.damage());
            return null;
        }
    }

    private DecodedDataBlock read(DataBlockRef ref, DamageSink out) {
        long length = ref.size() + (long) TRAILER;
        if (ref.offset() < 0 || ref.size() < 0 || ref.offset() > source.size() - length) {
            out.report(new Damage(name(), ref.offset(), Math.max(0, length), DamageKind.BAD_POINTER,
                    "end <= " + source.size(), "end=" + (ref.offset() + length),
                    "data block reference points outside the file"));
            return new DecodedDataBlock(ref, false, CompressionType.UNKNOWN, List.of());
        }
        RawBlock rb = readRaw(ref.offset(), ref.size(), "data", out);
        if (rb == null) {
            return new DecodedDataBlock(ref, false, CompressionType.UNKNOWN, List.of());
        }
        BlockDecompressor.Result d;
        try {
            d = BlockDecompressor.decompress(rb.raw(), rb.size(), rb.trailer().typeCode(), name(), rb.offset(),
                    length, limits);
        } catch (CorruptionException e) {
            d = rb.crcOk() ? null : retryWithOtherType(rb);
            Damage dmg = e.damage();
            if (d != null) {
                dmg = new Damage(dmg.resource(), dmg.offset(), dmg.length(), dmg.kind(), dmg.expected(),
                        dmg.actual(), dmg.detail() + "; block decodes as " + d.type().name().toLowerCase()
                        + " instead (type byte damaged?)");
            }
            out.report(dmg);
            if (d == null) {
                return new DecodedDataBlock(ref, rb.crcOk(), CompressionType.UNKNOWN, List.of());
            }
        }
        EntryCollector c = new EntryCollector(name(), ref.offset(), rb.crcOk());
        Block.decodeTo(d.data(), d.length(), name(), ref.offset(), length, out, limits, c);
        if (c.badKeys > 0) {
            out.report(new Damage(name(), ref.offset(), length, DamageKind.BAD_KEY, "0 of " + c.entries.size(),
                    c.badKeys + " of " + c.entries.size(), "data block keys that are not internal keys, first at +"
                            + c.firstBad + " (" + c.firstWhy + ")"));
        }
        return new DecodedDataBlock(ref, rb.crcOk(), d.type(), Collections.unmodifiableList(c.entries));
    }

    /** Turns decoded block entries into table entries, counting keys that are not internal keys. */
    private static final class EntryCollector implements Block.EntryConsumer {
        private final String resource;
        private final long blockOffset;
        private final boolean crcOk;
        final ArrayList<TableEntry> entries = new ArrayList<>();
        int badKeys;
        int firstBad = -1;
        String firstWhy;

        EntryCollector(String resource, long blockOffset, boolean crcOk) {
            this.resource = resource;
            this.blockOffset = blockOffset;
            this.crcOk = crcOk;
        }

        @Override
        public void accept(byte[] rawKey, byte[] value, int offsetInBlock) {
            InternalKey key;
            try {
                key = InternalKey.decode(rawKey);
            } catch (Malformed m) {
                key = null;
                if (badKeys++ == 0) {
                    firstBad = offsetInBlock;
                    firstWhy = m.detail();
                }
            }
            entries.add(new TableEntry(resource, blockOffset, offsetInBlock, rawKey, key, value, crcOk));
        }
    }

    /** For a CRC-failing block whose type byte does not work: the first of Snappy / none that decodes cleanly. */
    private BlockDecompressor.Result retryWithOtherType(RawBlock rb) {
        for (int alt : new int[] {1, 0}) {
            if (alt == rb.trailer().typeCode()) {
                continue;
            }
            try {
                BlockDecompressor.Result d = BlockDecompressor.decompress(rb.raw(), rb.size(), alt, name(),
                        rb.offset(), rb.damageLength(), limits);
                if (Block.decode(d.data(), d.length(), name(), rb.offset(), rb.damageLength(), DamageSink.IGNORE,
                        limits).clean()) {
                    return d;
                }
            } catch (CorruptionException ignored) {
                // try the next codec
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Structure analysis

    /** Classification of a verified block found by scanning. */
    private enum Kind { DATA, FILTER, HANDLES }

    /** One analysis run (per reader). */
    private final class Analysis {
        private final long fileLen = source.size();
        /** Trusted regions [start, end) (block plus trailer, footer): not scanned. Value: end. */
        private final TreeMap<Long, Long> covered = new TreeMap<>();
        /** Blocks known to exist (verified or named by a verified structure), for index-block recognition. */
        private final Set<BlockHandle> knownBlocks = new HashSet<>();
        /** Structure blocks named by handles that did not verify: an unverified region equal to one is skipped. */
        private final Set<BlockHandle> structureHints = new HashSet<>();
        private final List<DataBlockRef> refs = new ArrayList<>();
        private final Map<String, BlockHandle> meta = new LinkedHashMap<>();
        private final List<BlockHandle> filters = new ArrayList<>();
        private Footer footer;
        private boolean footerOk;
        private boolean metaUsable;
        private boolean footerDamaged;
        private boolean indexOk;
        private boolean scanned;
        /** End of the region holding blocks: the footer's offset when there is a footer, else the file length. */
        private long dataEnd;
        /** Whether {@link #dataEnd} is a known block boundary (a footer, even a zeroed one, starts there). */
        private boolean dataEndIsBoundary;

        TableLayout run() {
            dataEnd = fileLen;
            readFooter();
            if (metaUsable) {
                readMetaindex();
            }
            if (footerOk) {
                readIndex();
            }
            scanGaps();
            refs.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            return new TableLayout(footer, footerOk, indexOk, scanned, List.copyOf(refs),
                    Collections.unmodifiableMap(meta), List.copyOf(filters));
        }

        private void readFooter() {
            if (fileLen < Footer.ENCODED_LENGTH) {
                footerDamaged = true;
                sink.report(new Damage(name(), 0, fileLen, DamageKind.TRUNCATED, ">= " + Footer.ENCODED_LENGTH
                        + " bytes", fileLen + " bytes", "file shorter than a table footer (table not finished,"
                        + " or truncated)"));
                return;
            }
            long at = fileLen - Footer.ENCODED_LENGTH;
            byte[] fb = source.read(at, Footer.ENCODED_LENGTH);
            try {
                footer = Footer.decode(fb, name(), at);
            } catch (CorruptionException e) {
                footerDamaged = true;
                sink.report(e.damage());
                if (e.damage().kind() == DamageKind.ZEROED) {
                    // A zeroed footer still ends the block region: do not scan its 48 zero bytes.
                    dataEnd = at;
                    dataEndIsBoundary = true;
                    cover(at, fileLen);
                }
                return;
            }
            dataEnd = at;
            dataEndIsBoundary = true;
            cover(at, fileLen);
            // Where the two handles really end (a varint may be padded with continuation bytes, which LevelDB
            // never writes; the decoded values are then the same, so this is the only trace of such a change).
            ByteCursor hc = new ByteCursor(fb, 0, 2 * BlockHandle.MAX_ENCODED_LENGTH);
            BlockHandle.decode(hc);
            BlockHandle.decode(hc);
            int used = hc.position();
            if (used != footer.handlesLength()) {
                sink.report(new Damage(name(), at, Footer.ENCODED_LENGTH, DamageKind.BAD_VARINT,
                        footer.handlesLength() + " bytes", used + " bytes", "table footer handles are not minimally"
                        + " encoded (damaged footer; handles used anyway)"));
            }
            int nonZero = 0;
            for (int i = used; i < 2 * BlockHandle.MAX_ENCODED_LENGTH; i++) {
                if (fb[i] != 0) {
                    nonZero++;
                }
            }
            if (nonZero > 0) {
                sink.report(new Damage(name(), at, Footer.ENCODED_LENGTH, DamageKind.BAD_STRUCTURE, "0 non-zero",
                        nonZero + " non-zero", "table footer padding after the handles is not zero"
                        + " (damaged footer; handles used anyway)"));
            }
            String meta = checkStructureHandle(footer.metaindexHandle());
            String index = checkStructureHandle(footer.indexHandle());
            BlockHandle m = footer.metaindexHandle();
            BlockHandle i = footer.indexHandle();
            if (meta == null && index == null && m.offset() < i.endWithTrailer() && i.offset() < m.endWithTrailer()) {
                meta = "overlaps the index block [" + i.offset() + ", " + i.endWithTrailer() + ")";
            }
            reportFooterHandle(meta, m, "metaindex");
            reportFooterHandle(index, i, "index");
            metaUsable = meta == null;
            footerOk = index == null;
            // TableBuilder::Finish writes metaindex, index and footer back to back: handles that do not say so
            // were damaged (they are still tried; blocks they name must verify to be trusted).
            if (footerOk && i.endWithTrailer() != at) {
                reportLayout("end=" + at, "end=" + i.endWithTrailer(),
                        "table footer index handle does not end at the footer");
            } else if (footerOk && metaUsable && m.endWithTrailer() != i.offset()) {
                reportLayout("end=" + i.offset(), "end=" + m.endWithTrailer(),
                        "table footer metaindex handle does not end at the index block");
            }
        }

        private void reportLayout(String expected, String actual, String detail) {
            sink.report(new Damage(name(), fileLen - Footer.ENCODED_LENGTH, Footer.ENCODED_LENGTH,
                    DamageKind.BAD_POINTER, expected, actual, detail + " (damaged footer; handles tried anyway)"));
        }

        /** Why a footer handle is unusable, or null. */
        private String checkStructureHandle(BlockHandle h) {
            long footerAt = fileLen - Footer.ENCODED_LENGTH;
            if (h.offset() > footerAt || h.size() > footerAt - h.offset() - TRAILER) {
                return "runs past the footer at " + footerAt;
            }
            return null;
        }

        private void reportFooterHandle(String why, BlockHandle h, String what) {
            if (why != null) {
                sink.report(new Damage(name(), fileLen - Footer.ENCODED_LENGTH, Footer.ENCODED_LENGTH,
                        DamageKind.BAD_POINTER, "block and trailer inside [0, " + (fileLen - Footer.ENCODED_LENGTH)
                        + ")", "[" + h.offset() + ", " + (h.offset() + h.size() + TRAILER) + ")",
                        "table footer " + what + " handle " + why));
            }
        }

        private void readMetaindex() {
            BlockHandle mh = footer.metaindexHandle();
            RawBlock rb = readRaw(mh.offset(), mh.size(), "metaindex", sink);
            BlockDecompressor.Result d = rb == null ? null : contents(rb, sink);
            if (rb == null || !rb.crcOk()) {
                structureHints.add(mh);
            }
            if (d == null) {
                return;
            }
            boolean trusted = rb.crcOk();
            if (trusted) {
                cover(mh.offset(), mh.endWithTrailer());
                knownBlocks.add(mh);
            }
            Block block = Block.decode(d.data(), d.length(), name(), mh.offset(), rb.damageLength(), sink, limits);
            for (BlockEntry e : block.entries()) {
                String key = new String(e.key(), StandardCharsets.ISO_8859_1);
                BlockHandle h;
                try {
                    h = BlockHandle.decodeExact(e.value());
                } catch (Malformed m) {
                    if (trusted) {
                        sink.report(new Damage(name(), mh.offset(), rb.damageLength(), m.kind(),
                                "varint64 offset, varint64 size", hex(e.value()), "metaindex entry '" + key
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

        private void readFilter(BlockHandle h, String key, boolean metaTrusted, RawBlock metaBlock) {
            long end = fileLen - Footer.ENCODED_LENGTH;
            if (h.offset() > end || h.size() > end - h.offset() - TRAILER || overlapsCovered(h.offset(),
                    h.endWithTrailer())) {
                if (metaTrusted) {
                    sink.report(new Damage(name(), metaBlock.offset(), metaBlock.damageLength(),
                            DamageKind.BAD_POINTER, "block inside [0, " + end + ") not overlapping other blocks",
                            "[" + h.offset() + ", " + h.endWithTrailer() + ")",
                            "metaindex entry '" + key + "' handle points outside the block region"));
                }
                return;
            }
            if (!metaTrusted) {
                structureHints.add(h);
                return;
            }
            filters.add(h);
            knownBlocks.add(h);
            cover(h.offset(), h.endWithTrailer());
            // The filter carries no user data: only its checksum is verified (a mismatch is reported by readRaw).
            readRaw(h.offset(), h.size(), "filter", sink);
        }

        private void readIndex() {
            BlockHandle ih = footer.indexHandle();
            RawBlock rb = readRaw(ih.offset(), ih.size(), "index", sink);
            BlockDecompressor.Result d = rb == null ? null : contents(rb, sink);
            if (d == null) {
                structureHints.add(ih);
                return;
            }
            boolean trusted = rb.crcOk();
            if (trusted) {
                cover(ih.offset(), ih.endWithTrailer());
                knownBlocks.add(ih);
            } else {
                structureHints.add(ih);
            }
            int[] damage = new int[1];
            DamageSink counting = dmg -> {
                damage[0]++;
                sink.report(dmg);
            };
            Block block = Block.decode(d.data(), d.length(), name(), ih.offset(), rb.damageLength(), counting,
                    limits);
            int n = 0;
            for (BlockEntry e : block.entries()) {
                n++;
                BlockHandle h;
                try {
                    h = BlockHandle.decodeExact(e.value());
                } catch (Malformed m) {
                    if (trusted) {
                        counting.report(new Damage(name(), ih.offset(), rb.damageLength(), m.kind(),
                                "varint64 offset, varint64 size", hex(e.value()), "index entry " + (n - 1)
                                + " value is not a block handle (" + m.detail() + ") at +" + e.offsetInBlock()));
                    }
                    continue;
                }
                String why = dataHandleProblem(h);
                if (why != null) {
                    if (trusted) {
                        counting.report(new Damage(name(), ih.offset(), rb.damageLength(), why.startsWith("larger")
                                ? DamageKind.LIMIT_EXCEEDED : DamageKind.BAD_POINTER,
                                "block and trailer inside [0, " + dataEnd + ") not overlapping other blocks",
                                "[" + h.offset() + ", " + h.endWithTrailer() + ")",
                                "index entry " + (n - 1) + " handle " + why + " (at +" + e.offsetInBlock() + ")"));
                    }
                    continue;
                }
                if (!trusted && !blockVerifies(h)) {
                    // An index that does not verify only suggests blocks; the suggestion must verify itself.
                    continue;
                }
                refs.add(new DataBlockRef(h.offset(), (int) h.size(), BlockSource.INDEX));
                knownBlocks.add(h);
                cover(h.offset(), h.endWithTrailer());
            }
            indexOk = trusted && damage[0] == 0;
        }

        /** Why a data block handle is unusable, or null. */
        private String dataHandleProblem(BlockHandle h) {
            if (h.offset() > dataEnd || h.size() > dataEnd - h.offset() - TRAILER) {
                return "runs past the block region (into the footer or past the end of the file)";
            }
            if (h.size() > limits.maxBlockBytes()) {
                return "larger than the configured block limit " + limits.maxBlockBytes();
            }
            if (overlapsCovered(h.offset(), h.endWithTrailer())) {
                return "overlaps another block";
            }
            return null;
        }

        private boolean blockVerifies(BlockHandle h) {
            byte[] raw = source.read(h.offset(), (int) h.size() + TRAILER);
            return BlockTrailer.decode(raw, (int) h.size()).verifies(raw, 0, (int) h.size());
        }

        private void cover(long start, long end) {
            covered.put(start, end);
        }

        private boolean overlapsCovered(long start, long end) {
            Map.Entry<Long, Long> below = covered.floorEntry(start);
            if (below != null && below.getValue() > start) {
                return true;
            }
            Map.Entry<Long, Long> above = covered.ceilingEntry(start);
            return above != null && above.getKey() < end;
        }

        // --- scanning -----------------------------------------------------------------------------------------

        private void scanGaps() {
            List<long[]> gaps = new ArrayList<>();
            long pos = 0;
            for (Map.Entry<Long, Long> c : covered.entrySet()) {
                if (c.getKey() > pos) {
                    gaps.add(new long[] {pos, Math.min(c.getKey(), dataEnd)});
                }
                pos = Math.max(pos, c.getValue());
            }
            if (pos < dataEnd) {
                gaps.add(new long[] {pos, dataEnd});
            }
            BlockScanner scanner = new BlockScanner(source, limits.maxBlockBytes(), this::plausibleBlock);
            for (long[] g : gaps) {
                if (g[1] <= g[0]) {
                    continue;
                }
                scanned = true;
                // The end of a gap is a block boundary unless it is the end of a footerless file.
                boolean endIsBoundary = g[1] < dataEnd || dataEndIsBoundary;
                List<BlockScanner.Segment> segs = scanner.scan(g[0], g[1]);
                for (int i = 0; i < segs.size(); i++) {
                    BlockScanner.Segment s = segs.get(i);
                    if (s.verified()) {
                        found(s.offset(), (int) s.length());
                    } else {
                        boolean boundaryAfter = i + 1 < segs.size() || endIsBoundary;
                        region(s.offset(), s.length(), boundaryAfter, g[1] == fileLen);
                    }
                }
            }
        }

        /** A verified block found by scanning: classify it. */
        private void found(long offset, int size) {
            BlockHandle h = new BlockHandle(offset, size);
            Kind kind = classify(offset, size);
            knownBlocks.add(h);
            switch (kind) {
                case FILTER:
                    filters.add(h);
                    break;
                case HANDLES:
                    break;
                default:
                    refs.add(new DataBlockRef(offset, size, BlockSource.SCAN));
            }
        }

        /** An unverified region found by scanning. */
        private void region(long offset, long length, boolean boundaryAfter, boolean atFileEnd) {
            if (structureHints.contains(new BlockHandle(offset, length - TRAILER))) {
                return; // a structure block whose damage was reported when it was read
            }
            if (isZero(offset, length)) {
                sink.report(new Damage(name(), offset, length, DamageKind.ZEROED, "a block and its trailer",
                        length + " zero bytes", "zeroed bytes where table blocks should be (overwritten, or"
                        + " never written)"));
                return;
            }
            if (boundaryAfter && length > TRAILER && length - TRAILER <= limits.maxBlockBytes()) {
                // Between two block boundaries: most likely one block whose bytes changed. Offer it as a block;
                // reading it reports the checksum mismatch and recovers what still parses.
                refs.add(new DataBlockRef(offset, (int) (length - TRAILER), BlockSource.SCAN));
                return;
            }
            if (atFileEnd && !boundaryAfter) {
                if (footerDamaged && length == Footer.ENCODED_LENGTH) {
                    return; // the damaged footer itself, already reported
                }
                sink.report(new Damage(name(), offset, length, DamageKind.TRUNCATED,
                        "a block and a 5-byte trailer whose checksum verifies", length + " bytes",
                        "incomplete block at the end of a table without footer (table not finished: crash during"
                                + " compaction, or truncated)"));
                return;
            }
            sink.report(new Damage(name(), offset, length, DamageKind.UNRECOGNISED, "blocks whose checksums verify",
                    length + " bytes", "bytes between table blocks that form no verifiable block"));
        }

        private boolean isZero(long offset, long length) {
            byte[] chunk = new byte[(int) Math.min(length, 1 << 16)];
            for (long p = offset; p < offset + length; p += chunk.length) {
                int n = (int) Math.min(chunk.length, offset + length - p);
                source.read(p, chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != 0) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Resync validator: a candidate pair is a block if it decodes as a clean block or a filter block. */
        private boolean plausibleBlock(long offset, int size) {
            return classifyOrNull(offset, size, true) != null;
        }

        /** Classifies a verified block reached from a known boundary (damaged content counts as data). */
        private Kind classify(long offset, int size) {
            Kind k = classifyOrNull(offset, size, false);
            return k == null ? Kind.DATA : k;
        }

        /**
         * DATA/FILTER/HANDLES for a block that decodes as one of them; null if it does not decode cleanly. Unless
         * {@code requireClean}, cheap checks decide where they can (a block whose first value is not a block handle
         * is data), so classifying a scanned table costs about one decompression per block.
         */
        private Kind classifyOrNull(long offset, int size, boolean requireClean) {
            byte[] raw = source.read(offset, size + TRAILER);
            BlockDecompressor.Result d;
            try {
                d = BlockDecompressor.decompress(raw, size, raw[size] & 0xff, name(), offset, size + (long) TRAILER,
                        limits);
            } catch (CorruptionException e) {
                return null;
            }
            if (!requireClean) {
                Kind quick = quickKind(d.data(), d.length());
                if (quick != null) {
                    return quick;
                }
            }
            Block block = Block.decode(d.data(), d.length(), name(), offset, size + (long) TRAILER,
                    DamageSink.IGNORE, limits);
            if (block.clean()) {
                // An empty block (LevelDB's metaindex when there is no filter) carries no data either.
                return block.entries().isEmpty() || isHandleBlock(block, offset) ? Kind.HANDLES : Kind.DATA;
            }
            return isFilterBlock(d.data(), d.length()) ? Kind.FILTER : null;
        }

        /** DATA or FILTER when the restart count or the first entry decides; null if a full decode is needed. */
        private Kind quickKind(byte[] b, int n) {
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
                namesKnown |= knownBlocks.contains(h);
            }
            return namesKnown;
        }
    }

    /** Up to 16 bytes as hex, for damage reports. */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(16, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return b.length > 16 ? sb + "... (" + b.length + " bytes)" : b.length == 0 ? "empty" : sb.toString();
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
