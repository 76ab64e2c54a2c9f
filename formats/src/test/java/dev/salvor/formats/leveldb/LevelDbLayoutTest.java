package dev.salvor.formats.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.SourceSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files are classified by content through their byte sources, whether they are files on disk or carved regions. */
class LevelDbLayoutTest {

    /** A member held in memory, as a region carved out of an image would be: no path on disk. */
    private record InMemory(String name, byte[] data) implements SourceSet.Member {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public ByteSource open() {
            return ByteSource.of(name, data);
        }
    }

    private static List<String> describe(LevelDbLayout layout) {
        return layout.files().stream().map(f -> f.name() + " " + f.role() + " " + f.number() + " " + f.how()).toList();
    }

    @Test
    void aDatabaseDirectoryIsClassifiedByContent() throws IOException {
        LevelDbLayout layout = LevelDbLayout.of(SourceSet.of(Fixtures.path("leveldb/open-log/db")));
        assertEquals(List.of("000005.ldb TABLE 5 TABLE_MAGIC", "000006.log LOG 6 FIRST_RECORD",
                "000007.ldb TABLE 7 TABLE_MAGIC", "CURRENT CURRENT -1 NAME", "LOG INFO_LOG -1 NAME_TEXT",
                "MANIFEST-000002 MANIFEST 2 FIRST_RECORD"), describe(layout));
        assertEquals("MANIFEST-000002", layout.currentManifest().orElseThrow());
        assertTrue(layout.looksLikeLevelDb());
        assertTrue(layout.damages().isEmpty());
    }

    @Test
    void membersWithoutPathsAreClassifiedAlike() throws IOException {
        Path dir = Fixtures.path("leveldb/open-log/db");
        List<SourceSet.Member> members = new ArrayList<>();
        for (SourceSet.Member m : SourceSet.of(dir).members()) {
            members.add(new InMemory(m.name(), Files.readAllBytes(dir.resolve(m.name()))));
        }
        LevelDbLayout onDisk = LevelDbLayout.of(SourceSet.of(dir));
        LevelDbLayout inMemory = LevelDbLayout.of(SourceSet.of("image regions", true, members));
        assertEquals(describe(onDisk), describe(inMemory));
        assertEquals(onDisk.currentManifest(), inMemory.currentManifest());
    }

    @Test
    void aNameAloneDoesNotMakeLevelDb() throws IOException {
        byte[] text = "not a log record".getBytes(StandardCharsets.US_ASCII);
        LevelDbLayout layout = LevelDbLayout.of(SourceSet.of("dir", true,
                List.of(new InMemory("000001.log", text), new InMemory("notes.txt", text))));
        assertEquals(List.of("000001.log LOG 1 NAME_ONLY", "notes.txt OTHER -1 NOT_RECOGNISED"), describe(layout));
        assertFalse(layout.looksLikeLevelDb());
        assertEquals(List.of("CURRENT is missing: every MANIFEST, log and table in the directory is read"),
                layout.notes());
        assertEquals(1, layout.damages().size(), "logs without CURRENT cannot be opened by LevelDB");
    }

    @Test
    void aCarvedMemberIsNamedByItsLastComponent() throws IOException {
        Path table = Fixtures.path("leveldb/open-log/db/000005.ldb");
        LevelDbLayout layout = LevelDbLayout.of(SourceSet.of("image", false,
                List.of(new InMemory("carved/000005.ldb", Files.readAllBytes(table)))));
        LevelDbFile f = layout.files().get(0);
        assertEquals("000005.ldb", f.fileName());
        assertEquals("carved/000005.ldb", f.name());
        assertEquals(5, f.number());
    }
}
