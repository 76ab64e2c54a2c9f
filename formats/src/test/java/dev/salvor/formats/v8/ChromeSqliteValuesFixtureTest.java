package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The same page stored with Chromium's SQLite backend (feature IdbSqliteBackingStore): one database file with
 * tables records (values zstd-compressed when large), blob_references and blobs (Blob, File and file-system-handle
 * rows inline). Read with salvor's own SQLite engine, never SQLite itself: {@code sqlite/} after a clean close, and
 * {@code sqlite-wal/}, the browser killed right after the page finished, so every transaction is still in the
 * write-ahead log and the superseded and deleted versions of the records are among its older page versions.
 */
class ChromeSqliteValuesFixtureTest {
    private static final Path DIR = Fixtures.path("browser/values");

    /** One records row and its decoded value. */
    record Decoded(String key, String state, DecodedValue value) {
    }

    @Test
    void everyValueOfTheSqliteBackendDecodesToItsExpectedJson() throws Exception {
        checkLive("sqlite", "expected-sqlite.json");
    }

    @Test
    void theWriteAheadLogGivesTheLiveValuesAndTheOlderVersions() throws Exception {
        List<Decoded> all = checkLive("sqlite-wal", "expected-sqlite-wal.json");
        Map<String, String> older = new HashMap<>();
        for (Decoded d : all) {
            if (!d.state().equals("live") && (d.key().equals("overwritten") || d.key().equals("deleted"))) {
                older.put(d.key() + " " + d.value().json(), d.state());
            }
        }
        assertNotNull(older.get("overwritten \"first version\""), older.toString());
        assertNotNull(older.get("deleted {\"gone\":true}"), older.toString());
        assertTrue(all.stream().noneMatch(d -> d.state().equals("live") && d.key().equals("deleted")));
    }

    private static List<Decoded> checkLive(String dir, String expectedFile) throws Exception {
        JsonNode expected = Fixtures.json(DIR.resolve(expectedFile)).get("expected");
        List<Decoded> all = decodeAll(DIR.resolve(dir));
        assertTrue(all.size() > 90, dir + ": records rows " + all.size());
        Map<String, Decoded> live = new HashMap<>();
        for (Decoded d : all) {
            if (d.state().equals("live")) {
                assertTrue(d.value().decoded(), d.key() + ": " + d.value().reason());
                live.put(d.key(), d);
            }
        }
        TreeSet<String> failures = new TreeSet<>();
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            Decoded d = live.get(name);
            assertNotNull(d, "no live record for " + name + " among " + new TreeSet<>(live.keySet()));
            try {
                ExpectedJson.assertMatches(expected.get(name), ExpectedJson.parse(d.value().json()), name);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertEquals(new TreeSet<>(), failures);
        assertEquals(expected.size(), live.size());
        assertEquals("zstd", live.get("large_compressible").value().wrapping());
        assertEquals("none", live.get("int").value().wrapping());
        assertEquals(-1, live.get("int").value().recordVersion());
        JsonNode file = ExpectedJson.parse(live.get("file").value().json());
        assertTrue(file.get("path").asText().startsWith("blobs row "), file.toString());
        return all;
    }

    /** Every records row salvor's SQLite engine finds (live, superseded, deleted), decoded with its blobs. */
    static List<Decoded> decodeAll(Path dir) throws IOException {
        Path db;
        try (Stream<Path> files = Files.list(dir)) {
            db = files.filter(p -> !p.getFileName().toString().matches(".*-(wal|shm|journal)")).findFirst()
                    .orElseThrow();
        }
        Path walPath = db.resolveSibling(db.getFileName() + "-wal");
        List<SqliteRow> rows = new ArrayList<>();
        try (ByteSource src = ByteSource.open(db);
             ByteSource wal = Files.exists(walPath) ? ByteSource.open(walPath) : null) {
            new SqliteSalvager().salvage(src, wal, null, DamageSink.collectingInto(new ArrayList<>()), rows::add);
        }
        Map<Long, SqliteBlobs.Blob> blobs = new HashMap<>();
        List<SqliteRow> refs = new ArrayList<>();
        for (SqliteRow r : rows) {
            if (!r.stateId().equals("live")) {
                continue;
            }
            if (r.table().equals("blobs")) {
                List<Object> v = r.values();
                // file_name is declared BLOB but Chromium binds text: accept both
                byte[] name = v.get(4) instanceof String t ? t.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : (byte[]) v.get(4);
                blobs.put(r.rowid(), new SqliteBlobs.Blob(r.rowid(), ((Number) v.get(1)).longValue(), (String) v.get(2),
                        (Long) v.get(3), name, (Long) v.get(5), (byte[]) v.get(6)));
            } else if (r.table().equals("blob_references")) {
                refs.add(r);
            }
        }
        refs.sort(Comparator.comparing(SqliteRow::rowid));
        List<Decoded> out = new ArrayList<>();
        for (SqliteRow r : rows) {
            if (!r.table().equals("records")) {
                continue;
            }
            List<SqliteBlobs.Blob> mine = new ArrayList<>();
            for (SqliteRow ref : refs) {
                Object record = ref.values().get(2);
                if (record instanceof Long l && l.equals(r.rowid())) {
                    mine.add(blobs.get(((Number) ref.values().get(1)).longValue()));
                }
            }
            long compression = ((Number) r.values().get(2)).longValue();
            DecodedValue v = IndexedDbValue.decodeSqlite((byte[]) r.values().get(4), compression, new SqliteBlobs(mine));
            out.add(new Decoded(key((byte[]) r.values().get(3)), r.stateId(), v));
        }
        return out;
    }

    /**
     * Only what these tests need of the SQLite backend's sortable key encoding: a string key (0x30, each code unit
     * below 0x7f written as one byte plus one, 0x00 at the end). The full decoding is dev.salvor.formats.chromium's.
     */
    private static String key(byte[] k) {
        StringBuilder b = new StringBuilder();
        if (k.length >= 2 && k[0] == 0x30 && k[k.length - 1] == 0) {
            for (int i = 1; i < k.length - 1; i++) {
                int c = k[i] & 0xff;
                if (c < 2 || c > 0x7f) {
                    return java.util.HexFormat.of().formatHex(k);
                }
                b.append((char) (c - 1));
            }
            return b.toString();
        }
        return java.util.HexFormat.of().formatHex(k);
    }
}
