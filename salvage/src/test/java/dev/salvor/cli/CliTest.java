package dev.salvor.cli;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @TempDir
    Path tmp;

    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().contains("a command is required"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("check", "--no-such-option", "x");
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().startsWith("salvor: "), r.err());
    }

    @Test
    void missingInputIsUnreadableWithOneLineReason() {
        CliRun r = CliRun.of("check", tmp.resolve("nope").toString());
        assertEquals(ExitCodes.UNREADABLE, r.exit());
        assertTrue(r.err().contains("cannot read " + tmp.resolve("nope") + ": no such file or directory"), r.err());
        assertTrue(r.err().strip().endsWith("verdict: UNREADABLE (exit 3)"), r.err());
    }

    @Test
    void unrecognisedContentIsUnreadable() throws IOException {
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, "just some text, no database here\n");
        CliRun r = CliRun.of("salvage", f.toString(), "-o", tmp.resolve("o.jsonl").toString());
        assertEquals(ExitCodes.UNREADABLE, r.exit(), r.err());
        assertTrue(r.err().contains(f + ": not recognised: 33 bytes of unrecognised content"), r.err());
        assertTrue(r.err().contains("salvor reads an SQLite database file"), r.err());
        assertFalse(Files.exists(tmp.resolve("o.jsonl")), "no output for a failed run");
    }

    @Test
    void unknownForcedFormatIsAUsageError() {
        CliRun r = CliRun.of("check", "--format", "oracle", Fixtures.path("leveldb/snappy/db").toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
    }

    @Test
    void versionAndHelp() {
        CliRun v = CliRun.of("--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("salvor "), v.out());
        CliRun h = CliRun.of("salvage", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("--output"), h.out());
    }

    @Test
    void refusesToWriteOutputIntoTheEvidence() {
        Path db = Fixtures.path("leveldb/snappy/db");
        CliRun r = CliRun.of("salvage", db.toString(), "-o", db.resolve("out.jsonl").toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("evidence is never overwritten"), r.err());
        assertFalse(Files.exists(db.resolve("out.jsonl")));
    }

    @Test
    void identifyNamesFormatRolesAndSequenceRange() {
        CliRun r = CliRun.of("identify", Fixtures.path("leveldb/snappy/db").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("000014.log"), r.out());
        assertTrue(r.out().contains("sequence_max=685"), r.out());
        assertTrue(r.out().contains("MANIFEST-000002"), r.out());
        assertTrue(r.out().contains("comparator=leveldb.BytewiseComparator"), r.out());
    }

    @Test
    void noRehashRecordsSizeAndMtimeCheck() throws Exception {
        CliRun r = CliRun.of("check", "--no-rehash", "--json", Fixtures.path("leveldb/snappy/db").toString());
        assertEquals(0, r.exit(), r.err());
        com.fasterxml.jackson.databind.JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        rep.get("inputs").forEach(in -> {
            assertTrue(in.get("sha256_after").isNull());
            assertEquals("size+mtime", in.get("after_check").asText());
            assertEquals(64, in.get("sha256").asText().length());
        });
    }

    @Test
    void checkLevelCrcIsNamedInTheReportAndAnUnknownLevelIsAUsageError() throws Exception {
        CliRun r = CliRun.of("check", "--level", "crc", "--json", Fixtures.path("leveldb/flipped-data-block/db")
                .toString());
        assertEquals(1, r.exit(), r.err());
        com.fasterxml.jackson.databind.JsonNode rep = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals("crc", rep.at("/options/level").asText());
        assertTrue(r.err().contains("crc-mismatch"), r.err());
        CliRun byDefault = CliRun.of("check", "--json", Fixtures.path("sqlite/basic/basic.db").toString());
        assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(byDefault.out()).at("/options/level")
                .isMissingNode(), "the default report is as it was");
        CliRun bad = CliRun.of("check", "--level", "quick", Fixtures.path("sqlite/basic/basic.db").toString());
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("not a check level (crc, structure, full)"), bad.err());
    }
}
