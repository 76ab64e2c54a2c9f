package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check path's in-place decoding ({@link TableReader#verifyDataBlock}, {@link Block#decodeInPlace}) against the
 * allocating path it replaces ({@link TableReader#readDataBlock}, {@link Block#decode}): the same entries (keys,
 * internal-key verdicts, offsets, values), the same damage in the same order, over every table of every LevelDB
 * fixture (written by the C++ engine, some damaged by the fixture generator), over the same tables with bytes
 * flipped, zeroed or truncated at seeded positions, and over hostile block contents. One {@link Block.Scratch} is
 * reused across all blocks of a table, so a buffer left dirty by one block would show in the next.
 */
class InPlaceDecodeTest {
    private static Path root() {
        return Path.of(System.getProperty("salvor.fixtures", "../fixtures"), "leveldb");
    }

    private static List<Path> fixtureTables() throws IOException {
        Path root = root();
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("snappy/db")), "no LevelDB fixtures at " + root);
        List<Path> tables = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().matches("\\d+\\.(ldb|sst)")).sorted().forEach(tables::add);
        }
        assertFalse(tables.isEmpty(), "no tables under " + root);
        return tables;
    }

    /** One run of a path: what it visited and what it reported, as comparable text. */
    private record Trace(List<String> entries, List<Damage> damage, List<String> blocks) {
    }

    private static Trace allocating(byte[] table) {
        List<Damage> damage = new ArrayList<>();
        TableReader reader = new TableReader(ByteSource.of("t.ldb", table), damage::add, Limits.DEFAULT);
        List<String> entries = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        for (DataBlockRef ref : reader.dataBlocks()) {
            DecodedDataBlock b = reader.readDataBlock(ref);
            blocks.add(ref + " crc=" + b.crcOk() + " " + b.compression() + " " + b.entries().size());
            if (b.crcOk()) {
                for (TableEntry te : b.entries()) {
                    entries.add(entry(te.rawKey(), te.rawKey().length, te.key() != null, te.offsetInBlock()));
                }
            }
        }
        return new Trace(entries, damage, blocks);
    }

    private static Trace inPlace(byte[] table) {
        List<Damage> damage = new ArrayList<>();
        TableReader reader = new TableReader(ByteSource.of("t.ldb", table), damage::add, Limits.DEFAULT);
        List<String> entries = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        Block.Scratch scratch = new Block.Scratch();
        for (DataBlockRef ref : reader.dataBlocks()) {
            TableReader.CheckedDataBlock b = reader.verifyDataBlock(ref, scratch,
                    (key, keyLength, internalKey, offset) -> entries.add(entry(key, keyLength, internalKey, offset)));
            blocks.add(ref + " crc=" + b.crcOk() + " " + b.compression() + " " + b.entries());
        }
        return new Trace(entries, damage, blocks);
    }

    private static String entry(byte[] key, int keyLength, boolean internalKey, int offset) {
        return "+" + offset + " " + internalKey + " " + HexFormat.of().formatHex(key, 0, keyLength);
    }

    private static void assertSame(byte[] table, String what) {
        Trace a = allocating(table);
        Trace b = inPlace(table);
        assertEquals(a.blocks(), b.blocks(), what + ": blocks");
        assertEquals(a.entries(), b.entries(), what + ": entries");
        assertEquals(a.damage(), b.damage(), what + ": damage");
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureTableDecodesTheSame() throws IOException {
        return fixtureTables().stream().map(p -> DynamicTest.dynamicTest(root().relativize(p).toString(), () -> {
            byte[] table = Files.readAllBytes(p);
            Trace a = allocating(table);
            assertEquals(a.entries(), inPlace(table).entries());
            assertSame(table, p.toString());
        }));
    }

    @Test
    void fixtureTablesHaveEntries() throws IOException {
        long entries = 0;
        for (Path p : fixtureTables()) {
            entries += inPlace(Files.readAllBytes(p)).entries().size();
        }
        assertTrue(entries > 1000, "the fixtures hold real entries: " + entries);
    }

    /**
     * Seeded damage over every fixture table: a flipped byte (often in a data block: CRC mismatch, the block handed to
     * the allocating path), a zeroed run, a truncation. Damage that keeps a valid CRC is
     * {@link #hostileBlockContents}.
     */
    @TestFactory
    Stream<DynamicTest> damagedFixtureTablesDecodeTheSame() throws IOException {
        return fixtureTables().stream().map(p -> DynamicTest.dynamicTest(root().relativize(p).toString(), () -> {
            byte[] table = Files.readAllBytes(p);
            Random rnd = new Random(p.getFileName().toString().hashCode());
            for (int i = 0; i < 12; i++) {
                byte[] t = table.clone();
                int at = rnd.nextInt(t.length);
                switch (i % 3) {
                    case 0 -> t[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> java.util.Arrays.fill(t, at, Math.min(t.length, at + 1 + rnd.nextInt(300)), (byte) 0);
                    default -> t = java.util.Arrays.copyOf(t, at);
                }
                assertSame(t, p + " damage " + i + " at " + at);
            }
        }));
    }

    /**
     * Blocks whose contents are hostile but whose CRC verifies (the damage happened before the checksum was taken):
     * random bytes, a valid block with bytes changed, lengths pointing past the end, an impossible restart count.
     * Written as uncompressed and as Snappy tables so both decompression paths of {@code verifyDataBlock} run.
     */
    @Test
    void hostileBlockContents() throws IOException {
        Random rnd = new Random(14);
        List<byte[]> contents = new ArrayList<>();
        BlockBuilder good = new BlockBuilder(4);
        for (int i = 0; i < 40; i++) {
            good.add(new InternalKey(String.format("key%05d", i).getBytes(), 100 - i, ValueType.VALUE).encode(),
                    ("value" + i).getBytes());
        }
        byte[] valid = good.finish();
        contents.add(valid);
        for (int i = 0; i < 200; i++) {
            byte[] c = valid.clone();
            for (int k = 0; k <= i % 4; k++) {
                c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
            }
            contents.add(c);
            byte[] r = new byte[rnd.nextInt(200)];
            rnd.nextBytes(r);
            contents.add(r);
        }
        for (byte[] c : contents) {
            for (boolean snappy : new boolean[] {false, true}) {
                byte[] stored = snappy ? org.xerial.snappy.Snappy.compress(c) : c;
                byte[] table = TracingTableWriter.assemble(List.of(stored), List.of(snappy ? 1 : 0)).bytes();
                assertSame(table, (snappy ? "snappy " : "raw ") + HexFormat.of().formatHex(c));
                List<Damage> a = new ArrayList<>();
                List<Damage> b = new ArrayList<>();
                Block d = Block.decode(c, "b", 0, a::add, Limits.DEFAULT);
                List<String> inPlace = new ArrayList<>();
                Block.decodeInPlace(c, c.length, "b", 0, c.length + 5L, b::add, Limits.DEFAULT, new Block.Scratch(),
                        (key, kl, block, vo, vl, off) -> inPlace.add(off + " " + HexFormat.of().formatHex(key, 0, kl)
                                + " " + HexFormat.of().formatHex(block, vo, vo + vl)));
                List<String> allocated = d.entries().stream().map(e -> e.offsetInBlock() + " "
                        + HexFormat.of().formatHex(e.key()) + " " + HexFormat.of().formatHex(e.value())).toList();
                assertEquals(allocated, inPlace);
                assertEquals(a, b);
            }
        }
    }
}
