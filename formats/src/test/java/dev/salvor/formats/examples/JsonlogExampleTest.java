package dev.salvor.formats.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.jsonlog.BreakReason;
import dev.salvor.formats.jsonlog.ChainBreak;
import dev.salvor.formats.jsonlog.ChainReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's event-log verification on chains written by fixtures/jsonlog/generate.js (an implementation
 * independent of salvor), against the generator's expected.json.
 */
class JsonlogExampleTest {
    private static final Path JSONLOG = Fixtures.path("jsonlog");

    @TempDir
    Path tmp;

    @Test
    void anIntactChainVerifiesToItsLastEvent() throws IOException {
        JsonNode expected = Fixtures.json(JSONLOG.resolve("clean/expected.json"));
        JsonlogExample.Verified v = JsonlogExample.verify(JSONLOG.resolve("clean"));
        ChainReport chain = v.chain();

        assertEquals(List.of(), v.damage());
        assertTrue(chain.intact());
        assertEquals(expected.get("events").asLong(), chain.events());
        assertEquals(expected.get("ok_events").asLong(), chain.valid());
        assertEquals(expected.get("last_good").get("id").asText(), chain.lastGoodId());
        assertEquals(expected.get("last_good").get("hash").asText(), chain.lastGoodHash());
    }

    @Test
    void anEditedPayloadBreaksTheChainWhereTheGeneratorEditedIt() throws IOException {
        JsonNode expected = Fixtures.json(JSONLOG.resolve("edited-payload/expected.json"));
        JsonlogExample.Verified v = JsonlogExample.verify(overlay("edited-payload", expected));
        ChainReport chain = v.chain();

        assertFalse(chain.intact());
        List<String> breaks = new ArrayList<>();
        for (ChainBreak b : chain.breaks()) {
            breaks.add(b.file() + "#" + b.index() + " id=" + b.id() + " "
                    + b.reasons().stream().map(BreakReason::id).toList());
        }
        List<String> want = new ArrayList<>();
        for (JsonNode b : expected.get("breaks")) {
            List<String> reasons = new ArrayList<>();
            b.get("reasons").forEach(r -> reasons.add(r.asText()));
            want.add(b.get("file").asText() + "#" + b.get("index").asInt() + " id=" + b.get("id").asText() + " "
                    + reasons);
        }
        assertEquals(want, breaks);
        assertEquals(expected.get("events").asLong(), chain.events());
        assertEquals(expected.get("last_good").get("id").asText(), chain.lastGoodId());
        assertEquals(expected.get("last_good").get("hash").asText(), chain.lastGoodHash());
    }

    /** The fixture's files over its base's (fixtures/jsonlog/README.md: damaged cases are overlays of clean). */
    private Path overlay(String name, JsonNode expected) throws IOException {
        assertTrue(expected.get("removed").isEmpty(), "no base file removed in " + name);
        Path dir = Files.createDirectory(tmp.resolve(name));
        for (Path layer : List.of(JSONLOG.resolve(expected.get("base").asText()), JSONLOG.resolve(name))) {
            try (Stream<Path> files = Files.list(layer)) {
                for (Path f : files.filter(f -> !f.getFileName().toString().equals("expected.json")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }
}
