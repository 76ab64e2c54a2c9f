package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.leveldb.LogEncoders.Batch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.salvor.formats.leveldb.LogEncoders.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteBatchTest {
    private final List<Damage> damages = new ArrayList<>();
    private final DamageSink sink = DamageSink.collectingInto(damages);

    private List<String> texts() {
        return damages.stream().map(Damage::toString).toList();
    }

    @Test
    void roundTrip() {
        byte[] binKey = {(byte) 0xff, 0, (byte) 0x80};
        byte[] payload = new Batch(100).put("k1", "v1").delete("k2").put(binKey, new byte[0]).bytes();
        WriteBatch b = WriteBatch.decode(payload, "test.log", 64, sink);
        assertEquals(List.of(), texts());
        assertEquals(100, b.sequence());
        assertEquals(3, b.count());
        assertTrue(b.complete());
        assertEquals(List.of(new BatchEntry(100, ValueType.VALUE, utf8("k1"), utf8("v1"), 0),
                new BatchEntry(101, ValueType.DELETION, utf8("k2"), null, 1),
                new BatchEntry(102, ValueType.VALUE, binKey, new byte[0], 2)), b.entries());
    }

    @Test
    void emptyBatch() {
        WriteBatch b = WriteBatch.decode(new Batch(5).bytes(), "test.log", 0, sink);
        assertEquals(List.of(), texts());
        assertEquals(0, b.count());
        assertTrue(b.entries().isEmpty());
        assertTrue(b.complete());
    }

    @Test
    void shorterThanItsHeader() {
        WriteBatch b = WriteBatch.decode(new byte[5], "test.log", 64, sink);
        assertEquals(List.of("write batch shorter than its sequence/count header: actual=5 bytes vs expected=12"
                + " bytes (truncated) (resource=test.log, offset=0x40, length=0)"), texts());
        assertEquals(-1, b.sequence());
        assertEquals(-1, b.count());
        assertTrue(b.entries().isEmpty());
        assertFalse(b.complete());
    }

    @Test
    void countMismatch() {
        WriteBatch b = WriteBatch.decode(new Batch(7).put("a", "b").count(3).bytes(), "test.log", 64, sink);
        assertEquals(List.of("write batch count does not match the entries present: actual=1 vs expected=3"
                + " (bad-record) (resource=test.log, offset=0x40, length=0)"), texts());
        assertEquals(1, b.entries().size());
        assertEquals(3, b.count());
        assertFalse(b.complete());
    }

    @Test
    void unknownTagKeepsTheEntriesBefore() {
        byte[] good = new Batch(7).put("a", "b").count(2).bytes(); // tag at 12, entry ends at 17
        byte[] payload = Arrays.copyOf(good, good.length + 3);
        payload[17] = 5;
        WriteBatch b = WriteBatch.decode(payload, "test.log", 64, sink);
        assertEquals(List.of("unknown write batch tag at payload +17 (entry 1): actual=0x05 vs expected=0x00 (Delete)"
                + " or 0x01 (Put) (bad-record) (resource=test.log, offset=0x40, length=0)"), texts());
        assertEquals(List.of(new BatchEntry(7, ValueType.VALUE, utf8("a"), utf8("b"), 0)), b.entries());
        assertFalse(b.complete());
    }

    @Test
    void truncatedValue() {
        byte[] full = new Batch(7).put("k", "value").bytes(); // tag 12, klen 13, key 14, vlen 15, value 16..21
        WriteBatch b = WriteBatch.decode(Arrays.copyOf(full, full.length - 2), "test.log", 64, sink);
        assertEquals(List.of("bad write batch Put entry 0 (sequence 7) at payload +12: value length 5 exceeds the 3"
                + " bytes available at payload +15 (bad-length) (resource=test.log, offset=0x40, length=0)"), texts());
        assertTrue(b.entries().isEmpty());
        assertFalse(b.complete());
    }

    @Test
    void overlongVarint() {
        byte[] payload = Arrays.copyOf(new Batch(7).bytes(), 18);
        payload[12] = 0; // Delete
        Arrays.fill(payload, 13, 18, (byte) 0xff);
        WriteBatch.decode(payload, "test.log", 64, sink);
        assertEquals(List.of("bad write batch Delete entry 0 (sequence 7) at payload +12: varint32 overflows 32 bits"
                + " at payload +17 (bad-varint) (resource=test.log, offset=0x40, length=0)"), texts());
    }

    @Test
    void impossibleSequenceIsFlaggedButDecoded() {
        WriteBatch b = WriteBatch.decode(new Batch(1L << 57).put("a", "b").bytes(), "test.log", 64, sink);
        assertEquals(List.of("write batch sequence number is impossible (over 56 bits; damaged header):"
                + " actual=144115188075855872 vs expected=<= 72057594037927935 (bad-record) (resource=test.log,"
                + " offset=0x40, length=0)"), texts());
        assertEquals(1, b.entries().size());
        assertFalse(b.complete());
    }

    @Test
    void decodingALogicalRecordLocatesDamageOnTheRecord() {
        LogicalRecord r = new LogicalRecord("x.log", 0x8000, 70_021, new Batch(1).count(1).bytes(), true, 3);
        WriteBatch.decode(r, sink);
        assertEquals(List.of("write batch count does not match the entries present: actual=0 vs expected=1"
                + " (bad-record) (resource=x.log, offset=0x8000, length=70021)"), texts());
    }

    @Test
    void batchesReadBackThroughTheLog() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(new Batch(1).put("a", "1").bytes());
        w.add(new Batch(2).delete("a").put("b", "x".repeat(50_000)).bytes());
        List<WriteBatch> batches = new ArrayList<>();
        LogStats s = new LogReader(dev.salvor.formats.core.ByteSource.of("b.log", w.bytes()), sink,
                dev.salvor.formats.core.Limits.DEFAULT).read(r -> batches.add(WriteBatch.decode(r, sink)));
        assertEquals(List.of(), texts());
        assertTrue(s.cleanEnd());
        assertEquals(List.of(1L, 2L), batches.stream().map(WriteBatch::sequence).toList());
        assertEquals(3, batches.get(1).entries().get(1).sequence());
        assertEquals(50_000, batches.get(1).entries().get(1).value().length);
    }

    @Test
    void randomPayloadsOnlyEverGiveDamage() {
        java.util.Random rnd = new java.util.Random(77);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = new byte[rnd.nextInt(64)];
            rnd.nextBytes(p);
            if (p.length > 12 && rnd.nextBoolean()) {
                p[12] = (byte) rnd.nextInt(2); // valid tags more often
            }
            WriteBatch b = WriteBatch.decode(p, "r", 0, d -> { });
            assertTrue(b.entries().size() <= Math.max(0, p.length - 12) / 2);
        }
    }
}
