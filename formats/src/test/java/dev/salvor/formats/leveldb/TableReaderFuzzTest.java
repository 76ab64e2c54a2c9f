package dev.salvor.formats.leveldb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.FuzzCorpus;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz targets for LevelDB tables: the table reader's salvage path on arbitrary bytes, on real tables patched with
 * checksums recomputed (so mutations reach the decompressors and block decoders behind the CRC), and the block
 * decoder (decompression + entry decoding) on its own. Each {@code @FuzzTest} has a {@code <method>Regression} twin
 * that replays {@code fixtures/fuzz/<target>/} in every build. Only damage reports may come out: any exception is a
 * finding.
 */
class TableReaderFuzzTest {
    private static final Limits LIMITS = Limits.DEFAULT.withMaxBlockBytes(1 << 20).withMaxEntriesPerBlock(1 << 14);

    /** A clean table and the extent of every block in it (data, filter, metaindex, index). */
    record Base(byte[] bytes, List<BlockHandle> blocks) {
    }

    /**
     * Tables {@link #patchedTable} mutates, chosen by the input's first byte: a generated table with 256-byte blocks
     * (many small blocks, a filter), and two small tables written by the real C++ LevelDB (uncompressed, Snappy).
     */
    static final List<Base> BASES = List.of(generated(), real("leveldb/uncompressed/db/000005.ldb"),
            real("leveldb/snappy/db/000005.ldb"));

    private static Base generated() {
        TracingTableWriter.Written w = new TracingTableWriter().blockSize(256).write(Tables.entries(30, 99));
        List<BlockHandle> blocks = new ArrayList<>(w.dataBlocks());
        blocks.add(w.filter());
        blocks.add(w.metaindex());
        blocks.add(w.index());
        return new Base(w.bytes(), blocks);
    }

    private static Base real(String fixture) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Fixtures.path(fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TableReader r = new TableReader(ByteSource.of(fixture, bytes), DamageSink.STRICT, LIMITS);
        List<BlockHandle> blocks = new ArrayList<>();
        r.dataBlocks().forEach(d -> blocks.add(new BlockHandle(d.offset(), d.size())));
        blocks.addAll(r.metaBlocks().values());
        Footer f = r.footer().orElseThrow();
        blocks.add(f.metaindexHandle());
        blocks.add(f.indexHandle());
        return new Base(bytes, blocks);
    }

    /** Reads a whole table with a collecting sink: nothing may escape, every damage must lie in the file. */
    static List<Damage> readAll(byte[] bytes) {
        List<Damage> damage = new ArrayList<>();
        TableReader reader = new TableReader(ByteSource.of("fuzz.ldb", bytes), DamageSink.collectingInto(damage),
                LIMITS);
        TableStats stats = reader.scan(e -> assertTrue(e.blockOffset() >= 0 && e.blockOffset() < bytes.length));
        for (Damage d : damage) {
            if (d.offset() < -1 || d.offset() > bytes.length) {
                throw new AssertionError("damage located outside the input (" + bytes.length + " bytes): " + d);
            }
        }
        assertTrue(stats.bytesVerified() <= bytes.length, stats::toString);
        return damage;
    }

    /** Arbitrary bytes as a table file. */
    @FuzzTest
    void arbitraryBytes(byte[] data) {
        readAll(data);
    }

    static Stream<Object[]> arbitraryBytesInputs() {
        return FuzzCorpus.cases("leveldb-table");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arbitraryBytesInputs")
    void arbitraryBytesRegression(String name, byte[] data) {
        arbitraryBytes(data);
    }

    /**
     * A base table with byte patches and optional truncation; optionally every block trailer is recomputed
     * afterwards, so patched blocks verify and the decoders behind the checksum are exercised too. Input layout
     * (all little-endian; missing bytes read as the end of the script):
     * <pre>
     *   u8   base       index into BASES (modulo)
     *   u8   flags      bit 0: recompute block CRCs after patching; bit 1: a cut length follows
     *   u24  cut        (if flag bit 1) truncate the result to cut % (length + 1) bytes
     *   then up to 64 patches: u24 offset (modulo the base length), u8 value written there
     * </pre>
     */
    @FuzzTest
    void patchedTable(byte[] script) {
        readAll(applyPatchScript(script));
    }

    static byte[] applyPatchScript(byte[] script) {
        if (script.length == 0) {
            return BASES.get(0).bytes().clone();
        }
        Base base = BASES.get((script[0] & 0xff) % BASES.size());
        byte[] b = base.bytes().clone();
        int flags = script.length > 1 ? script[1] & 0xff : 0;
        int p = 2;
        int cut = b.length;
        if ((flags & 2) != 0 && p + 3 <= script.length) {
            cut = u24(script, p) % (b.length + 1);
            p += 3;
        }
        for (int n = 0; n < 64 && p + 4 <= script.length; n++, p += 4) {
            b[u24(script, p) % b.length] = script[p + 3];
        }
        if ((flags & 1) != 0) {
            for (BlockHandle h : base.blocks()) {
                int end = (int) (h.offset() + h.size());
                int crc = Crc32c.mask(Crc32c.of(b, (int) h.offset(), (int) h.size() + 1));
                for (int k = 0; k < 4; k++) {
                    b[end + 1 + k] = (byte) (crc >>> (8 * k));
                }
            }
        }
        return Arrays.copyOf(b, cut);
    }

    private static int u24(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
    }

    static Stream<Object[]> patchedTableInputs() {
        return FuzzCorpus.cases("leveldb-table-patched");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patchedTableInputs")
    void patchedTableRegression(String name, byte[] data) {
        patchedTable(data);
    }

    private static final Set<DamageKind> DECOMPRESS_KINDS = EnumSet.of(DamageKind.UNKNOWN_COMPRESSION,
            DamageKind.DECOMPRESS_FAILED, DamageKind.LIMIT_EXCEEDED, DamageKind.ZEROED);

    /**
     * One stored block: the first byte is the trailer's compression type, the rest the stored contents. The
     * decompressor may only fail with a typed damage; the block decoder may only report damage.
     */
    @FuzzTest
    void block(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] stored = Arrays.copyOfRange(data, 1, data.length);
        BlockDecompressor.Result d;
        try {
            d = BlockDecompressor.decompress(stored, stored.length, data[0] & 0xff, "fuzz.ldb", 0,
                    stored.length + 5L, LIMITS);
        } catch (CorruptionException e) {
            assertTrue(DECOMPRESS_KINDS.contains(e.damage().kind()), e::toString);
            assertEquals(0, e.damage().offset());
            return;
        }
        assertTrue(d.length() >= 0 && d.length() <= LIMITS.maxBlockBytes() && d.length() <= d.data().length);
        List<Damage> damage = new ArrayList<>();
        Block b = Block.decode(d.data(), d.length(), "fuzz.ldb", 0, stored.length + 5L,
                DamageSink.collectingInto(damage), LIMITS);
        assertTrue(b.entries().size() <= Math.min(d.length(), LIMITS.maxEntriesPerBlock()), () -> "entries: "
                + b.entries().size());
        assertTrue(b.clean() == damage.isEmpty(), () -> "clean=" + b.clean() + " " + damage);
        for (BlockEntry e : b.entries()) {
            assertTrue(e.offsetInBlock() >= 0 && e.offsetInBlock() < d.length(), e::toString);
        }
    }

    static Stream<Object[]> blockInputs() {
        return FuzzCorpus.cases("leveldb-block");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockInputs")
    void blockRegression(String name, byte[] data) {
        block(data);
    }
}
