package dev.salvor.salvage.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.LevelDbLayout;
import dev.salvor.formats.leveldb.LevelDbSalvager;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.TempFileSpillStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ParallelJsonRecordSink} writes the bytes the serial {@link JsonLinesRecordSink} writes, in the same order,
 * with the same counts: over every LevelDB fixture salvaged (batches of 1, 3 and the default size, so hand-overs
 * fall everywhere) and over many random records; an output error reaches the merging thread.
 */
class ParallelJsonRecordSinkTest {

    private static byte[] salvage(Path db, int threads, int batch, Map<String, Long> counts) throws IOException {
        LevelDbSalvager s = new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(db)), Limits.DEFAULT,
                new TempFileSpillStore(), LevelDbSalvager.LOG_BUFFER_BYTES, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonLinesRecordSink json = new JsonLinesRecordSink(out);
             ParallelJsonRecordSink sink = new ParallelJsonRecordSink(json, threads, batch)) {
            s.run(sink, b -> { });
            sink.finish();
            counts.putAll(sink.counts());
        }
        return out.toByteArray();
    }

    @Test
    void everyFixtureSalvagesToTheSameBytes() throws IOException {
        Path root = Fixtures.path("leveldb");
        int records = 0;
        try (Stream<Path> cases = Files.list(root)) {
            for (Path dir : cases.sorted().toList()) {
                Path db = dir.resolve("db");
                if (!Files.isDirectory(db)) {
                    continue;
                }
                Map<String, Long> serialCounts = new java.util.LinkedHashMap<>();
                byte[] serial = salvage(db, 1, 1024, serialCounts);
                records += serialCounts.values().stream().mapToLong(Long::longValue).sum();
                for (int batch : new int[] {1, 3, 1024}) {
                    Map<String, Long> counts = new java.util.LinkedHashMap<>();
                    assertArrayEquals(serial, salvage(db, 2, batch, counts), dir + " batch " + batch);
                    assertEquals(serialCounts, counts, dir + " batch " + batch);
                }
            }
        }
        assertTrue(records > 1000, "the fixtures hold records: " + records);
    }

    private static Entry entry(Random rnd, int i) {
        byte[] key = ("key" + i).getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[rnd.nextInt(3000)];
        rnd.nextBytes(value);
        boolean delete = rnd.nextInt(6) == 0;
        return new Entry(key, i, delete ? ValueType.DELETION : ValueType.VALUE, delete ? null : value,
                "000012.ldb", EntryUnit.TABLE, 4096L * i, rnd.nextInt(4096), rnd.nextBoolean(), rnd.nextInt(3) - 1);
    }

    @Test
    void randomRecordsInTheSameOrder() throws IOException {
        Random rnd = new Random(14);
        RecordState[] states = RecordState.values();
        List<Object[]> records = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            List<Entry> copies = rnd.nextInt(5) == 0 ? List.of(entry(rnd, i)) : List.of();
            records.add(new Object[] {entry(rnd, i), states[rnd.nextInt(states.length)], copies, rnd.nextBoolean()});
        }
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        ByteArrayOutputStream parallel = new ByteArrayOutputStream();
        try (JsonLinesRecordSink a = new JsonLinesRecordSink(serial);
             JsonLinesRecordSink b = new JsonLinesRecordSink(parallel);
             ParallelJsonRecordSink p = new ParallelJsonRecordSink(b, 2)) {
            for (Object[] r : records) {
                @SuppressWarnings("unchecked")
                List<Entry> copies = (List<Entry>) r[2];
                a.accept((Entry) r[0], (RecordState) r[1], copies, (Boolean) r[3]);
                p.accept((Entry) r[0], (RecordState) r[1], copies, (Boolean) r[3]);
            }
            p.finish();
            assertEquals(a.counts(), p.counts());
        }
        assertTrue(serial.size() > 4 * (1 << 20), "several batches by bytes and by count");
        assertArrayEquals(serial.toByteArray(), parallel.toByteArray());
    }

    @Test
    void salvageEncodesOnASecondThreadOnlyFromThreeThreads() {
        assertEquals(1, LevelDbHandler.jsonThreads(1));
        assertEquals(1, LevelDbHandler.jsonThreads(2));
        assertEquals(2, LevelDbHandler.jsonThreads(3));
        assertEquals(2, LevelDbHandler.jsonThreads(16));
    }

    @Test
    void anOutputErrorReachesTheMerge() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        Random rnd = new Random(1);
        IOException e = assertThrows(IOException.class, () -> {
            try (JsonLinesRecordSink json = new JsonLinesRecordSink(failing);
                 ParallelJsonRecordSink p = new ParallelJsonRecordSink(json, 2, 8)) {
                for (int i = 0; i < 100_000; i++) {
                    p.accept(entry(rnd, i), RecordState.LIVE, List.of(), false);
                }
                p.finish();
            }
        });
        assertEquals("disk full", e.getMessage());
    }
}
