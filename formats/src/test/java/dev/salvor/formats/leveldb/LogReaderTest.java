package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.LogTesting.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.salvor.formats.leveldb.LogTesting.binary;
import static dev.salvor.formats.leveldb.LogTesting.computedCrc;
import static dev.salvor.formats.leveldb.LogTesting.read;
import static dev.salvor.formats.leveldb.LogTesting.storedCrc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogReaderTest {
    // A [0,107) B [107,314) C [314,371): three FULL records in block 0.
    private static final byte[] A = binary(100, 1);
    private static final byte[] B = binary(200, 2);
    private static final byte[] C = binary(50, 3);
    private static final String TYPES = "1..4 (FULL, FIRST, MIDDLE, LAST)";
    private static final String UNRECOGNISED = "unrecognised bytes skipped while resynchronising (no record header"
            + " with a valid checksum starts in them) (unrecognised) (resource=test.log, ";

    private static byte[] abc() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.add(B);
        w.add(C);
        return w.bytes();
    }

    private static void assertRecord(LogicalRecord r, long offset, long length, byte[] payload, boolean crcOk,
                                     int fragments) {
        assertEquals(LogTesting.NAME, r.resource());
        assertEquals(offset, r.offset(), "offset");
        assertEquals(length, r.length(), "length");
        assertArrayEquals(payload, r.payload(), "payload");
        assertEquals(crcOk, r.crcOk(), "crcOk");
        assertEquals(fragments, r.fragments(), "fragments");
    }

    // ------------------------------------------------------------------ clean logs

    @Test
    void emptyLogIsACleanEnd() {
        Result r = read(new byte[0]);
        assertEquals(new LogStats(0, 0, 0, 0, 0, 0, true), r.stats());
        assertTrue(r.records().isEmpty());
    }

    @Test
    void smallRecords() {
        Result r = read(abc());
        assertEquals(List.of(), r.texts());
        assertEquals(3, r.records().size());
        assertRecord(r.records().get(0), 0, 107, A, true, 1);
        assertRecord(r.records().get(1), 107, 207, B, true, 1);
        assertRecord(r.records().get(2), 314, 57, C, true, 1);
        assertEquals(new LogStats(1, 3, 3, 371, 0, 0, true), r.stats());
    }

    @Test
    void recordFragmentedOverThreeBlocks() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        byte[] big = binary(70_000, 4);
        w.add(big);
        w.add(C);
        // FIRST fills block 0 after A (32768-107-7), MIDDLE a whole block, LAST the remainder.
        assertEquals(List.of(new TracingLogWriter.Phys(0, 1, 100), new TracingLogWriter.Phys(107, 2, 32654),
                new TracingLogWriter.Phys(32768, 3, 32761), new TracingLogWriter.Phys(65536, 4, 4585),
                new TracingLogWriter.Phys(70128, 1, 50)), w.physical());
        Result r = read(w.bytes());
        assertEquals(List.of(), r.texts());
        assertRecord(r.records().get(1), 107, 70_021, big, true, 3);
        assertRecord(r.records().get(2), 70_128, 57, C, true, 1);
        assertEquals(new LogStats(3, 5, 3, 70_185, 0, 0, true), r.stats());
    }

    @Test
    void trailerIsSkipped() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(binary(32_758, 5)); // ends at 32765: a 3-byte trailer follows
        w.add(B);
        assertEquals(32_768, w.physical().get(1).offset());
        byte[] log = w.bytes();
        assertArrayEquals(new byte[3], Arrays.copyOfRange(log, 32_765, 32_768));
        Result r = read(log);
        assertEquals(List.of(), r.texts());
        assertRecord(r.records().get(1), 32_768, 207, B, true, 1);
        assertTrue(r.stats().cleanEnd());
    }

    @Test
    void zeroLengthFirstFragmentAndEmptyRecord() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(binary(32_754, 6)); // ends at 32761: exactly 7 bytes left
        w.add(B);
        w.add(new byte[0]);
        assertEquals(List.of(new TracingLogWriter.Phys(0, 1, 32_754), new TracingLogWriter.Phys(32_761, 2, 0),
                new TracingLogWriter.Phys(32_768, 4, 200), new TracingLogWriter.Phys(32_975, 1, 0)), w.physical());
        Result r = read(w.bytes());
        assertEquals(List.of(), r.texts());
        assertRecord(r.records().get(1), 32_761, 214, B, true, 2);
        assertRecord(r.records().get(2), 32_975, 7, new byte[0], true, 1);
    }

    @Test
    void zeroFilledTailIsACleanEnd() {
        byte[] log = Arrays.copyOf(abc(), 40_000); // preallocated: zeros to the end, across a block boundary
        Result r = read(log);
        assertEquals(List.of(), r.texts());
        assertEquals(3, r.records().size());
        assertEquals(new LogStats(2, 3, 3, 371, 0, 0, true), r.stats());
    }

    @Test
    void concurrentReadersOverOneSourceAgree() throws Exception {
        TracingLogWriter w = new TracingLogWriter();
        for (int i = 0; i < 40; i++) {
            w.add(binary(1000 + 997 * i, 100 + i));
        }
        byte[] log = w.bytes();
        log[50_000] ^= 0x10;
        ByteSource src = ByteSource.of("shared.log", log);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Object>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    List<Object> out = new ArrayList<>();
                    LogStats s = new LogReader(src, d -> out.add(d), Limits.DEFAULT).read(out::add);
                    out.add(s);
                    return out;
                }));
            }
            List<Object> first = futures.get(0).get();
            for (Future<List<Object>> f : futures) {
                assertEquals(first, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ damage, one rule at a time

    @Test
    void checksumMismatchInFullRecordIsDeliveredWithCrcOkFalse() {
        byte[] log = abc();
        log[124] ^= 0x01;
        Result r = read(log);
        assertEquals(List.of("FULL record checksum mismatch (masked CRC32C of type byte + 200 payload bytes);"
                + " delivered with crcOk=false: actual=" + computedCrc(log, 107, 200) + " vs expected="
                + storedCrc(log, 107) + " (crc-mismatch) (resource=test.log, offset=0x6b, length=207)"), r.texts());
        byte[] damaged = B.clone();
        damaged[10] ^= 0x01;
        assertRecord(r.records().get(0), 0, 107, A, true, 1);
        assertRecord(r.records().get(1), 107, 207, damaged, false, 1);
        assertRecord(r.records().get(2), 314, 57, C, true, 1);
        assertEquals(new LogStats(1, 2, 3, 164, 207, 1, true), r.stats());
    }

    @Test
    void lengthPastTheBlockIsReportedThenResynchronised() {
        byte[] log = abc();
        log[111] = 0x40; // length 40000 = 0x9c40
        log[112] = (byte) 0x9c;
        Result r = read(log);
        assertEquals(List.of("FULL record length runs past the end of its 32 KiB block: actual=40000 vs"
                        + " expected=<= 32654 (bad-length) (resource=test.log, offset=0x6b, length=7)",
                UNRECOGNISED + "offset=0x72, length=200)"), r.texts());
        assertEquals(2, r.records().size());
        assertRecord(r.records().get(1), 314, 57, C, true, 1);
        assertEquals(new LogStats(1, 2, 2, 164, 207, 2, true), r.stats());
    }

    @Test
    void unknownTypeWithBadChecksum() {
        byte[] log = abc();
        log[113] = 9;
        Result r = read(log);
        assertEquals(List.of("unknown record type: actual=9 vs expected=" + TYPES
                        + " (bad-record-type) (resource=test.log, offset=0x6b, length=7)",
                UNRECOGNISED + "offset=0x72, length=200)"), r.texts());
        assertEquals(List.of(0L, 314L), r.records().stream().map(LogicalRecord::offset).toList());
    }

    @Test
    void unknownTypeWithValidChecksumIsSkippedWhole() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.raw(TracingLogWriter.physical(9, B));
        w.add(C);
        Result r = read(w.bytes());
        assertEquals(List.of("record of unknown type with a valid checksum (another log dialect); not decoded:"
                + " actual=9 vs expected=" + TYPES + " (bad-record-type) (resource=test.log, offset=0x6b,"
                + " length=207)"), r.texts());
        assertEquals(List.of(0L, 314L), r.records().stream().map(LogicalRecord::offset).toList());
    }

    @Test
    void rocksDbRecyclableRecordIsRecognisedAndReported() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.raw(TracingLogWriter.recyclable(5, 7, B)); // [107, 318)
        w.add(C);
        Result r = read(w.bytes());
        assertEquals(List.of("RocksDB recyclable record (11-byte header, log number 7); not decoded:"
                + " actual=5 (RECYCLABLE_FULL) vs expected=" + TYPES + " (bad-record-type) (resource=test.log,"
                + " offset=0x6b, length=211)"), r.texts());
        assertRecord(r.records().get(1), 318, 57, C, true, 1);
    }

    @Test
    void middleAndLastWithoutFirstAreOneDamage() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.add(binary(70_000, 4)); // FIRST [107,32768) MIDDLE [32768,65536) LAST [65536,70128)
        w.add(C);
        byte[] log = w.bytes();
        log[107 + 7 + 1000] ^= 0x40;
        Result r = read(log);
        assertEquals(List.of("FIRST record checksum mismatch (masked CRC32C of type byte + 32654 payload bytes);"
                        + " fragment dropped: actual=" + computedCrc(log, 107, 32654) + " vs expected="
                        + storedCrc(log, 107) + " (crc-mismatch) (resource=test.log, offset=0x6b, length=32661)",
                "fragments without a FIRST (the start of their record is damaged or missing); dropped: actual=2"
                        + " fragments MIDDLE..LAST vs expected=FIRST before MIDDLE (bad-fragment-sequence)"
                        + " (resource=test.log, offset=0x8000, length=37360)"), r.texts());
        assertEquals(List.of(0L, 70_128L), r.records().stream().map(LogicalRecord::offset).toList());
        assertTrue(r.stats().cleanEnd());
    }

    @Test
    void lastWithoutFirst() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.raw(TracingLogWriter.physical(4, binary(50, 9)));
        w.add(C);
        Result r = read(w.bytes());
        assertEquals(List.of("fragments without a FIRST (the start of their record is damaged or missing); dropped:"
                + " actual=LAST vs expected=FIRST before LAST (bad-fragment-sequence) (resource=test.log,"
                + " offset=0x6b, length=57)"), r.texts());
        assertEquals(2, r.records().size());
    }

    @Test
    void firstInterruptedByFullOrFirst() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.raw(TracingLogWriter.physical(2, binary(50, 9))); // [107,164)
        w.add(C); // FULL [164,221)
        w.raw(TracingLogWriter.physical(2, binary(30, 10))); // [221,258)
        w.raw(TracingLogWriter.physical(2, binary(20, 11))); // [258,285)
        w.raw(TracingLogWriter.physical(4, binary(10, 12))); // [285,302)
        Result r = read(w.bytes());
        assertEquals(List.of("fragmented record never finished: FIRST at 0x6b and 0 more fragment(s), 50 payload"
                        + " bytes, dropped: actual=FULL at 0xa4 vs expected=MIDDLE or LAST fragment"
                        + " (bad-fragment-sequence) (resource=test.log, offset=0x6b, length=57)",
                "fragmented record never finished: FIRST at 0xdd and 0 more fragment(s), 30 payload bytes, dropped:"
                        + " actual=FIRST at 0x102 vs expected=MIDDLE or LAST fragment (bad-fragment-sequence)"
                        + " (resource=test.log, offset=0xdd, length=37)"), r.texts());
        byte[] joined = new byte[30];
        System.arraycopy(binary(20, 11), 0, joined, 0, 20);
        System.arraycopy(binary(10, 12), 0, joined, 20, 10);
        assertEquals(3, r.records().size());
        assertRecord(r.records().get(2), 258, 44, joined, true, 2);
    }

    @Test
    void truncatedInsidePayload() {
        byte[] log = Arrays.copyOf(abc(), 164);
        Result r = read(log);
        assertEquals(List.of("file ends inside a FULL record of 200 payload bytes (the writer stopped mid-write or"
                + " the file was cut): actual=57 bytes (150 missing) vs expected=207 bytes from 0x6b (truncated)"
                + " (resource=test.log, offset=0x6b, length=57)"), r.texts());
        assertEquals(1, r.records().size());
        assertFalse(r.stats().cleanEnd());
    }

    @Test
    void truncatedInsideHeader() {
        Result r = read(Arrays.copyOf(abc(), 110));
        assertEquals(List.of("file ends inside a record header (the writer stopped mid-write or the file was cut):"
                + " actual=3 bytes (4 missing) vs expected=7 bytes from 0x6b (truncated) (resource=test.log,"
                + " offset=0x6b, length=3)"), r.texts());
        assertFalse(r.stats().cleanEnd());
    }

    @Test
    void truncatedBetweenFragments() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.add(binary(70_000, 4));
        byte[] log = w.bytes();
        Result atBoundary = read(Arrays.copyOf(log, 32_768));
        assertEquals(List.of("file ends before the LAST fragment of a record started by FIRST at 0x6b (1"
                + " fragment(s), 32654 payload bytes), dropped: actual=end of file vs expected=LAST fragment"
                + " (truncated) (resource=test.log, offset=0x6b, length=32661)"), atBoundary.texts());
        assertFalse(atBoundary.stats().cleanEnd());

        Result inMiddle = read(Arrays.copyOf(log, 32_875));
        assertEquals(List.of("file ends inside a MIDDLE record of 32761 payload bytes (the writer stopped mid-write"
                + " or the file was cut); it continues a fragmented record started by FIRST at 0x6b (1"
                + " fragment(s), 32654 payload bytes), dropped: actual=107 bytes (32661 missing) vs"
                + " expected=32768 bytes from 0x8000 (truncated) (resource=test.log, offset=0x6b, length=32768)"),
                inMiddle.texts());
        assertEquals(1, inMiddle.records().size());
    }

    @Test
    void zeroedBlockBetweenRecordsIsDamage() {
        TracingLogWriter w = new TracingLogWriter();
        for (int i = 0; i < 3; i++) {
            w.add(binary(32_761, 20 + i)); // each FULL record fills one block exactly
        }
        byte[] log = w.bytes();
        Arrays.fill(log, 32_768, 65_536, (byte) 0);
        Result r = read(log);
        assertEquals(List.of("zero-filled region where records were expected, a valid record follows at 0x10000"
                + " (wiped or lost writes): actual=32768 zero bytes vs expected=record headers (zeroed)"
                + " (resource=test.log, offset=0x8000, length=32768)"), r.texts());
        assertEquals(List.of(0L, 65_536L), r.records().stream().map(LogicalRecord::offset).toList());
        assertTrue(r.stats().cleanEnd());
    }

    @Test
    void zerosInsideABlockFollowedByARecord() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.raw(new byte[100]);
        w.add(C);
        Result r = read(w.bytes());
        assertEquals(List.of("zero-filled region where records were expected, a valid record follows at 0xcf"
                + " (wiped or lost writes): actual=100 zero bytes vs expected=record headers (zeroed)"
                + " (resource=test.log, offset=0x6b, length=100)"), r.texts());
        assertEquals(2, r.records().size());
    }

    @Test
    void zerosThenGarbageToTheEnd() {
        byte[] garbage = binary(500, 30);
        garbage[499] = 1;
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.raw(new byte[1000]);
        w.raw(garbage);
        Result r = read(w.bytes());
        assertEquals(List.of("zero-filled region where records were expected, followed by non-zero bytes that are"
                        + " not a record (wiped or lost writes): actual=1000 zero bytes vs expected=record headers"
                        + " (zeroed) (resource=test.log, offset=0x6b, length=1000)",
                UNRECOGNISED + "offset=0x453, length=500)"), r.texts());
        assertFalse(r.stats().cleanEnd());
    }

    @Test
    void zeroedPageInsideABlock() {
        TracingLogWriter w = new TracingLogWriter();
        for (int i = 0; i < 40; i++) {
            w.add(binary(300 + 37 * i, 40 + i));
        }
        byte[] log = w.bytes();
        List<TracingLogWriter.Rec> recs = w.records();
        TracingLogWriter.Rec hit = recs.stream().filter(x -> x.contains(4096)).findFirst().orElseThrow();
        int lo = (int) hit.offset() + 7 + 10; // a 4 KiB run of zeros starting inside a payload
        int hi = lo + 4096;
        Arrays.fill(log, lo, hi, (byte) 0);
        TracingLogWriter.Rec firstHeaderInside = recs.stream().filter(x -> x.offset() >= lo).findFirst().orElseThrow();
        TracingLogWriter.Rec after = recs.stream().filter(x -> x.offset() >= hi).findFirst().orElseThrow();
        assertTrue(hit.offset() + 7 <= lo, "layout: the page starts inside a payload");
        int z = hi;
        while (log[z] == 0) {
            z++;
        }
        Result r = read(log);
        List<String> expected = new ArrayList<>();
        int len = (int) (hit.end() - hit.offset() - 7);
        expected.add("FULL record checksum mismatch (masked CRC32C of type byte + " + len + " payload bytes);"
                + " delivered with crcOk=false: actual=" + computedCrc(log, (int) hit.offset(), len) + " vs expected="
                + storedCrc(log, (int) hit.offset()) + " (crc-mismatch) (resource=test.log, offset=0x"
                + Long.toHexString(hit.offset()) + ", length=" + (hit.end() - hit.offset()) + ")");
        expected.add("zero-filled region where records were expected, followed by non-zero bytes that are not a"
                + " record (wiped or lost writes): actual=" + (z - firstHeaderInside.offset()) + " zero bytes vs"
                + " expected=record headers (zeroed) (resource=test.log, offset=0x"
                + Long.toHexString(firstHeaderInside.offset()) + ", length=" + (z - firstHeaderInside.offset()) + ")");
        expected.add(UNRECOGNISED + "offset=0x" + Integer.toHexString(z) + ", length=" + (after.offset() - z) + ")");
        assertEquals(expected, r.texts());
        for (TracingLogWriter.Rec x : recs) {
            boolean touched = x.end() > lo && x.offset() < hi;
            boolean delivered = r.records().stream().anyMatch(y -> y.crcOk() && y.offset() == x.offset()
                    && Arrays.equals(y.payload(), x.payload()));
            assertEquals(!touched, delivered, "record at " + x.offset());
        }
    }

    @Test
    void nonZeroTrailerIsReportedAndReadingContinues() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(binary(32_758, 5));
        w.add(B);
        byte[] log = w.bytes();
        log[32_766] = 1;
        Result r = read(log);
        assertEquals(List.of("block trailer is not zero padding: actual=000100 vs expected=3 zero bytes"
                + " (unrecognised) (resource=test.log, offset=0x7ffd, length=3)"), r.texts());
        assertEquals(2, r.records().size());
        assertTrue(r.records().stream().allMatch(LogicalRecord::crcOk));
    }

    @Test
    void shortenedLengthGivesACrcFailedRecordAndAnUnrecognisedTail() {
        byte[] log = abc();
        log[111] = (byte) 150;
        Result r = read(log);
        assertEquals(List.of("FULL record checksum mismatch (masked CRC32C of type byte + 150 payload bytes);"
                        + " delivered with crcOk=false: actual=" + computedCrc(log, 107, 150) + " vs expected="
                        + storedCrc(log, 107) + " (crc-mismatch) (resource=test.log, offset=0x6b, length=157)",
                UNRECOGNISED + "offset=0x108, length=50)"), r.texts());
        assertRecord(r.records().get(1), 107, 157, Arrays.copyOf(B, 150), false, 1);
        assertRecord(r.records().get(2), 314, 57, C, true, 1);
    }

    @Test
    void lengthenedLengthIsCutAtTheNextValidRecord() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.add(B);
        w.add(C);
        w.add(binary(300, 8));
        byte[] log = w.bytes();
        log[111] = 4; // 260 = 0x104: claims [107, 374), but C starts at 314
        log[112] = 1;
        Result r = read(log);
        assertEquals(List.of("FULL record checksum mismatch (masked CRC32C of type byte + 260 payload bytes); its"
                + " length field claims 260 payload bytes but a valid record starts at 0x13a, so it is cut there;"
                + " delivered with crcOk=false: actual=" + computedCrc(log, 107, 260) + " vs expected="
                + storedCrc(log, 107) + " (crc-mismatch) (resource=test.log, offset=0x6b, length=207)"), r.texts());
        assertRecord(r.records().get(1), 107, 207, B, false, 1);
        assertRecord(r.records().get(2), 314, 57, C, true, 1);
        assertEquals(4, r.records().size());
    }

    @Test
    void lengthRunningPastTheEndOfTheFileWithARecordAfterIt() {
        byte[] log = abc();
        log[111] = 4; // 260: runs past the end of the file (371)
        log[112] = 1;
        Result r = read(log);
        assertEquals(List.of("FULL record length runs past the end of the file, yet a valid record follows at"
                        + " 0x13a: actual=260 vs expected=<= 257 (bad-length) (resource=test.log, offset=0x6b,"
                        + " length=7)",
                UNRECOGNISED + "offset=0x72, length=200)"), r.texts());
        assertEquals(2, r.records().size());
    }

    @Test
    void garbageNeverEscapesAsAnythingButDamage() {
        byte[] log = binary(100_000, 31);
        Result r = read(log);
        assertTrue(r.records().isEmpty());
        assertFalse(r.damages().isEmpty());
        long covered = r.damages().stream().mapToLong(Damage::length).sum();
        assertEquals(covered, r.stats().damagedBytes());
        assertTrue(covered <= log.length);
        assertFalse(r.stats().cleanEnd());
    }

    @Test
    void strictSinkStopsAtTheFirstDamage() {
        byte[] log = abc();
        log[124] ^= 0x01;
        List<LogicalRecord> seen = new ArrayList<>();
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> new LogReader(ByteSource.of("t", log), DamageSink.STRICT, Limits.DEFAULT).read(seen::add));
        assertEquals(DamageKind.CRC_MISMATCH, e.damage().kind());
        assertEquals(107, e.damage().offset());
        assertEquals(1, seen.size());
    }

    // ------------------------------------------------------------------ limits

    @Test
    void fragmentedRecordOverTheLimitIsCountedNotStored() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(A);
        w.add(binary(70_000, 4));
        w.add(C);
        Result r = read(w.bytes(), Limits.DEFAULT.withMaxRecordBytes(50_000));
        assertEquals(List.of("fragmented record larger than the configured limit; dropped (raise"
                + " Limits.maxRecordBytes to keep it): actual=70000 bytes in 3 fragment(s) vs expected=<= 50000 bytes"
                + " (limit-exceeded) (resource=test.log, offset=0x6b, length=70021)"), r.texts());
        assertEquals(List.of(0L, 70_128L), r.records().stream().map(LogicalRecord::offset).toList());
    }

    @Test
    void fullRecordOverTheLimit() {
        Result r = read(abc(), Limits.DEFAULT.withMaxRecordBytes(150));
        assertEquals(List.of("log record larger than the configured limit; not delivered (raise"
                + " Limits.maxRecordBytes to keep it): actual=200 bytes vs expected=<= 150 (limit-exceeded)"
                + " (resource=test.log, offset=0x6b, length=207)"), r.texts());
        assertEquals(2, r.records().size());
    }

    @Test
    void endlessChainOfMiddleFragmentsIsBounded() {
        TracingLogWriter w = new TracingLogWriter();
        w.raw(TracingLogWriter.physical(2, binary(32_761, 50)));
        for (int i = 0; i < 20; i++) {
            w.raw(TracingLogWriter.physical(3, binary(32_761, 51 + i)));
        }
        Result r = read(w.bytes(), Limits.DEFAULT.withMaxRecordBytes(100_000));
        assertEquals(List.of("fragmented record larger than the configured limit; dropped (raise"
                + " Limits.maxRecordBytes to keep it); it was never finished: interrupted by the end of the file:"
                + " actual=687981+ bytes in 21 fragment(s) vs expected=<= 100000 bytes (limit-exceeded)"
                + " (resource=test.log, offset=0x0, length=688128)"), r.texts());
        assertTrue(r.records().isEmpty());
        assertFalse(r.stats().cleanEnd());
        assertEquals(21, r.stats().physicalRecords());
    }
}
