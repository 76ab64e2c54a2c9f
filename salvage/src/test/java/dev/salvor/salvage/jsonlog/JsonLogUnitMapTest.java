package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.UnitMap;
import dev.salvor.formats.core.UnitState;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.Verb;
import dev.salvor.salvage.report.RunReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The maps of an event log's segments (fixtures/jsonlog, overlays on {@code clean}): each event's bytes verified,
 * the events at a chain break damaged (their whole extent in salvage, which sees each event's chain state; the
 * break's offset in check), a torn last event damaged.
 */
class JsonLogUnitMapTest {
    @TempDir
    Path tmp;

    /** The fixture as a directory: {@code clean}'s segments overlaid with the fixture's own files. */
    private Path assemble(String name) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        for (String from : List.of("clean", name)) {
            try (Stream<Path> s = Files.list(Fixtures.path("jsonlog/" + from))) {
                for (Path p : s.filter(p -> !p.getFileName().toString().equals("expected.json")).toList()) {
                    Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }

    private static RunReport run(Path dir, boolean salvage) throws IOException {
        Pipeline p = Pipeline.prepare(new Pipeline.Request(salvage ? "salvage" : "check", "test", List.of(dir),
                List.of(), null, null, Map.of(), Limits.DEFAULT, 2, false, Map.of()));
        return p.run(salvage ? Verb.salvage(new ByteArrayOutputStream()) : Verb.CHECK, done -> { });
    }

    private static FileResult file(RunReport r, String name) {
        return r.files().stream().filter(f -> f.file().endsWith(name)).findFirst().orElseThrow();
    }

    private static UnitMap.Run runAt(UnitMap map, long offset) {
        return map.runs().stream().filter(r -> r.offset() <= offset && offset < r.end()).findFirst().orElse(null);
    }

    /**
     * Offset and length of the event of {@code id} in the segment (a JSON array, one event a line: the object
     * without the comma after it).
     */
    private static long[] event(Path segment, String id) throws IOException {
        String text = new String(Files.readAllBytes(segment), StandardCharsets.ISO_8859_1);
        int start = text.indexOf("{\"id\":" + id + ",");
        int lineEnd = text.indexOf('\n', start);
        int end = text.lastIndexOf('}', lineEnd < 0 ? text.length() : lineEnd) + 1;
        return new long[] {start, end - start};
    }

    /** Offset of the segment's first event. */
    private static long first(Path segment) throws IOException {
        return new String(Files.readAllBytes(segment), StandardCharsets.ISO_8859_1).indexOf('{');
    }

    @Test
    void anEditedEventIsDamagedAndTheOtherEventsVerified() throws IOException {
        JsonNode exp = new ObjectMapper().readTree(Fixtures.path("jsonlog/edited-payload/expected.json").toFile());
        String id = exp.get("first_break").get("id").asText(); // 1234
        Path dir = assemble("edited-payload");
        long[] ev = event(dir.resolve("segment-000013.json"), id);

        RunReport salvaged = run(dir, true);
        FileResult seg = file(salvaged, "segment-000013.json");
        UnitMap map = seg.mapWithDamages();
        assertEquals(new UnitMap.Run(ev[0], ev[1], UnitState.DAMAGED), runAt(map, ev[0]), "the whole edited event");
        long firstEvent = first(dir.resolve("segment-000013.json"));
        assertEquals(UnitState.VERIFIED, runAt(map, firstEvent).state(), "the segment's first event");
        FileResult intact = file(salvaged, "segment-000001.json");
        long[] bytes = intact.mapWithDamages().bytesByState();
        assertEquals(0, bytes[UnitState.DAMAGED.ordinal()]);
        // every byte but the array's brackets, commas and line feeds is a verified event
        long lines = Files.readAllLines(dir.resolve("segment-000001.json")).size();
        assertTrue(bytes[UnitState.VERIFIED.ordinal()] >= intact.size() - 2 * lines, intact.size() + " vs "
                + bytes[UnitState.VERIFIED.ordinal()]);

        RunReport checked = run(dir, false);
        FileResult segChecked = file(checked, "segment-000013.json");
        Damage brk = segChecked.damages().stream().filter(d -> d.kind() == DamageKind.CHAIN_BREAK).findFirst()
                .orElseThrow();
        assertEquals(ev[0], brk.offset());
        assertEquals(UnitState.DAMAGED, runAt(segChecked.mapWithDamages(), brk.offset()).state());
        assertEquals(UnitState.VERIFIED, runAt(segChecked.mapWithDamages(), firstEvent).state());
    }

    @Test
    void aTornLastEventIsDamaged() throws IOException {
        Path dir = assemble("corrupted-suffix");
        long[] ev = event(dir.resolve("segment-000020.json"), "2000");
        FileResult seg = file(run(dir, false), "segment-000020.json");
        UnitMap.Run torn = runAt(seg.mapWithDamages(), ev[0]);
        assertEquals(UnitState.DAMAGED, torn.state());
        assertEquals(UnitState.VERIFIED, runAt(seg.mapWithDamages(), first(dir.resolve("segment-000020.json")))
                .state());
    }
}
