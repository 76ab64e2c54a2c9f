package dev.salvor.formats.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's LevelDB examples on databases written by the real C++ LevelDB, against the ground truth the
 * fixture generator recorded ({@code ground-truth.json}, {@code expected.json}), not against salvor's own output.
 */
class LevelDbExamplesTest {
    private static final Path SNAPPY = Fixtures.path("leveldb/snappy");
    private static final Path ZEROED = Fixtures.path("leveldb/zeroed-4k");

    @Test
    void listTableListsEveryEntryOfEveryTable() throws IOException {
        JsonNode tables = Fixtures.json(SNAPPY.resolve("ground-truth.json")).get("layout").get("tables");
        assertEquals(6, tables.size(), "tables in ground truth");
        for (JsonNode t : tables) {
            long expected = 0;
            for (JsonNode b : t.get("data_blocks")) {
                expected += b.get("entries").asLong();
            }
            List<String> lines = listTable(SNAPPY.resolve("db").resolve(t.get("name").asText()));
            String name = t.get("name").asText();
            assertEquals(expected, lines.size(), name + ": one line per entry, no damage line");
            assertTrue(lines.stream().allMatch(l -> l.endsWith("crcOk=true")), name + ": every block verifies");
        }
    }

    @Test
    void listTableNamesTheKeyOfTheFirstEntry() throws IOException {
        List<String> lines = listTable(SNAPPY.resolve("db").resolve("000005.ldb"));
        // README of fixtures/leveldb: the first block of snappy/000005.ldb holds the dense keys n/NNNNN
        assertTrue(lines.get(0).startsWith("'n/00000' @ "), lines.get(0));
    }

    @Test
    void checkOfACleanDatabaseFindsNoDamageAndVerifiesEveryDataBlock() throws IOException {
        JsonNode truth = Fixtures.json(SNAPPY.resolve("ground-truth.json"));
        long blocks = 0;
        long entries = 0;
        for (JsonNode t : truth.get("layout").get("tables")) {
            for (JsonNode b : t.get("data_blocks")) {
                blocks++;
                entries += b.get("entries").asLong();
            }
        }
        LevelDbCheckExample.Checked checked = LevelDbCheckExample.check(SNAPPY.resolve("db"));

        assertEquals(List.of(), checked.damage());
        List<FileResult> tables = checked.files().stream().filter(f -> f.role().equals("table")).toList();
        assertEquals(truth.get("layout").get("tables").size(), tables.size());
        assertEquals(blocks, tables.stream().mapToLong(FileResult::unitsVerified).sum(), "data blocks verified");
        assertEquals(entries, tables.stream().mapToLong(f -> (Long) f.facts().get("entries")).sum(), "table entries");
        assertEquals(0, checked.files().stream().mapToLong(FileResult::unitsDamaged).sum());
    }

    @Test
    void checkOfADamagedDatabaseLocatesTheZeroedSector() throws IOException {
        JsonNode expected = Fixtures.json(ZEROED.resolve("expected.json"));
        assertEquals(1, expected.get("exit_code").asInt(), "the fixture is a damaged database");
        JsonNode range = expected.get("damage").get(0);

        LevelDbCheckExample.Checked checked = LevelDbCheckExample.check(ZEROED.resolve("db"));

        assertFalse(checked.damage().isEmpty());
        for (Damage d : checked.damage()) {
            assertEquals(range.get("file").asText(), d.resource(), d.toString());
            assertTrue(d.offset() < range.get("hi").asLong() && d.end() > range.get("lo").asLong(),
                    "inside the damaged range [" + range.get("lo") + ", " + range.get("hi") + "): " + d);
        }
    }

    private static List<String> listTable(Path table) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ListTable.list(table, out);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
