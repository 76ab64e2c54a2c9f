package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash-chained JSON events laid in an image (EventLog array segments out of chain order, a ledger in JSON Lines, a
 * tampered segment) at unaligned offsets between random and zero filler: runs of events whose hashes verify are
 * carved, and {@code salvage --carve} gives back every event with its image offset, chained across the runs.
 */
class JsonEventCarveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void filler(ByteArrayOutputStream img, Random rnd, boolean zero) {
        byte[] f = new byte[300 + rnd.nextInt(3000)];
        if (!zero) {
            rnd.nextBytes(f);
        }
        img.writeBytes(f);
        if (img.size() % 512 == 0) {
            img.write(7);
        }
    }

    private static List<Artifact> carve(byte[] image, int chunk) throws Exception {
        try (ByteSource src = ByteSource.of("image", image)) {
            return new Carver(src, 2, Limits.DEFAULT, chunk).carve(x -> { });
        }
    }

    @Test
    void segmentsAndLedgerComeBackChainedWithImageOffsets(@TempDir Path tmp) throws Exception {
        Path clean = Fixtures.path("jsonlog/clean");
        Random rnd = new Random(21);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        Set<String> expected = new TreeSet<>();
        int i = 0;
        // Segments 3, 1, 2: image order is not chain order.
        for (String s : new String[]{"segment-000003.json", "segment-000001.json", "segment-000002.json"}) {
            filler(img, rnd, i++ % 2 == 0);
            byte[] b = Files.readAllBytes(clean.resolve(s));
            int len = b.length - 1; // the file's last line feed follows the closing bracket
            expected.add("jsonlog-events@" + img.size() + "+" + len);
            img.writeBytes(b);
        }
        filler(img, rnd, false);
        byte[] ledger = Files.readAllBytes(Fixtures.path("jsonlog/ledger/ledger.jsonl"));
        expected.add("jsonlog-events@" + img.size() + "+" + (ledger.length - 1));
        img.writeBytes(ledger);
        filler(img, rnd, false);
        byte[] image = img.toByteArray();

        for (int chunk : new int[]{Carver.CHUNK, 4096, 1000}) {
            Set<String> found = new TreeSet<>();
            for (Artifact a : carve(image, chunk)) {
                found.add(a.kind().id() + "@" + a.offset() + "+" + a.length());
            }
            assertEquals(expected, found, "chunk " + chunk);
        }

        Path imageFile = tmp.resolve("events.img");
        Files.write(imageFile, image);
        List<JsonNode> rows = LevelDbFragmentCarveTest.salvage(tmp, "salvage", "--carve", imageFile.toString());
        Map<String, Integer> chainStates = new HashMap<>();
        Set<Long> ids = new TreeSet<>();
        int ledgerRows = 0;
        for (JsonNode r : rows) {
            assertEquals("jsonlog", r.get("format").asText(), r.toString());
            chainStates.merge(r.get("chain").asText(), 1, Integer::sum);
            JsonNode ev = r.get("event");
            // The image holds this very event at image_offset.
            long at = r.get("image_offset").asLong();
            JsonNode there = JSON.readTree(JSON.getFactory().createParser(image, (int) at, image.length - (int) at));
            assertEquals(ev, there, "image_offset " + at);
            if (ev.has("id")) {
                ids.add(ev.get("id").asLong());
            } else {
                ledgerRows++;
            }
        }
        Set<Long> want = new TreeSet<>();
        for (long id = 1; id <= 300; id++) {
            want.add(id);
        }
        assertEquals(want, ids, "events 1-300 of segments 1-3");
        int ledgerLines = (int) new String(ledger, java.nio.charset.StandardCharsets.UTF_8).lines().count();
        assertEquals(ledgerLines, ledgerRows);
        // Chained in link order across the three runs: every event verifies.
        assertEquals(Map.of("valid", 300 + ledgerLines), chainStates);
    }

    @Test
    void tamperedEventIsNotCarvedAndTheChainBreaksThere(@TempDir Path tmp) throws Exception {
        JsonNode expected = Fixtures.json(Fixtures.path("jsonlog/edited-payload/expected.json"));
        byte[] seg = Files.readAllBytes(Fixtures.path("jsonlog/edited-payload/segment-000013.json"));
        Random rnd = new Random(5);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        filler(img, rnd, false);
        img.writeBytes(seg);
        filler(img, rnd, true);
        byte[] image = img.toByteArray();
        List<Artifact> found = carve(image, 1 << 16);
        // The edited event splits the segment into two runs; it is in neither.
        assertEquals(2, found.size(), found.toString());
        Path imageFile = tmp.resolve("tampered.img");
        Files.write(imageFile, image);
        List<JsonNode> rows = LevelDbFragmentCarveTest.salvage(tmp, "salvage", "--carve", imageFile.toString());
        long edited = expected.get("first_break").get("id").asLong();
        List<Long> broken = new ArrayList<>();
        for (JsonNode r : rows) {
            long id = r.get("event").get("id").asLong();
            assertFalse(id == edited, "the edited event's hash does not verify: not carved");
            if (r.get("chain").asText().equals("broken")) {
                broken.add(id);
            } else if (!r.get("chain").asText().equals("valid")) {
                // The first event carved has a predecessor that is not in the image: an unanchored start.
                assertEquals(1201, id, r.toString());
            }
        }
        assertEquals(99, rows.size());
        assertEquals(List.of(edited + 1), broken, "the link after the missing event breaks");
    }
}
