package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The header string test and the b-tree page header rules of {@link SqliteSignature}, on databases written by the
 * SQLite library ({@code fixtures/sqlite}), on databases whose header was destroyed, on random bytes and on
 * hand-built headers at the edges of each rule.
 */
class SqliteSignatureTest {

    private static Path fixture(String relative) {
        Path p = GroundTruth.fixturesDir().resolve(relative);
        assumeTrue(Files.isRegularFile(p), "fixture absent: " + p);
        return p;
    }

    private static byte[] head(Path p, int n) throws IOException {
        byte[] all = Files.readAllBytes(p);
        return Arrays.copyOf(all, Math.min(n, all.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic/basic.db", "tiny/tiny.db", "p512-utf16le/p512-utf16le.db",
            "p65536-utf16be/p65536-utf16be.db", "wal/wal.db", "journal/journal.db", "carving/carving.db"})
    void intactDatabaseMatchesByItsHeaderString(String db) throws IOException {
        assertTrue(SqliteSignature.matches(head(fixture(db), DatabaseHeader.SIZE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"page1-destroyed/page1-destroyed.db", "zeroed-header/zeroed-header.db"})
    void databaseWithoutItsHeaderIsRecognisedFromItsPages(String db) throws IOException {
        Path p = fixture(db);
        assertFalse(SqliteSignature.matches(head(p, DatabaseHeader.SIZE)), "the header string is gone");
        try (ByteSource src = ByteSource.open(p)) {
            assertTrue(SqliteSignature.looksLikeHeaderlessDatabase(src));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic/basic.db", "p512-utf16le/p512-utf16le.db", "p65536-utf16be/p65536-utf16be.db"})
    void intactDatabaseAlsoLooksLikePages(String db) throws IOException {
        try (ByteSource src = ByteSource.open(fixture(db))) {
            assertTrue(SqliteSignature.looksLikeHeaderlessDatabase(src));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 15, 1024, 4096, 65536, 1 << 20, 3 << 20})
    void randomBytesAreNotSqlite(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        assertFalse(SqliteSignature.matches(b));
        assertFalse(SqliteSignature.looksLikeHeaderlessDatabase(ByteSource.of("random", b)));
    }

    @Test
    void zeroFilledFileIsNotSqlite() {
        byte[] b = new byte[64 * 1024];
        assertFalse(SqliteSignature.matches(b));
        assertFalse(SqliteSignature.looksLikeHeaderlessDatabase(ByteSource.of("zeros", b)));
    }

    @Test
    void headerStringNeedsAllSixteenBytes() {
        assertFalse(SqliteSignature.matches(Arrays.copyOf(DatabaseHeader.MAGIC, 15)));
        byte[] noNul = Arrays.copyOf(DatabaseHeader.MAGIC, 16);
        noNul[15] = ' ';
        assertFalse(SqliteSignature.matches(noNul));
        assertTrue(SqliteSignature.matches(Arrays.copyOf(DatabaseHeader.MAGIC, 100)));
    }

    /** Every b-tree page of a real database passes every rule under the database's own page size. */
    @ParameterizedTest
    @ValueSource(strings = {"basic/basic.db", "p512-utf16le/p512-utf16le.db", "p65536-utf16be/p65536-utf16be.db",
            "carving/carving.db"})
    void realPagesPassEveryRule(String db) throws IOException {
        byte[] file = Files.readAllBytes(fixture(db));
        int raw = DatabaseHeader.u16(file, 16);
        int ps = raw == 1 ? 65536 : raw;
        int pages = 0;
        for (int n = 1; n < file.length / ps; n++) {
            BtreePageHeader h = BtreePageHeader.parse(Arrays.copyOfRange(file, n * ps, n * ps + 12), 0);
            if (h == null || h.cellCount() == 0) {
                continue;
            }
            pages++;
            String at = db + " page " + (n + 1);
            assertTrue(SqliteSignature.fitsPage(h, ps), at);
            assertTrue(SqliteSignature.holdsCells(h, ps), at);
            assertTrue(SqliteSignature.isLonePageCandidate(h, file.length - (long) n * ps), at);
            int largest = SqliteSignature.largestCellPointer(h, file, n * ps + h.cellPointerArrayOffset(),
                    h.cellCount());
            assertTrue(largest >= 0, at);
            assertTrue(SqliteSignature.lonePageFits(h, largest, ps), at);
        }
        assertTrue(pages >= 2, db + ": b-tree pages found: " + pages);
    }

    /** A page header: type, first freeblock, cell count, content start (0 = 65536), fragmented bytes. */
    private static BtreePageHeader header(int type, int freeblock, int cells, int content, int fragmented) {
        byte[] b = {(byte) type, (byte) (freeblock >> 8), (byte) freeblock, (byte) (cells >> 8), (byte) cells,
                (byte) (content >> 8), (byte) content, (byte) fragmented, 0, 0, 0, 2};
        BtreePageHeader h = BtreePageHeader.parse(b, 0);
        assertNotNull(h);
        return h;
    }

    @Test
    void emptyLeafFitsAPageButHoldsNoCellsAndIsNoCarvingCandidate() {
        BtreePageHeader empty = header(13, 0, 0, 512, 0);
        assertTrue(SqliteSignature.fitsPage(empty, 512));
        assertFalse(SqliteSignature.holdsCells(empty, 512));
        assertFalse(SqliteSignature.isLonePageCandidate(empty, 1 << 20));
    }

    @Test
    void contentAreaMustStartAfterThePointerArrayAndInsideThePage() {
        assertFalse(SqliteSignature.fitsPage(header(13, 0, 300, 100, 0), 4096), "content inside the pointer array");
        assertFalse(SqliteSignature.isLonePageCandidate(header(13, 0, 300, 100, 0), 1 << 20));
        assertTrue(SqliteSignature.fitsPage(header(13, 0, 1, 4000, 0), 4096));
        assertFalse(SqliteSignature.fitsPage(header(13, 0, 1, 4000, 0), 2048), "content past the page end");
        // 0 in the content field means 65536: only the largest page size holds it
        assertFalse(SqliteSignature.fitsPage(header(13, 0, 1, 0, 0), 32768));
        assertTrue(SqliteSignature.fitsPage(header(13, 0, 1, 0, 0), 65536));
        assertEquals(65536, header(13, 0, 1, 0, 0).contentStart());
    }

    @Test
    void moreThanSixtyFragmentedBytesFailEveryRule() {
        BtreePageHeader h = header(5, 0, 1, 4000, 61);
        assertFalse(SqliteSignature.hasPlausibleLayout(h));
        assertFalse(SqliteSignature.fitsPage(h, 4096));
        assertFalse(SqliteSignature.holdsCells(h, 4096));
        assertFalse(SqliteSignature.isLonePageCandidate(h, 1 << 20));
        assertTrue(SqliteSignature.holdsCells(header(5, 0, 1, 4000, 60), 4096));
    }

    @Test
    void freeblockRulesDifferBetweenInferenceAndCarving() {
        // inference only asks the first freeblock to lie inside the candidate page ...
        assertTrue(SqliteSignature.holdsCells(header(13, 20, 1, 4000, 0), 4096));
        assertFalse(SqliteSignature.holdsCells(header(13, 4096, 1, 4000, 0), 4096));
        // ... carving asks it to lie in the cell content area, as SQLite keeps it
        assertFalse(SqliteSignature.isLonePageCandidate(header(13, 20, 1, 4000, 0), 1 << 20));
        assertTrue(SqliteSignature.isLonePageCandidate(header(13, 4010, 1, 4000, 0), 1 << 20));
    }

    @Test
    void carvingCandidateNeedsRoomForItsPointerArray() {
        BtreePageHeader h = header(13, 0, 100, 4000, 0);
        assertTrue(SqliteSignature.isLonePageCandidate(h, 8 + 200));
        assertFalse(SqliteSignature.isLonePageCandidate(h, 8 + 199));
    }

    @Test
    void cellPointersMustLieInTheContentAreaAndInsideTheChosenPageSize() {
        BtreePageHeader h = header(13, 0, 2, 1000, 0);
        byte[] ptrs = {0x03, (byte) 0xe8, 0x07, (byte) 0xd0}; // 1000, 2000
        int largest = SqliteSignature.largestCellPointer(h, ptrs, 0, 2);
        assertEquals(2000, largest);
        assertFalse(SqliteSignature.lonePageFits(h, largest, 1024));
        assertFalse(SqliteSignature.lonePageFits(h, largest, 2000));
        assertTrue(SqliteSignature.lonePageFits(h, largest, 2048));
        byte[] before = {0x03, (byte) 0xe7}; // 999: before the content area
        assertEquals(-1, SqliteSignature.largestCellPointer(h, before, 0, 1));
        assertFalse(SqliteSignature.lonePageFits(header(13, 2048, 2, 1000, 0), largest, 2048), "freeblock past end");
    }
}
