package dev.salvor.formats.sqlite;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database created in WAL mode and never checkpointed: the main file is the one page SQLite wrote at creation
 * (text encoding 0, "not set yet", schema cookie 0) and everything else, page 1 included, is in the WAL. Real file:
 * Chromium 150's IndexedDB on SQLite, the browser killed after the page finished (fixtures/browser/keys/sqlite-wal).
 * {@code PRAGMA integrity_check} says ok; so must salvor.
 */
class WalOnlyDatabaseTest {
    @Test
    void aMainFileWhoseEncodingIsNotSetYetIsNoDamage() throws IOException {
        Path dir = Fixtures.path("browser/keys/sqlite-wal");
        Path db;
        try (var files = Files.list(dir)) {
            db = files.filter(p -> !p.getFileName().toString().endsWith("-wal")).findFirst().orElseThrow();
        }
        byte[] main = Files.readAllBytes(db);
        assertEquals(0, DatabaseHeader.u32(main, 56), "the main file's text encoding is not set");
        assertEquals(0, DatabaseHeader.u32(main, 40), "nor its schema cookie");
        List<Damage> damage = new ArrayList<>();
        try (ByteSource src = ByteSource.open(db);
             ByteSource wal = ByteSource.open(db.resolveSibling(db.getFileName() + "-wal"))) {
            SqliteChecker.Report r = new SqliteChecker(Limits.DEFAULT).check(src, wal, null,
                    DamageSink.collectingInto(damage));
            assertTrue(r.pagesChecked() > 1, "pages were read through the WAL");
        }
        assertEquals(List.of(), damage);

        // the same "not set" encoding after a schema change is not what SQLite writes: still damage
        main[43] = 1;
        damage.clear();
        DatabaseHeader.parse(java.util.Arrays.copyOf(main, DatabaseHeader.SIZE), "h.db",
                DamageSink.collectingInto(damage));
        assertTrue(damage.stream().anyMatch(d -> d.offset() == 56), damage.toString());
    }
}
