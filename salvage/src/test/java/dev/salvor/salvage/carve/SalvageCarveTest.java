package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.cli.Main;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code salvage --carve}: the records of LevelDB tables and a log and of a SQLite database laid in an image come
 * back as from the original files, each with an {@code image_offset} inside the artifact it came from.
 */
class SalvageCarveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> salvage(Path tmp, String... args) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime() + ".jsonl");
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "-o";
        full[args.length + 1] = out.toString();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = Main.run(full, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(se, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, "intact artifacts, no damage: " + se.toString(StandardCharsets.UTF_8));
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            rows.add(JSON.readTree(l));
        }
        return rows;
    }

    /** Records without their location, counted (a multiset). */
    private static TreeMap<String, Integer> content(List<JsonNode> rows, String format) {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (JsonNode r : rows) {
            if (!format.equals(r.path("format").asText())) {
                continue;
            }
            String k = format.equals("leveldb")
                    ? r.get("seq") + " " + r.get("op") + " " + r.get("key") + " " + r.get("value") + " " + r.get("state")
                    : r.get("table") + " " + r.get("rowid") + " " + r.get("values") + " " + r.get("state");
            m.merge(k, 1, Integer::sum);
        }
        return m;
    }

    @Test
    void recordsFromCarvedArtifactsMatchTheOriginalsWithImageOffsets(@TempDir Path tmp) throws Exception {
        Path db = Fixtures.path("leveldb/snappy/db");
        Path sqlite = Fixtures.path("sqlite/basic/basic.db");
        String[] files = {"000005.ldb", "000007.ldb", "000009.ldb", "000011.ldb", "000013.ldb", "000015.ldb",
                "000014.log"};
        Random rnd = new Random(3);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<long[]> extents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= files.length; i++) {
            byte[] filler = new byte[1000 + rnd.nextInt(3000)];
            rnd.nextBytes(filler);
            img.write(filler);
            int pad = (512 - img.size() % 512) % 512;
            img.write(new byte[pad]);
            byte[] b = Files.readAllBytes(i < files.length ? db.resolve(files[i]) : sqlite);
            extents.add(new long[]{img.size(), b.length});
            names.add(i < files.length ? files[i] : "basic.db");
            img.write(b);
        }
        Path image = tmp.resolve("disk.img");
        Files.write(image, img.toByteArray());

        List<JsonNode> carved = salvage(tmp, "salvage", "--carve", image.toString());
        List<JsonNode> fromDb = salvage(tmp, "salvage", db.toString());
        List<JsonNode> fromSqlite = salvage(tmp, "salvage", sqlite.toString());

        assertTrue(content(fromDb, "leveldb").size() > 0);
        assertEquals(content(fromDb, "leveldb"), content(carved, "leveldb"));
        assertTrue(content(fromSqlite, "sqlite").size() > 0);
        assertEquals(content(fromSqlite, "sqlite"), content(carved, "sqlite"));
        for (JsonNode r : carved) {
            JsonNode io = r.get("image_offset");
            assertNotNull(io, r.toString());
            long at = io.asLong();
            boolean inside = false;
            for (long[] e : extents) {
                inside |= at >= e[0] && at < e[0] + e[1] && at - e[0] == Math.max(0, r.path("offset").asLong(-1));
            }
            assertTrue(inside, "image_offset " + at + " not inside an artifact at the record's offset: " + r);
        }
        assertEquals(List.of(), listHidden(tmp), "temporary carve directory removed");
    }

    @Test
    void randomImageFindsNothingAndSaysSo(@TempDir Path tmp) throws Exception {
        byte[] b = new byte[1 << 20];
        new Random(5).nextBytes(b);
        Path image = tmp.resolve("random.img");
        Files.write(image, b);
        Path out = tmp.resolve("out.jsonl");
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"salvage", "--carve", image.toString(), "-o", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(se, true, StandardCharsets.UTF_8));
        // nothing verified is never CLEAN: exit 3, and no empty file that looks like a result
        assertEquals(3, rc, se.toString(StandardCharsets.UTF_8));
        assertTrue(se.toString(StandardCharsets.UTF_8).contains("no artifact of a known format"));
        assertFalse(Files.exists(out));
    }

    private static List<Path> listHidden(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".salvor-carve-")).toList();
        }
    }
}
