package dev.salvor.salvage.leveldb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.JsonBytes;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.RecordState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link JsonLinesRecordSink} writes byte for byte what the Jackson generator wrote for the same LevelDB records
 * (keys and values that are text, text with control characters and U+2028, or bytes that are not UTF-8; tables and
 * logs; levels; copies; stale marks; extreme offsets and sequence numbers), counts them by state, and puts
 * {@code image_offset} first when told where the records lie in an image.
 */
class JsonLinesRecordSinkTest {

    /** The records as the sink wrote them with Jackson. */
    private static byte[] jackson(List<Object[]> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        for (Object[] r : records) {
            Entry e = (Entry) r[0];
            @SuppressWarnings("unchecked")
            List<Entry> copies = (List<Entry>) r[2];
            g.writeStartObject();
            g.writeStringField("format", "leveldb");
            g.writeStringField("file", e.file());
            g.writeNumberField("offset", e.offset());
            g.writeStringField("unit", e.unit().id());
            if (e.unit() == EntryUnit.TABLE) {
                g.writeNumberField("offset_in_block", e.offsetInBlock());
            } else {
                g.writeNumberField("batch_index", e.offsetInBlock());
            }
            if (e.level() >= 0) {
                g.writeNumberField("level", e.level());
            }
            g.writeNumberField("seq", e.sequence());
            g.writeStringField("op", e.type() == ValueType.VALUE ? "put" : "delete");
            g.writeFieldName("key");
            JsonBytes.write(g, e.userKey());
            g.writeFieldName("value");
            JsonBytes.write(g, e.type() == ValueType.VALUE ? e.value() : null);
            g.writeStringField("state", ((RecordState) r[1]).id());
            g.writeBooleanField("crc_ok", e.crcOk());
            if ((Boolean) r[3]) {
                g.writeBooleanField("maybe_stale", true);
            }
            if (!copies.isEmpty()) {
                g.writeArrayFieldStart("copies");
                for (Entry c : copies) {
                    g.writeStartObject();
                    g.writeStringField("file", c.file());
                    g.writeNumberField("offset", c.offset());
                    g.writeStringField("unit", c.unit().id());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        if (!records.isEmpty()) {
            g.writeRaw('\n');
        }
        g.flush();
        return out.toByteArray();
    }

    private static byte[] randomBytes(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0: {
                byte[] b = new byte[rnd.nextInt(40)];
                rnd.nextBytes(b);
                return b;
            }
            case 1:
                return ("k\u2028\u0000\"\\\t é€\ud83d\ude00 " + rnd.nextInt()).getBytes(StandardCharsets.UTF_8);
            case 2:
                return new byte[] {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80}; // a surrogate: not UTF-8
            default:
                return ("user:" + rnd.nextInt(1_000_000)).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static Entry randomEntry(Random rnd) {
        boolean table = rnd.nextBoolean();
        boolean delete = rnd.nextInt(5) == 0;
        long[] big = {0, 1, Long.MAX_VALUE, (1L << 56) - 1, rnd.nextLong() >>> 1};
        return new Entry(randomBytes(rnd), big[rnd.nextInt(big.length)], delete ? ValueType.DELETION : ValueType.VALUE,
                delete ? null : randomBytes(rnd), table ? "000012.ldb" : "dir/\"odd\" é.log", table ? EntryUnit.TABLE : EntryUnit.LOG,
                big[rnd.nextInt(big.length)], rnd.nextInt(Integer.MAX_VALUE), rnd.nextBoolean(),
                rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(7));
    }

    private static List<Object[]> randomRecords(Random rnd) {
        List<Object[]> records = new ArrayList<>();
        RecordState[] states = RecordState.values();
        for (int i = rnd.nextInt(30); i > 0; i--) {
            List<Entry> copies = new ArrayList<>();
            for (int c = rnd.nextInt(3); c > 0; c--) {
                copies.add(randomEntry(rnd));
            }
            records.add(new Object[] {randomEntry(rnd), states[rnd.nextInt(states.length)], copies,
                rnd.nextInt(4) == 0});
        }
        return records;
    }

    @Test
    void sameBytesAsJacksonAndCountsByState() throws IOException {
        Random rnd = new Random(20261207);
        for (int round = 0; round < 300; round++) {
            List<Object[]> records = randomRecords(rnd);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Map<String, Long> counts;
            try (JsonLinesRecordSink sink = new JsonLinesRecordSink(out)) {
                for (Object[] r : records) {
                    @SuppressWarnings("unchecked")
                    List<Entry> copies = (List<Entry>) r[2];
                    sink.accept((Entry) r[0], (RecordState) r[1], copies, (Boolean) r[3]);
                }
                counts = sink.counts();
            }
            assertArrayEquals(jackson(records), out.toByteArray(), "round " + round);
            for (String state : counts.keySet()) {
                assertEquals(records.stream().filter(r -> ((RecordState) r[1]).id().equals(state)).count(), counts.get(state));
            }
            assertEquals(records.size(), counts.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void imageOffsetComesFirstWhereKnown() throws IOException {
        Entry inImage = new Entry("k".getBytes(StandardCharsets.US_ASCII), 5, ValueType.VALUE,
                "v".getBytes(StandardCharsets.US_ASCII), "000005.ldb", EntryUnit.TABLE, 4096, 12, true, 0);
        Entry elsewhere = new Entry("k".getBytes(StandardCharsets.US_ASCII), 4, ValueType.DELETION, null,
                "000003.log", EntryUnit.LOG, 7, 0, true, -1);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteArrayOutputStream carved = new ByteArrayOutputStream();
        try (JsonLinesRecordSink a = new JsonLinesRecordSink(plain);
             JsonLinesRecordSink b = new JsonLinesRecordSink(carved,
                     (file, offset) -> file.equals("000005.ldb") ? 1_000_000 + offset : -1)) {
            for (JsonLinesRecordSink s : List.of(a, b)) {
                s.accept(inImage, RecordState.LIVE, List.of(), false);
                s.accept(elsewhere, RecordState.DELETED, List.of(), false);
            }
        }
        String[] p = plain.toString(StandardCharsets.UTF_8).split("\n");
        String[] c = carved.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("{\"image_offset\":1004096," + p[0].substring(1), c[0]);
        assertEquals(p[1], c[1]);
    }
}
