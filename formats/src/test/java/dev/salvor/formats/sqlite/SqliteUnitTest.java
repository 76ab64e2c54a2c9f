package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Structure-level tests: varints, spill rules, schema parsing, header, WAL and journal checksums. */
class SqliteUnitTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 240, 2287, 16383, 16384, 2097151, 2097152, 1L << 35, (1L << 56) - 1,
        1L << 56, Long.MAX_VALUE, -1, -5, Long.MIN_VALUE})
    void varintRoundTrip(long v) {
        byte[] b = SqliteVarint.encode(v);
        assertEquals(SqliteVarint.sizeOf(v), b.length);
        assertEquals(v, SqliteVarint.read(b, 0, b.length));
        assertEquals(b.length, SqliteVarint.length(b, 0, b.length));
        Malformed m = assertThrows(Malformed.class, () -> SqliteVarint.read(b, 0, b.length - 1));
        assertEquals(DamageKind.BAD_VARINT, m.kind());
    }

    @Test
    void varintKnownEncodings() {
        assertArrayEquals(new byte[] {(byte) 0x81, 0x00}, SqliteVarint.encode(128));
        assertEquals(9, SqliteVarint.encode(-1).length, "negative rowids take 9 bytes");
        byte[] nine = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff};
        assertEquals(-1L, SqliteVarint.read(nine, 0, 9), "the 9th byte contributes all 8 bits");
    }

    @Test
    void spillRulesUseUsableSize() {
        // U = 4096: X = 4061 for table leaves, ((4084*64)/255)-23 = 1002 for index pages, M = 489
        assertEquals(4061, Cell.maxLocal(4096, true));
        assertEquals(1002, Cell.maxLocal(4096, false));
        assertEquals(489, Cell.minLocal(4096));
        assertEquals(4061, Cell.localSize(4061, 4096, true));
        // P = 5000: K = 489 + (4511 mod 4092) = 908 <= X
        assertEquals(908, Cell.localSize(5000, 4096, true));
        // P = 8000 index: K = 489 + (7511 mod 4092) = 3908 > 1002, so M
        assertEquals(489, Cell.localSize(8000, 4096, false));
        // reserved bytes: page 1024 with 32 reserved gives U = 992
        assertEquals(957, Cell.maxLocal(992, true));
    }

    @Test
    void integerPrimaryKeyAliasRules() {
        TableSchema a = TableSchema.parse("CREATE TABLE a(id INTEGER PRIMARY KEY, x)");
        assertEquals(0, a.rowidAlias());
        TableSchema desc = TableSchema.parse("CREATE TABLE users (id INTEGER PRIMARY KEY DESC, name TEXT)");
        assertEquals(-1, desc.rowidAlias(), "INTEGER PRIMARY KEY DESC is not an alias");
        TableSchema tdesc = TableSchema.parse("CREATE TABLE t(id INTEGER, x, PRIMARY KEY(id DESC))");
        assertEquals(0, tdesc.rowidAlias(), "the table-constraint form with DESC is an alias");
        assertEquals(-1, TableSchema.parse("CREATE TABLE t(id INT PRIMARY KEY, x)").rowidAlias(), "INT is not INTEGER");
        assertEquals(-1, TableSchema.parse("CREATE TABLE t(id INTEGER, x, PRIMARY KEY(id, x))").rowidAlias());
        TableSchema wr = TableSchema.parse("CREATE TABLE tags(tag TEXT, person INT, weight REAL, "
                + "PRIMARY KEY(person, tag)) WITHOUT ROWID");
        assertTrue(wr.withoutRowid());
        assertEquals(-1, wr.rowidAlias());
        assertEquals(List.of(1, 0, 2), wr.storageOrder(), "WITHOUT ROWID records store the key columns first");
        TableSchema q = TableSchema.parse("CREATE TABLE \"we\"\"ird\" ('id' INT UNSIGNED NOT NULL, [a b] "
                + "VARCHAR(10) DEFAULT 'x,y', `c` /* comment, with comma */ TEXT, CHECK (id > 0))");
        assertEquals("we\"ird", q.name());
        assertEquals(List.of("id", "a b", "c"), q.columns());
        assertEquals(List.of("INT UNSIGNED", "VARCHAR", "TEXT"), q.types());
        assertNull(TableSchema.parse("CREATE VIRTUAL TABLE v USING fts5(x)"));
        assertNull(TableSchema.parse("CREATE TABLE t AS SELECT 1"));
    }

    @Test
    void recordDecodesEverySerialType() {
        byte[] rec = {
            11, 0, 1, 2, 7, 8, 9, 14, 19, 6, 5,  // header: size 11, types NULL,i8,i16,real,0,1,blob1,text3,i64,i48
            -2,                                  // i8 = -2
            0x01, 0x00,                          // i16 = 256
            0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0, // 1.5
            (byte) 0xab,                         // blob
            'a', 'b', 'c',                       // text
            (byte) 0x80, 0, 0, 0, 0, 0, 0, 0,    // Long.MIN_VALUE
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe // -2 in 6 bytes
        };
        Record r = Record.decode(rec, 0, rec.length, rec.length, TextEncoding.UTF_8, true);
        List<Object> v = r.values();
        assertNull(v.get(0));
        assertEquals(-2L, v.get(1));
        assertEquals(256L, v.get(2));
        assertEquals(1.5, v.get(3));
        assertEquals(0L, v.get(4));
        assertEquals(1L, v.get(5));
        assertArrayEquals(new byte[] {(byte) 0xab}, (byte[]) v.get(6));
        assertEquals("abc", v.get(7));
        assertEquals(Long.MIN_VALUE, v.get(8));
        assertEquals(-2L, v.get(9));
        // strict: reserved type 10, header past the payload, body longer than the payload
        byte[] bad = {2, 10};
        assertEquals(DamageKind.BAD_RECORD, assertThrows(Malformed.class,
                () -> Record.decode(bad, 0, 2, 2, TextEncoding.UTF_8, true)).kind());
        assertEquals(DamageKind.BAD_LENGTH, assertThrows(Malformed.class,
                () -> Record.decode(new byte[] {50, 1}, 0, 2, 2, TextEncoding.UTF_8, true)).kind());
        Record partial = Record.decode(rec, 0, 20, rec.length, TextEncoding.UTF_8, false);
        assertTrue(partial.unknown().contains(9), "columns past the available bytes are unknown");
        assertEquals("\u00e9", Record.decode(new byte[] {2, 17, 0, (byte) 0xe9}, 0, 4, 4, TextEncoding.UTF_16BE, true)
                .values().get(0));
    }

    @Test
    void headerOfThe65536ByteDatabase() throws Exception {
        byte[] b = Files.readAllBytes(GroundTruth.fixturesDir().resolve("p65536-utf16be/p65536-utf16be.db"));
        assertEquals(1, DatabaseHeader.u16(b, 16), "65536 is stored as 1");
        List<Damage> d = new ArrayList<>();
        DatabaseHeader h = DatabaseHeader.parse(b, "x", DamageSink.collectingInto(d));
        assertTrue(d.isEmpty(), d.toString());
        assertEquals(65536, h.pageSize());
        assertEquals(TextEncoding.UTF_16BE, h.encoding());
        assertTrue(h.autoVacuum());
        assertTrue(h.headerPageCountValid());
        assertEquals(b.length / 65536, h.headerPageCount());
        byte[] c = b.clone();
        c[16] = 0x03;
        c[17] = 0x00; // 768: not a power of two
        c[56 + 3] = 9;
        DatabaseHeader bad = DatabaseHeader.parse(c, "x", DamageSink.collectingInto(d));
        assertEquals(4096, bad.pageSize());
        assertEquals("page size (header damaged; page size will be inferred): actual=768 vs expected=power of two "
                + "512..32768 or 1 (bad-structure) (resource=x, offset=0x10, length=2)", d.get(0).toString());
        assertEquals("text encoding (assuming UTF-8): actual=9 vs expected=1, 2 or 3 (bad-structure) "
                + "(resource=x, offset=0x38, length=4)", d.get(1).toString());
        assertEquals(65536, SqliteDatabase.inferPageSize(ByteSource.of("x", c)), "inferred from page structure");
    }

    @Test
    void walChecksumsAndSalts() throws Exception {
        byte[] w = Files.readAllBytes(GroundTruth.fixturesDir().resolve("wal/wal.db-wal"));
        WalReader ok = WalReader.read(ByteSource.of("w", w), 4096, DamageSink.STRICT);
        assertTrue(ok.header().checksumOk());
        assertFalse(ok.header().bigEndianChecksums());
        long committed = ok.frames().stream().filter(f -> f.status() == WalFrame.Status.COMMITTED).count();
        long old = ok.frames().stream().filter(f -> f.status() == WalFrame.Status.OLD_GENERATION).count();
        assertTrue(committed > 0 && old > 0, "current and older generation frames");
        assertTrue(ok.frames().stream().anyMatch(ok::isSuperseded), "a page written twice");
        // flip one byte of frame 5's page: frames 0-4 stay, the commit before it is the end of the valid WAL
        byte[] c = w.clone();
        c[32 + 5 * 4120 + 24 + 100] ^= 1;
        List<Damage> d = new ArrayList<>();
        WalReader br = WalReader.read(ByteSource.of("w", c), 4096, DamageSink.collectingInto(d));
        assertEquals(1, d.size(), d.toString());
        assertEquals(32 + 5 * 4120, d.get(0).offset());
        assertEquals(DamageKind.CRC_MISMATCH, d.get(0).kind());
        assertEquals(WalFrame.Status.BROKEN, br.frames().get(5).status());
        assertEquals(WalFrame.Status.COMMITTED, br.frames().get(4).status(), "frame 4 is a commit frame");
        assertTrue(br.frames().subList(5, 22).stream().noneMatch(f -> f.status() == WalFrame.Status.COMMITTED));
        // bad magic: nothing trusted
        byte[] m = w.clone();
        m[3] = 0x00;
        List<Damage> dm = new ArrayList<>();
        assertTrue(WalReader.read(ByteSource.of("w", m), 4096, DamageSink.collectingInto(dm)).frames().isEmpty());
        assertEquals(DamageKind.BAD_MAGIC, dm.get(0).kind());
    }

    @Test
    void journalRecordsAndNonceChecksum() throws Exception {
        byte[] j = Files.readAllBytes(GroundTruth.fixturesDir().resolve("journal/journal.db-journal"));
        RollbackJournal ok = RollbackJournal.read(ByteSource.of("j", j), 1024, DamageSink.STRICT);
        assertTrue(ok.isHot());
        assertTrue(ok.records().size() > 1);
        assertTrue(ok.records().stream().allMatch(RollbackJournal.PageRecord::checksumOk));
        assertTrue(ok.initialPages() > 0);
        // a byte the checksum samples (every 200th from the page end): playback stops at that record
        byte[] c = j.clone();
        RollbackJournal.PageRecord second = ok.records().get(1);
        c[(int) second.offset() + 4 + 1024 - 200] ^= 1;
        List<Damage> d = new ArrayList<>();
        RollbackJournal br = RollbackJournal.read(ByteSource.of("j", c), 1024, DamageSink.collectingInto(d));
        assertEquals(1, d.size());
        assertEquals(second.offset(), d.get(0).offset());
        assertEquals(DamageKind.CRC_MISMATCH, d.get(0).kind());
        assertEquals(1, br.originals().size());
    }

    /** Regression (carve-image fuzz finding {@code journal-sector-beyond-file-end}): a Damage of negative length. */
    @Test
    void journalWhoseSectorSizeReachesBeyondTheFileIsTruncationDamage() throws Exception {
        byte[] j = Files.readAllBytes(GroundTruth.fixturesDir().resolve("journal/journal.db-journal"));
        byte[] head = java.util.Arrays.copyOf(j, 300); // header claims a 512-byte sector: records start past the end
        List<Damage> d = new ArrayList<>();
        RollbackJournal r = RollbackJournal.read(ByteSource.of("j", head), 1024, DamageSink.collectingInto(d));
        assertEquals(0, r.records().size());
        assertEquals(1, d.size(), d.toString());
        assertEquals(DamageKind.TRUNCATED, d.get(0).kind());
        assertEquals(300, d.get(0).offset());
        assertEquals(0, d.get(0).length());
        assertTrue(d.get(0).toString().contains("journal page record (file ends before it): actual=0 vs expected=1032"),
                d.get(0).toString());
    }
}
