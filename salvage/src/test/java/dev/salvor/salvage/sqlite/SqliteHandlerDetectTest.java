package dev.salvor.salvage.sqlite;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection of SQLite inputs: by the header string, and by page structure when the header was destroyed; random
 * bytes, a LevelDB log, a directory and an empty file are not SQLite.
 */
class SqliteHandlerDetectTest {
    private final SqliteHandler handler = new SqliteHandler();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite/basic/basic.db", "sqlite/tiny/tiny.db", "sqlite/wal/wal.db",
            "sqlite/p65536-utf16be/p65536-utf16be.db", "sqlite/page1-destroyed/page1-destroyed.db",
            "sqlite/zeroed-header/zeroed-header.db"})
    void databasesAreDetected(String db) throws IOException {
        assertTrue(handler.detect(Fixtures.path(db)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100, 4096, 1 << 20, (1 << 20) + 4096})
    void randomBytesAreNotDetected(int size, @TempDir Path dir) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Path f = dir.resolve("random.bin");
        Files.write(f, b);
        assertFalse(handler.detect(f));
    }

    @Test
    void otherInputsAreNotDetected() throws IOException {
        assertFalse(handler.detect(Fixtures.path("leveldb/open-log/db/000006.log")));
        assertFalse(handler.detect(Fixtures.path("sqlite/wal/wal.db-wal")));
        assertFalse(handler.detect(Fixtures.path("sqlite/basic")), "a directory");
    }
}
