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

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>The structure is analysed once per reader, on first use, and damage from the analysis is reported once. The
 * analysis ({@link TableAnalysis}) runs one phase per structure: {@link FooterReader}, {@link MetaindexReader},
 * {@link IndexBlockReader}, then {@link GapScanner} over what they leave uncovered ({@link TableCoverage}), with
 * {@link ScannedBlockClassifier} and {@link UnverifiedRegions}; each states its own resynchronisation rules.
 * Everything else keeps its state per call: one reader can be used from several threads (reading different
 * blocks in parallel), provided the {@link DamageSink} is thread-safe.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">table_format.md</a>
 * @see <a href="https://github.com/google/leveldb/blob/main/table/format.cc">table/format.cc</a>
 */
public final class TableReader {
    private static final int TRAILER = TableFile.TRAILER;

    private final ByteSource source;
    private final DamageSink sink;
    private final Limits limits;
    private final TableFile file;
    private volatile TableLayout layout;

    /** A reader over {@code source}, reporting damage to {@code sink}, bounded by {@code limits}. */
    public TableReader(ByteSource source, DamageSink sink, Limits limits) {
        this.source = Objects.requireNonNull(source, "source");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.file = new TableFile(source, limits);
    }

    /** The table's structure (analysed on first use; damage found doing so goes to the sink once). */
    public TableLayout layout() {
        TableLayout l = layout;
        if (l == null) {
            synchronized (this) {
                l = layout;
                if (l == null) {
                    l = TableAnalysis.run(file, sink);
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

    /**
     * The checksum pass of {@code check --level crc}: the CRC-32C of every data block and its trailer's type byte,
     * without decompressing the block or decoding its entries (the structure that finds the blocks, footer and index,
     * is analysed as always). A block whose CRC fails is reported exactly as {@link #readDataBlock} reports it (same
     * kind, offset and length); damage only decoding finds is not looked for. {@code verified} receives each block
     * and whether it verified, in file order.
     *
     * @return the data blocks, those that did not verify, and the bytes of those that did (block plus trailer)
     */
    public TableStats checkDataBlockCrcs(java.util.function.BiConsumer<DataBlockRef, Boolean> verified) {
        TableLayout l = layout();
        long ok = 0;
        long damaged = 0;
        long bytes = 0;
        for (DataBlockRef ref : l.dataBlocks()) {
            long length = ref.size() + (long) TRAILER;
            boolean good;
            if (ref.offset() < 0 || ref.size() < 0 || ref.offset() > source.size() - length) {
                sink.report(outside(ref, length));
                good = false;
            } else {
                good = file.crcVerifies(ref.offset(), ref.size(), "data", sink);
            }
            verified.accept(ref, good);
            if (good) {
                ok++;
                bytes += length;
            } else {
                damaged++;
            }
        }
        return new TableStats(ok, damaged, 0, bytes, l.footerOk(), l.indexOk(), l.scanned());
    }

    private Damage outside(DataBlockRef ref, long length) {
        return new Damage(name(), ref.offset(), Math.max(0, length), DamageKind.BAD_POINTER,
                "end <= " + source.size(), "end=" + (ref.offset() + length),
                "data block reference points outside the file");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading data blocks

    private String name() {
        return source.name();
    }

    private DecodedDataBlock read(DataBlockRef ref, DamageSink out) {
        long length = ref.size() + (long) TRAILER;
        if (ref.offset() < 0 || ref.size() < 0 || ref.offset() > source.size() - length) {
            out.report(outside(ref, length));
            return new DecodedDataBlock(ref, false, CompressionType.UNKNOWN, List.of());
        }
        TableFile.RawBlock rb = file.readRaw(ref.offset(), ref.size(), "data", out);
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

    /**
     * What {@link #verifyDataBlock} hands on for each entry of a block whose CRC verified.
     */
    @FunctionalInterface
    public interface CheckedEntryVisitor {
        /**
         * One entry: its whole (internal) key in {@code key[0, keyLength)}, valid only during the call; whether that
         * key is an internal key (8-byte trailer with value type 0 or 1); the entry's offset in the decoded block.
         */
        void entry(byte[] key, int keyLength, boolean internalKey, int offsetInBlock);
    }

    /** The outcome of {@link #verifyDataBlock}: whether the CRC verified, the codec, the entries decoded. */
    public record CheckedDataBlock(DataBlockRef ref, boolean crcOk, CompressionType compression, int entries) {
    }

    /**
     * The per-block work of {@code check}: {@link #readDataBlock} without a copy of any key or value. The block is
     * read into {@code scratch}'s buffers, its CRC checked, Snappy blocks decompressed into a reused buffer and the
     * entries decoded in place ({@link Block#decodeInPlace}); each goes to {@code visitor} only when the CRC
     * verified (entries of a damaged block are not trusted by a check). The damage reported and the entries visited
     * are exactly those of {@link #readDataBlock}: a block that does not verify, does not decompress or is not
     * Snappy or uncompressed is handed to {@link #readDataBlock} itself, which reports its damage (once: this path
     * reports nothing before handing over) and retries other codecs. {@code scratch} belongs to the calling thread.
     */
    public CheckedDataBlock verifyDataBlock(DataBlockRef ref, Block.Scratch scratch, CheckedEntryVisitor visitor) {
        long length = ref.size() + (long) TRAILER;
        if (ref.offset() < 0 || ref.size() < 0 || ref.offset() > source.size() - length
                || ref.size() > limits.maxBlockBytes()) {
            return viaReadDataBlock(ref, visitor);
        }
        int n = ref.size();
        byte[] raw = scratch.raw(n + TRAILER);
        BlockDecompressor.Result d;
        try {
            source.read(ref.offset(), raw, 0, n + TRAILER);
            int stored = ByteCursor.getFixed32(raw, n + 1);
            int type = raw[n] & 0xff;
            if (type > 1 || Crc32c.mask(
                    Crc32c.ofDataThenType(raw, 0, n, raw[n])) != stored) {
                return viaReadDataBlock(ref, visitor);
            }
            d = BlockDecompressor.decompress(raw, n, type, name(), ref.offset(), length, limits, scratch);
        } catch (CorruptionException e) {
            return viaReadDataBlock(ref, visitor);
        }
        InPlaceKeys keys = new InPlaceKeys(visitor);
        Block.decodeInPlace(d.data(), d.length(), name(), ref.offset(), length, sink, limits, scratch, keys);
        if (keys.badKeys > 0) {
            sink.report(new Damage(name(), ref.offset(), length, DamageKind.BAD_KEY, "0 of " + keys.entries,
                    keys.badKeys + " of " + keys.entries, "data block keys that are not internal keys, first at +"
                            + keys.firstBad + " (" + keys.firstWhy + ")"));
        }
        return new CheckedDataBlock(ref, true, d.type(), keys.entries);
    }

    /** The general path of {@link #verifyDataBlock}, for blocks that are damaged or use a rare codec. */
    private CheckedDataBlock viaReadDataBlock(DataBlockRef ref, CheckedEntryVisitor visitor) {
        DecodedDataBlock b = read(ref, sink);
        if (b.crcOk()) {
            for (TableEntry te : b.entries()) {
                visitor.entry(te.rawKey(), te.rawKey().length, te.key() != null, te.offsetInBlock());
            }
        }
        return new CheckedDataBlock(ref, b.crcOk(), b.compression(), b.entries().size());
    }

    /** Checks each in-place key for the internal-key form, as {@link EntryCollector} does, and passes it on. */
    private static final class InPlaceKeys implements Block.InPlaceConsumer {
        private final CheckedEntryVisitor visitor;
        int entries;
        int badKeys;
        int firstBad = -1;
        String firstWhy;

        InPlaceKeys(CheckedEntryVisitor visitor) {
            this.visitor = visitor;
        }

        @Override
        public void accept(byte[] key, int keyLength, byte[] block, int valueOffset, int valueLength,
                           int offsetInBlock) {
            entries++;
            boolean ok = keyLength >= InternalKey.TRAILER_SIZE
                    && (key[keyLength - InternalKey.TRAILER_SIZE] & 0xff) <= 1;
            if (!ok && badKeys++ == 0) {
                firstBad = offsetInBlock;
                firstWhy = InternalKey.problem(key, keyLength);
            }
            visitor.entry(key, keyLength, ok, offsetInBlock);
        }
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
    private BlockDecompressor.Result retryWithOtherType(TableFile.RawBlock rb) {
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
}
