package dev.salvor.formats.chromium;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.LevelDbLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged copies of the browser's IndexedDB (fixtures/browser/tables/indexeddb: a log and a flushed table), damaged
 * as plain LevelDB is (a zeroed 4 KiB of the table, a zero-length table, a torn log, bit flips): salvage never stops,
 * and every record of a unit the damage did not touch still comes out, decoded and named, in the browser's order.
 */
class ChromiumHostileSalvageTest {
    private static final String TABLE = "000005.ldb";
    private static final String LOG = "000004.log";

    @TempDir
    Path tmp;
    private Path db;
    private List<ChromiumFixturesTest.Row> clean;

    @BeforeEach
    void copy() throws IOException {
        Path src = Fixtures.path("browser/tables/indexeddb");
        Assumptions.assumeTrue(Files.isDirectory(src), "no browser fixtures");
        db = tmp.resolve("indexeddb");
        Files.createDirectories(db);
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, db.resolve(f.getFileName()));
            }
        }
        clean = salvage();
    }

    private List<ChromiumFixturesTest.Row> salvage() throws IOException {
        return ChromiumFixturesTest.salvage(LevelDbLayout.of(SourceSet.of(db)));
    }

    /** A version's identity: key, sequence and where it was read. */
    private static String id(ChromiumFixturesTest.Row r) {
        return HexFormat.of().formatHex(r.entry().userKey()) + "@" + r.entry().sequence();
    }

    /**
     * Every clean record whose unit {@code untouched} accepts (by the file offset of its block or log record) is in
     * {@code damaged}, decoded and named as in the clean run; and every record salvage trusts decodes.
     */
    private void assertIntactRecordsSurvive(List<ChromiumFixturesTest.Row> damaged, String file,
                                            LongPredicate untouched) {
        assertIntactRecordsSurvive(damaged, file, untouched, true);
    }

    /** As above; {@code namesSurvive}: the damage spared the metadata naming the bulk store (held in the table). */
    private void assertIntactRecordsSurvive(List<ChromiumFixturesTest.Row> damaged, String file,
                                            LongPredicate untouched, boolean namesSurvive) {
        Set<String> found = new HashSet<>();
        for (ChromiumFixturesTest.Row r : damaged) {
            found.add(id(r));
            if (r.entry().crcOk()) {
                assertNotNull(r.idb().key(), "a trusted record decodes: " + r.idb().problem());
            }
        }
        int expected = 0;
        Set<String> missing = new TreeSet<>();
        for (ChromiumFixturesTest.Row r : clean) {
            boolean inFile = r.entry().file().equals(file);
            if (!inFile || untouched.test(r.entry().offset())) {
                expected++;
                if (!found.contains(id(r))) {
                    missing.add(id(r) + " " + r.entry().file() + "@" + r.entry().offset());
                }
            }
        }
        assertEquals(Set.of(), missing.stream().limit(5).collect(java.util.stream.Collectors.toSet()),
                missing.size() + " of " + expected + " intact record(s) lost");
        assertTrue(expected > 1000, "records checked: " + expected);
        for (ChromiumFixturesTest.Row r : damaged) {
            if (namesSurvive && r.entry().crcOk() && r.idb().key().kind() == IdbRecordKey.Kind.DATA
                    && r.idb().databaseId() == 2) {
                assertEquals("bulk", r.idb().database());
                assertEquals("blocks", r.idb().objectStore());
            }
        }
    }

    /** The table's data block that holds {@code offset}'s start, by the clean run's block offsets. */
    private TreeSet<Long> tableBlocks() {
        TreeSet<Long> blocks = new TreeSet<>();
        clean.stream().filter(r -> r.entry().unit() == EntryUnit.TABLE).forEach(r -> blocks.add(r.entry().offset()));
        return blocks;
    }

    /** True when the block starting at {@code block} (up to the next block) overlaps [from, to). */
    private static boolean overlaps(TreeSet<Long> blocks, long block, long from, long to, long fileEnd) {
        Long next = blocks.higher(block);
        long end = next == null ? fileEnd : next;
        return block < to && from < end;
    }

    @Test
    void zeroed4KiBOfTheTable() throws IOException {
        Path t = db.resolve(TABLE);
        long size = Files.size(t);
        long from = (size / 2) & ~4095L;
        try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
            f.seek(from);
            f.write(new byte[4096]);
        }
        TreeSet<Long> blocks = tableBlocks();
        assertIntactRecordsSurvive(salvage(), TABLE, o -> !overlaps(blocks, o, from, from + 4096, size));
    }

    @Test
    void zeroLengthTable() throws IOException {
        Files.write(db.resolve(TABLE), new byte[0]);
        // the bulk database's metadata was flushed into the table: its log records survive, unnamed
        assertIntactRecordsSurvive(salvage(), TABLE, o -> false, false);
    }

    @Test
    void tornLog() throws IOException {
        Path l = db.resolve(LOG);
        long cut = Files.size(l) * 2 / 3 + 1234;
        try (RandomAccessFile f = new RandomAccessFile(l.toFile(), "rw")) {
            f.setLength(cut);
        }
        // a batch is lost when its record runs past the cut; batches here are at most a few KiB
        assertIntactRecordsSurvive(salvage(), LOG, o -> o < cut - 64 * 1024);
    }

    @Test
    void bitFlipsInTheTable() throws IOException {
        Path t = db.resolve(TABLE);
        long size = Files.size(t);
        long[] at = {size / 7, size / 3, size / 2 + 17, size * 4 / 5};
        try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
            for (long p : at) {
                f.seek(p);
                int b = f.read();
                f.seek(p);
                f.write(b ^ 0x10);
            }
        }
        TreeSet<Long> blocks = tableBlocks();
        assertIntactRecordsSurvive(salvage(), TABLE, o -> {
            for (long p : at) {
                if (overlaps(blocks, o, p, p + 1, size)) {
                    return false;
                }
            }
            return true;
        });
    }
}
