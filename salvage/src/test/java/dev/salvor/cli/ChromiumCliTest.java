package dev.salvor.cli;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser fixtures (fixtures/browser, written by headless chromium) through the command line: an IndexedDB
 * database kept under {@code idb_cmp1} checks CLEAN in the browser's key order (LevelDB's bytewise order would find
 * its table out of order).
 */
class ChromiumCliTest {
    @BeforeAll
    static void fixtures() {
        Assumptions.assumeTrue(Files.isDirectory(Fixtures.path("browser/tables/indexeddb")), "no browser fixtures");
    }

    private static String dir(String relative) {
        return Fixtures.path("browser/" + relative).toString();
    }

    @Test
    void indexedDbTableChecksCleanUnderIdbCmp1() {
        CliRun r = CliRun.of("check", dir("tables/indexeddb"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("verdict: CLEAN"), r.err());
    }

    @Test
    void aLoneTableOfIndexedDbIsOrderedByContent() {
        // no MANIFEST names the comparator: the keys' shapes say IndexedDB, so the table is read in idb_cmp1 order
        CliRun r = CliRun.of("check", dir("tables/indexeddb/000005.ldb"), "--json");
        assertTrue(!r.out().contains("table keys out of order"), r.out());
    }

    @Test
    void localAndSessionStorageCheckClean() {
        for (String s : new String[]{"basic/localstorage", "basic/sessionstorage", "basic/indexeddb"}) {
            CliRun r = CliRun.of("check", dir(s));
            assertEquals(0, r.exit(), s + ": " + r.err());
        }
    }
}
