package dev.salvor.salvage;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.CheckLevel;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;
import dev.salvor.salvage.report.InputStatus;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code check --level}: over every LevelDB and SQLite fixture (and a hash-chained log), what the checksum level
 * finds is a subset of what the default level finds, every checksum damage of the default level is found at the
 * checksum level too (same file, kind and offset), a clean fixture verifies units at every level, and {@code full}
 * finds what the default finds.
 */
class CheckLevelTest {

    static List<Path> fixtures() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Fixtures.path("leveldb"))) {
            s.map(p -> p.resolve("db")).filter(Files::isDirectory).sorted().forEach(out::add);
        }
        try (Stream<Path> s = Files.walk(Fixtures.path("sqlite"), 2)) {
            s.filter(p -> p.getFileName().toString().endsWith(".db")).filter(Files::isRegularFile).sorted()
                    .forEach(out::add);
        }
        out.add(Fixtures.path("jsonlog/clean"));
        return out;
    }

    private static RunReport check(Path input, CheckLevel level) throws IOException {
        Pipeline.Request r = new Pipeline.Request("check", "test", List.of(input), List.of(), null, null, Map.of(),
                Limits.DEFAULT, 2, false, Map.of(CheckLevel.class, level));
        try (Pipeline p = Pipeline.prepare(r)) {
            return p.run(Verb.CHECK, Progress.NONE);
        }
    }

    /** Each damage as file, kind and offset. */
    private static Set<String> damages(RunReport r, DamageKind only) {
        Set<String> out = new TreeSet<>();
        for (FileResult f : r.files()) {
            for (Damage d : f.damages()) {
                if (only == null || d.kind() == only) {
                    out.add(f.file() + " " + d.kind() + " @" + d.offset() + "+" + d.length());
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void crcFindsASubsetOfStructureAndEveryChecksumDamage(Path input) throws IOException {
        RunReport crc = check(input, CheckLevel.CRC);
        RunReport structure = check(input, CheckLevel.STRUCTURE);
        Set<String> atCrc = damages(crc, null);
        Set<String> atStructure = damages(structure, null);
        Set<String> extra = new TreeSet<>(atCrc);
        extra.removeAll(atStructure);
        assertTrue(extra.isEmpty(), input + ": found at crc but not at structure: " + extra);
        Set<String> crcAtStructure = damages(structure, DamageKind.CRC_MISMATCH);
        assertTrue(atCrc.containsAll(crcAtStructure), input + ": checksum damage of the default level missed at crc: "
                + crcAtStructure + " vs " + atCrc);
        if (structure.status() == InputStatus.CLEAN) {
            assertTrue(crc.unitsVerified() > 0, input + ": clean, yet nothing verified at crc");
            assertEquals(InputStatus.CLEAN, crc.status(), input.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fullFindsWhatStructureFinds(Path input) throws IOException {
        assertEquals(damages(check(input, CheckLevel.STRUCTURE), null), damages(check(input, CheckLevel.FULL), null),
                input.toString());
    }

    @Test
    void theChecksumFixturesAreCaughtAtCrc() throws IOException {
        for (String f : List.of("leveldb/flipped-data-block/db", "leveldb/log-bad-crc/db")) {
            RunReport crc = check(Fixtures.path(f), CheckLevel.CRC);
            assertTrue(!damages(crc, DamageKind.CRC_MISMATCH).isEmpty(), f + ": " + damages(crc, null));
            assertEquals(InputStatus.DAMAGED, crc.status(), f);
        }
    }

    @Test
    void crcCountsTheBlocksWhoseChecksumVerified() throws IOException {
        RunReport crc = check(Fixtures.path("leveldb/snappy/db"), CheckLevel.CRC);
        RunReport structure = check(Fixtures.path("leveldb/snappy/db"), CheckLevel.STRUCTURE);
        assertEquals(structure.unitsVerified(), crc.unitsVerified(), "tables: data blocks, logs: records");
        for (FileResult f : crc.files()) {
            assertTrue(!f.facts().containsKey("entries"), f.file() + ": entries are not walked at crc");
        }
    }
}
