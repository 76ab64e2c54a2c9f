package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile inputs (loops, cycles, self-pointers, huge lengths), byte-flip and truncation sweeps over a tiny
 * database, and proof that salvage and check leave their inputs byte-identical.
 */
class SqliteHostileTest {

    record Run(List<SqliteRow> rows, List<Damage> salvageDamage, List<Damage> checkDamage) {
    }

    static Run run(byte[] db, Limits limits) {
        List<SqliteRow> rows = new ArrayList<>();
        List<Damage> sd = new ArrayList<>();
        List<Damage> cd = new ArrayList<>();
        new SqliteSalvager(limits).salvage(ByteSource.of("h.db", db), null, null, DamageSink.collectingInto(sd),
                rows::add);
        new SqliteChecker(limits).check(ByteSource.of("h.db", db), null, null, DamageSink.collectingInto(cd));
        return new Run(rows, sd, cd);
    }

    static byte[] fixture(String path) throws IOException {
        return Files.readAllBytes(GroundTruth.fixturesDir().resolve(path));
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, long v) {
        for (int i = 3; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>= 8;
        }
    }

    /**
     * A schema row whose name is not text: SQLite refuses to open the database ("malformed database schema"), so
     * check must not call it clean. The name of tiny.db's table is turned into a blob of the same length (the record
     * keeps its size); the fuzzer's database whose schema row names NULL gives the NULL case, and its table is
     * still found by the name its CREATE statement gives.
     */
    @Test
    void schemaRowWithoutATextNameIsDamage() throws IOException {
        byte[] db = fixture("tiny/tiny.db");
        // page 1's only cell: payload varint, rowid varint, header length, type, name ("t": serial type 15)
        int cell = (db[100 + 8] & 0xff) << 8 | (db[100 + 9] & 0xff);
        int nameType = cell + 2 + 2;
        assertEquals(15, db[nameType], "tiny.db's schema row names its table t");
        db[nameType] = 14; // a 1-byte blob instead of a 1-character text
        List<Damage> damage = new ArrayList<>();
        new SqliteChecker(Limits.DEFAULT).check(ByteSource.of("h.db", db), null, null,
                DamageSink.collectingInto(damage));
        assertTrue(damage.stream().anyMatch(d -> d.kind() == DamageKind.BAD_RECORD && "blob".equals(d.actual())
                && d.detail().startsWith("name of the sqlite_schema row of table")), damage.toString());

        byte[] nameless = Files.readAllBytes(dev.salvor.fixtures.FuzzCorpus.dir("sqlite")
                .resolve("regression-schema-table-name-null"));
        damage.clear();
        new SqliteChecker(Limits.DEFAULT).check(ByteSource.of("h.db", nameless), null, null,
                DamageSink.collectingInto(damage));
        assertTrue(damage.stream().anyMatch(d -> d.kind() == DamageKind.BAD_RECORD && "NULL".equals(d.actual())
                && d.detail().startsWith("name of the sqlite_schema row of table")
                && d.detail().endsWith("named t after its CREATE statement")), damage.toString());

        // its CREATE statement still names the table: the rows are t's, and so are the 42 rows of the zeroed leaf
        // that index ta still holds (column a from the index, b unknown)
        Run r = run(nameless, Limits.DEFAULT);
        List<SqliteRow> live = r.rows().stream().filter(x -> x.state().equals(RowState.LIVE)).toList();
        assertEquals(60, live.size());
        assertTrue(live.stream().allMatch(x -> "t".equals(x.table())), live.toString());
        assertEquals(42, live.stream().filter(x -> x.kind() == RowKind.REBUILT_FROM_INDEX).count());
    }

    @Test
    @Timeout(10)
    void freeblockLoop() throws IOException {
        byte[] db = fixture("tiny/tiny.db");
        int page2 = 512;
        BtreePage p = BtreePage.parse(2, java.util.Arrays.copyOfRange(db, page2, page2 + 512), 512, "x", 0,
                DamageSink.STRICT);
        assertTrue(!p.freeblocks().isEmpty(), "the deletes left freeblocks");
        int last = p.freeblocks().get(p.freeblocks().size() - 1)[0];
        put16(db, page2 + last, p.header().firstFreeblock()); // the last freeblock points back to the first
        Run r = run(db, Limits.DEFAULT);
        assertTrue(r.checkDamage().stream().anyMatch(d -> d.kind() == DamageKind.CYCLE
                && d.offset() == page2 + last && d.detail().contains("goes backwards")), r.checkDamage().toString());
        assertEquals(11, r.rows().stream().filter(x -> x.state().equals(RowState.LIVE)).count(),
                "every live row still read");
    }

    @Test
    @Timeout(10)
    void overflowCycle() throws IOException {
        byte[] db = fixture("p512-utf16le/p512-utf16le.db");
        SqliteDatabase d = SqliteDatabase.open(ByteSource.of("x", db), null, null, Limits.DEFAULT,
                DamageSink.IGNORE);
        // find a cell with a chain of at least two overflow pages and point the second back at the first
        long first = 0;
        long second = 0;
        outer:
        for (long n = 2; n <= d.pageCount(); n++) {
            BtreePage p = BtreePage.parse(n, d.page(n), 512, "x", 0, DamageSink.IGNORE);
            if (p == null || p.type() != PageType.TABLE_LEAF) {
                continue;
            }
            for (Cell c : p.cells()) {
                if (c.expectedOverflowPages(512) >= 3) {
                    first = c.firstOverflow();
                    second = DatabaseHeader.u32(d.page(first), 0);
                    break outer;
                }
            }
        }
        assertTrue(second > 0, "fixture has a long overflow chain");
        put32(db, (int) ((second - 1) * 512), first);
        Run r = run(db, Limits.DEFAULT);
        String expected = "overflow cycle at page " + first + " via page " + second;
        long at = (second - 1) * 512;
        assertTrue(r.salvageDamage().stream().anyMatch(x -> x.kind() == DamageKind.CYCLE
                && x.detail().equals(expected) && x.offset() == at), r.salvageDamage().toString());
        assertTrue(r.checkDamage().stream().anyMatch(x -> x.kind() == DamageKind.CYCLE), r.checkDamage().toString());
    }

    @Test
    @Timeout(10)
    void interiorPagePointingAtItself() throws IOException {
        byte[] db = fixture("damage-src/damage-src.db");
        int root = 2; // people's root is an interior page (fixture README)
        assertEquals(5, db[(root - 1) * 1024]);
        put32(db, (root - 1) * 1024 + 8, root);
        Run r = run(db, Limits.DEFAULT);
        assertTrue(r.salvageDamage().stream().anyMatch(x -> x.kind() == DamageKind.CYCLE
                && x.detail().startsWith("page 2 reached again via page 2")), r.salvageDamage().toString());
        assertTrue(r.rows().size() > 300, "rows of the other children and tables still read");
    }

    @Test
    @Timeout(10)
    void hugePayloadLengthIsBoundedBeforeAllocation() throws IOException {
        byte[] db = fixture("tiny/tiny.db");
        // the cell of row 100 holds 600+ bytes: its payload-size varint is 2 bytes; add 30 overflow pages' worth
        // (same local size, so the cell still fits its slot, but the payload now claims ~16 KB)
        BtreePage p = BtreePage.parse(2, java.util.Arrays.copyOfRange(db, 512, 1024), 512, "x", 0,
                DamageSink.STRICT);
        Cell big = p.cells().stream().filter(c -> c.rowid() == 100).findFirst().orElseThrow();
        assertEquals(2, SqliteVarint.length(p.data(), big.offset(), 512));
        long claimed = big.payloadSize() + 30 * 508;
        db[512 + big.offset()] = (byte) (0x80 | (claimed >> 7));
        db[512 + big.offset() + 1] = (byte) (claimed & 0x7f);
        Run r = run(db, Limits.DEFAULT.withMaxRecordBytes(4096));
        assertTrue(r.salvageDamage().stream().anyMatch(x -> x.kind() == DamageKind.LIMIT_EXCEEDED
                && x.toString().startsWith("payload size of a cell on page 2 (damaged varint or raise the limit): "
                + "actual=" + claimed + " vs expected=<= 4096")), r.salvageDamage().toString());
        // a 9-byte varint claiming 2^62 bytes, written over the start of the cell
        byte[] db2 = fixture("tiny/tiny.db");
        byte[] nine = SqliteVarint.encode(1L << 62);
        System.arraycopy(nine, 0, db2, 512 + big.offset(), nine.length);
        Run r2 = run(db2, Limits.DEFAULT);
        assertTrue(r2.rows().stream().filter(x -> x.state().equals(RowState.LIVE)).count() >= 10);
    }

    @Test
    @Timeout(10)
    void garbagePageSizeAndReservedBytes() throws IOException {
        byte[] db = fixture("tiny/tiny.db");
        put16(db, 16, 1000);
        db[20] = (byte) 200;
        Run r = run(db, Limits.DEFAULT);
        assertTrue(r.salvageDamage().stream().anyMatch(x -> x.offset() == 16), r.salvageDamage().toString());
        assertEquals(11, r.rows().stream().filter(x -> x.state().equals(RowState.LIVE)).count(),
                "page size 512 inferred from page structure");
    }

    @Test
    @Timeout(10)
    void freelistTrunkPointingAtItselfAndPointerMapMismatch() throws IOException {
        byte[] free = fixture("damage-src/damage-src.db");
        long trunk = DatabaseHeader.u32(free, 32);
        assertTrue(trunk > 0, "fixture has a freelist");
        put32(free, (int) ((trunk - 1) * 1024), trunk);
        Run f = run(free, Limits.DEFAULT);
        assertTrue(f.checkDamage().stream().anyMatch(d -> d.kind() == DamageKind.CYCLE
                && d.detail().equals("freelist cycle at page " + trunk + " via page " + trunk)),
                f.checkDamage().toString());
        // pointer map (auto-vacuum): page 2 is the first map page; entry 0 describes page 3
        byte[] db = fixture("p512-utf16le/p512-utf16le.db");
        int entry = 512;
        db[entry] = (byte) (db[entry] == PointerMap.FREE ? PointerMap.BTREE : PointerMap.FREE);
        Run r = run(db, Limits.DEFAULT);
        assertTrue(r.checkDamage().stream().anyMatch(d -> d.offset() == entry
                && d.detail().equals("pointer-map entry (type/parent) for page 3")), r.checkDamage().toString());
    }

    /** A zeroed header: page size and text encoding come back from page structure; live rows are all read. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"p512-utf16le", "p65536-utf16be", "basic"})
    void zeroedHeaderOfEveryEncodingAndPageSize(String name) throws IOException {
        GroundTruth gt = new GroundTruth(name);
        byte[] db = Files.readAllBytes(gt.db());
        java.util.Arrays.fill(db, 0, 100, (byte) 0);
        List<SqliteRow> rows = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        SqliteSalvager.Summary s = new SqliteSalvager().salvage(ByteSource.of(name, db), null, null,
                DamageSink.collectingInto(damage), rows::add);
        assertEquals(gt.json.get("page_size").asInt(), s.pageSize());
        assertEquals(gt.charset(), s.encoding().charset());
        List<SqliteRow> live = rows.stream().filter(r -> r.state().equals(RowState.LIVE)).toList();
        assertEquals(gt.live.size(), SqliteFixtureTest.recovered(gt.live, live));
    }

    @Test
    void lockBytePageAndPointerMapPositions() throws IOException {
        SqliteDatabase d = SqliteDatabase.open(ByteSource.of("x", fixture("basic/basic.db")), null, null,
                Limits.DEFAULT, DamageSink.STRICT);
        assertEquals(262145, d.lockBytePage(), "the page holding byte 2^30 with 4096-byte pages");
        // U = 512: 102 entries per map page, so map pages are 2, 105, 208
        assertTrue(PointerMap.isPointerMapPage(2, 512));
        assertTrue(PointerMap.isPointerMapPage(105, 512));
        assertTrue(!PointerMap.isPointerMapPage(104, 512));
        assertEquals(105, PointerMap.mapPageFor(106, 512));
        assertEquals(2, PointerMap.mapPageFor(104, 512));
    }

    /** Flips every byte of the tiny database: only typed damage; rows on other pages still recovered. */
    @Test
    @Timeout(60)
    void flipEveryByte() throws IOException {
        byte[] orig = fixture("tiny/tiny.db");
        Run base = run(orig, Limits.DEFAULT);
        assertTrue(base.salvageDamage().isEmpty() && base.checkDamage().isEmpty());
        List<SqliteRow> baseLive = base.rows().stream().filter(r -> r.state().equals(RowState.LIVE)).toList();
        for (int off = 0; off < orig.length; off++) {
            byte[] c = orig.clone();
            c[off] ^= (byte) 0xff;
            Run r = run(c, Limits.DEFAULT);
            long page = off / 512 + 1;
            if (page == 1) {
                continue; // header and schema: survival checked above (no exception), content may legitimately move
            }
            for (SqliteRow want : baseLive) {
                boolean touched = want.page() == page || page == 3; // page 3 is row 100's overflow page
                if (touched && want.rowid() == 100 || want.page() == page && inCell(c, want, off)) {
                    continue;
                }
                boolean found = r.rows().stream().anyMatch(g -> java.util.Objects.equals(g.rowid(), want.rowid())
                        && sameValues(g, want));
                assertTrue(found, "flip at " + off + " lost row " + GroundTruth.show(want));
            }
        }
    }

    private static boolean inCell(byte[] c, SqliteRow want, int off) {
        // the row's own cell (or the page header/pointer array that locates it) may be what was flipped
        int pageStart = (int) (want.page() - 1) * 512;
        return off < pageStart + 8 + 2 * 16 || (off >= want.offset() && off < want.offset() + 40);
    }

    private static boolean sameValues(SqliteRow a, SqliteRow b) {
        if (a.values().size() != b.values().size()) {
            return false;
        }
        for (int i = 0; i < a.values().size(); i++) {
            if (!GroundTruth.same(a.values().get(i), b.values().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Truncates the tiny database at every length: only typed damage, rows on whole pages still recovered. */
    @Test
    @Timeout(60)
    void truncateEverywhere() throws IOException {
        byte[] orig = fixture("tiny/tiny.db");
        Run base = run(orig, Limits.DEFAULT);
        for (int len = 0; len < orig.length; len++) {
            byte[] c = java.util.Arrays.copyOf(orig, len);
            Run r = run(c, Limits.DEFAULT);
            if (len >= 1024) {
                for (SqliteRow want : base.rows()) {
                    if (want.state().equals(RowState.LIVE) && want.rowid() != 100) {
                        assertTrue(r.rows().stream().anyMatch(g -> java.util.Objects.equals(g.rowid(), want.rowid())
                                && sameValues(g, want)), "truncated at " + len + " lost " + GroundTruth.show(want));
                    }
                }
            }
            if (len < orig.length) {
                assertTrue(!r.salvageDamage().isEmpty() || len == 0, "truncation at " + len + " reported");
            }
        }
    }

    /** Salvage and check never write: every fixture input is byte-identical afterwards. */
    @Test
    void inputsAreByteIdenticalAfterSalvageAndCheck() throws Exception {
        Map<String, String> before = hashes();
        for (String name : List.of("basic", "wal", "wal-torn", "journal", "truncated", "page1-destroyed")) {
            GroundTruth gt = new GroundTruth(name);
            SqliteFixtureTest.salvage(gt);
            SqliteFixtureTest.check(gt);
        }
        assertEquals(before, hashes());
    }

    private static Map<String, String> hashes() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Stream<java.nio.file.Path> s = Files.walk(GroundTruth.fixturesDir())) {
            for (java.nio.file.Path p : s.filter(Files::isRegularFile).toList()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                out.put(p.toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(p)))
                        + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
