package dev.salvor.salvage.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names in archives and manifests, and the manifest's own validation. */
class EntryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "000005.ldb", "segment-000001.json", "dir/sub/file", "relatório ação.txt", "😂",
            ".hidden", "a..b", "...", "MANIFEST-000002"})
    void safeNames(String name) {
        assertNull(EntryName.problem(name), name);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "../x|'..' segment", "a/../../x|'..' segment", "./a|'.' segment", "a/.|'.' segment", "..|'..' segment",
            "/abs|absolute path", "a//b|empty path segment", "a/|empty path segment",
            "C:\\x|colon", "a\\b|backslash", "a:b|colon"})
    void unsafeNames(String name, String problem) {
        String p = EntryName.problem(name);
        assertTrue(p != null && p.contains(problem), name + ": " + p);
    }

    @Test
    void controlCharactersNulLoneSurrogatesAndLengths() {
        assertTrue(EntryName.problem("a\u0000b").contains("NUL"));
        assertTrue(EntryName.problem("a\nb").contains("U+000A"));
        assertTrue(EntryName.problem("a\u007fb").contains("U+007F"));
        assertTrue(EntryName.problem("a\uFFFDb").contains("not valid UTF-8"));
        assertTrue(EntryName.problem("a\uD800b").contains("lone surrogate"));
        assertTrue(EntryName.problem("").contains("empty"));
        assertNull(EntryName.problem("x".repeat(255)));
        assertTrue(EntryName.problem("x".repeat(256)).contains("255"));
        assertTrue(EntryName.problem("é".repeat(128)).contains("255"), "bytes, not characters");
        assertTrue(EntryName.problem(("d".repeat(200) + "/").repeat(21) + "f").contains("4096"));
    }

    @Test
    void foldKeyMeetsCaseAndNormalisation() {
        assertEquals(EntryName.foldKey("README.txt"), EntryName.foldKey("readme.TXT"));
        assertEquals(EntryName.foldKey("caf\u00e9"), EntryName.foldKey("cafe\u0301"));
        assertEquals(EntryName.foldKey("stra\u00dfe"), EntryName.foldKey("STRASSE"));
        assertNotEquals(EntryName.foldKey("a"), EntryName.foldKey("b"));
    }

    @Test
    void quoteEscapesControlCharacters() {
        assertEquals("'a\\u000ab'", EntryName.quote("a\nb"));
    }

    private static byte[] manifest(List<BackupManifest.FileEntry> files, List<String> dirs) {
        return new BackupManifest(1, "2025-12-23T10:00:00Z", "t", "l", "/s", "directory", files, dirs, List.of(),
                List.of(), "unchecked", 0, Map.of()).toJson();
    }

    private static BackupManifest.FileEntry f(String path) {
        return new BackupManifest.FileEntry(path, 1, "0".repeat(64), null);
    }

    @Test
    void manifestRoundTripsThroughItsJson() throws Exception {
        byte[] json = manifest(List.of(f("a"), f("d/b")), List.of("d", "e"));
        BackupManifest m = BackupManifest.parse(json, "m");
        assertEquals(List.of("a", "d/b"), m.files().stream().map(BackupManifest.FileEntry::path).toList());
        assertEquals(List.of("d", "e"), m.directories());
        assertEquals(new String(json, StandardCharsets.UTF_8), new String(m.toJson(), StandardCharsets.UTF_8));
    }

    @Test
    void manifestCollisionsAreRefused() {
        assertThrows(BackupManifest.ManifestException.class, () -> BackupManifest.parse(
                manifest(List.of(f("a"), f("a")), List.of()), "m"), "duplicate");
        assertThrows(BackupManifest.ManifestException.class, () -> BackupManifest.parse(
                manifest(List.of(f("a"), f("A")), List.of()), "m"), "case");
        assertThrows(BackupManifest.ManifestException.class, () -> BackupManifest.parse(
                manifest(List.of(f("a"), f("a/b")), List.of()), "m"), "a file that is also a parent");
        assertThrows(BackupManifest.ManifestException.class, () -> BackupManifest.parse(
                manifest(List.of(f("a")), List.of("a")), "m"), "a file that is also a directory");
    }

    @Test
    void manifestMembersAreTyped() {
        String base = new String(manifest(List.of(f("a")), List.of()), StandardCharsets.UTF_8);
        for (String bad : List.of(base.replace("\"size\" : 1", "\"size\" : -1"),
                base.replace("\"size\" : 1", "\"size\" : \"1\""),
                base.replace("0".repeat(64), "0".repeat(63)),
                base.replace("0".repeat(64), "A".repeat(64)),
                base.replace("\"version\" : 1", "\"version\" : 2"),
                base.replace("\"created_at\" : \"2025-12-23T10:00:00Z\"", "\"created_at\" : \"yesterday\""),
                base + "{}", "[]", "", "{\"format\":\"salvor-backup\",\"version\":1,\"created_at\":"
                        + "\"2025-12-23T10:00:00Z\",\"files\":[{\"path\":\"a\",\"size\":1,\"sha256\":\"" + "0".repeat(64)
                        + "\",\"path\":\"b\"}],\"directories\":[]}")) {
            assertThrows(BackupManifest.ManifestException.class,
                    () -> BackupManifest.parse(bad.getBytes(StandardCharsets.UTF_8), "m"), bad);
        }
    }
}
