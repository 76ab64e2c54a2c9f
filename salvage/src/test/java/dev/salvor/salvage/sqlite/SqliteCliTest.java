package dev.salvor.salvage.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.CliRun;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.salvage.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQLite through the CLI, over databases written by the real sqlite3 (fixtures/sqlite): live rows equal the ground
 * truth recorded while generating, every row carries the schema v1 fields, the WAL and journal beside the database
 * are read, and the evidence is byte-identical afterwards.
 */
class SqliteCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Normalises a ground-truth SQL literal (quote() output) or a JSON value to one comparable string. */
    static String fromSql(String lit) {
        if (lit.equals("NULL")) {
            return "null";
        }
        if (lit.startsWith("'")) {
            return "t:" + lit.substring(1, lit.length() - 1).replace("''", "'");
        }
        if (lit.startsWith("X'")) {
            return "b:" + lit.substring(2, lit.length() - 1).toUpperCase();
        }
        if (lit.contains(".") || lit.contains("e") || lit.contains("E") || lit.contains("Inf")) {
            return "r:" + Double.parseDouble(lit);
        }
        return "i:" + Long.parseLong(lit);
    }

    static String fromJson(JsonNode v) {
        if (v.isNull()) {
            return "null";
        }
        if (v.isObject() && v.has("base64")) {
            return "b:" + HexFormat.of().withUpperCase().formatHex(Base64.getDecoder().decode(v.get("base64").asText()));
        }
        if (v.isTextual()) {
            return "t:" + v.asText();
        }
        if (v.isIntegralNumber()) {
            return "i:" + v.asLong();
        }
        return "r:" + v.asDouble();
    }

    static Path db(String c) throws IOException {
        JsonNode gt = Fixtures.json(Fixtures.path("sqlite/" + c + "/ground-truth.json"));
        return Fixtures.path("sqlite/" + c + "/" + gt.get("db").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "wal", "journal", "p512-utf16le", "p65536-utf16be"})
    void liveRowsEqualTheGroundTruthAndEvidenceIsUntouched(String c) throws IOException {
        JsonNode gt = Fixtures.json(Fixtures.path("sqlite/" + c + "/ground-truth.json"));
        Path db = db(c);
        List<Path> inputs = new ArrayList<>(List.of(db));
        for (String side : List.of("-wal", "-journal")) {
            Path p = db.resolveSibling(db.getFileName() + side);
            if (Files.exists(p)) {
                inputs.add(p);
            }
        }
        Map<Path, String> before = new TreeMap<>();
        for (Path p : inputs) {
            before.put(p, Sha256.ofFile(p));
        }
        Path out = tmp.resolve("rows.jsonl");
        CliRun r = CliRun.of("salvage", db.toString(), "-o", out.toString(), "--report", tmp.resolve("r.json").toString());
        assertEquals(0, r.exit(), r.err());
        TreeSet<String> expected = new TreeSet<>();
        for (JsonNode row : gt.get("live")) {
            List<String> vals = new ArrayList<>();
            row.get("values").forEach(v -> vals.add(fromSql(v.asText())));
            expected.add(row.get("table").asText() + "|" + row.path("rowid").asText("") + "|" + vals);
        }
        TreeSet<String> live = new TreeSet<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            for (String f : List.of("format", "file", "table", "rowid", "values", "state", "source", "page", "offset")) {
                assertTrue(row.has(f), "schema v1 field " + f + " missing: " + line);
            }
            assertEquals("sqlite", row.get("format").asText());
            if (row.get("state").asText().equals("live")) {
                List<String> vals = new ArrayList<>();
                row.get("values").forEach(v -> vals.add(fromJson(v)));
                live.add(row.get("table").asText() + "|" + (row.get("rowid").isNull() ? "" : row.get("rowid").asText())
                        + "|" + vals);
            }
        }
        assertEquals(expected, live);
        JsonNode report = JSON.readTree(tmp.resolve("r.json").toFile());
        assertEquals(inputs.size(), report.get("inputs").size(), "the WAL/journal beside the database are inputs");
        for (Path p : inputs) {
            assertEquals(before.get(p), Sha256.ofFile(p), "evidence byte-identical: " + p);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zeroed-header", "page1-destroyed", "garbage-interior", "garbage-run", "truncated",
            "wal-torn"})
    void damagedDatabasesExitOneAndStillYieldRows(String c) throws IOException {
        Path out = tmp.resolve("rows.jsonl");
        CliRun r = CliRun.of("salvage", db(c).toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(Files.readAllLines(out).size() > 10, "rows still salvaged: " + r.err());
        CliRun check = CliRun.of("check", db(c).toString(), "--json");
        assertEquals(1, check.exit(), check.err());
        JsonNode rep = JSON.readTree(check.out());
        assertTrue(rep.get("totals").get("damages").asLong() > 0);
    }

    @Test
    void cleanCheckExitsZero() throws IOException {
        CliRun r = CliRun.of("check", db("basic").toString());
        assertEquals(0, r.exit(), r.err());
    }
}
