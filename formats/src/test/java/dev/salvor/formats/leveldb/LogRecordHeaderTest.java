package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link LogRecordHeader#verifiedEnd}: on logs and MANIFESTs written by C++ LevelDB ({@code fixtures/leveldb}), on a
 * log with one flipped payload byte, on random bytes, and on RocksDB's recyclable records.
 */
class LogRecordHeaderTest {
    private static final Path ROOT = Path.of(System.getProperty("salvor.fixtures", "../fixtures"), "leveldb");
    private static final int BS = LogFormat.BLOCK_SIZE;

    private static byte[] fixture(String relative) throws IOException {
        Path p = ROOT.resolve(relative);
        assumeTrue(Files.isRegularFile(p), "fixture absent: " + p.toAbsolutePath().normalize());
        return Files.readAllBytes(p);
    }

    /** Both forms of the test, which must agree; the byte-array result. */
    private static long verifiedEnd(byte[] b, int at, int end, boolean recyclable) {
        int fromArray = LogRecordHeader.verifiedEnd(b, at, end, recyclable);
        long fromSource = LogRecordHeader.verifiedEnd(ByteSource.of("log", b), at, end, recyclable);
        assertEquals(fromArray, fromSource, "array and source forms at " + at);
        return fromArray;
    }

    /** Every block of a log written by LevelDB is a chain of verifying records up to its zero trailer or EOF. */
    @ParameterizedTest
    @ValueSource(strings = {"open-log/db/000006.log", "open-log/db/MANIFEST-000002", "uncompressed/db/000010.log",
            "uncompressed/db/MANIFEST-000002", "snappy/db/MANIFEST-000002"})
    void everyRecordOfARealLogVerifies(String file) throws IOException {
        byte[] log = fixture(file);
        int records = 0;
        for (int block = 0; block < log.length; block += BS) {
            int blockEnd = Math.min(block + BS, log.length);
            int pos = block;
            long end;
            while ((end = verifiedEnd(log, pos, blockEnd, false)) >= 0) {
                pos = (int) end;
                records++;
            }
            assertTrue(blockEnd - pos < LogFormat.HEADER_SIZE, file + ": block at " + block + " walked to " + pos);
        }
        assertTrue(records >= 1, file);
    }

    /** The damaged-log fixture: one byte of a FULL record's payload flipped (see its recipe.json). */
    @Test
    void flippedPayloadByteFailsOnlyItsOwnRecord() throws IOException {
        byte[] intact = fixture("open-log/db/000006.log");
        byte[] damaged = fixture("log-bad-crc/db/000006.log");
        assertEquals(11359, verifiedEnd(intact, 10793, BS, false));
        assertEquals(-1, verifiedEnd(damaged, 10793, BS, false), "CRC no longer matches");
        long next = verifiedEnd(damaged, 11359, BS, false);
        assertTrue(next > 11359, "the following record still verifies");
        assertEquals(verifiedEnd(intact, 11359, BS, false), next);
    }

    @Test
    void recordMustEndByTheGivenEnd() throws IOException {
        byte[] log = fixture("open-log/db/000006.log");
        int end = (int) verifiedEnd(log, 0, BS, false);
        assertTrue(end > LogFormat.HEADER_SIZE);
        assertEquals(end, verifiedEnd(log, 0, end, false));
        assertEquals(-1, verifiedEnd(log, 0, end - 1, false));
        assertEquals(-1, verifiedEnd(log, 0, LogFormat.HEADER_SIZE - 1, false), "not even a header");
    }

    @Test
    void randomBytesAndZerosNeverVerify() {
        byte[] random = new byte[2 * BS];
        new Random(42).nextBytes(random);
        byte[] zeros = new byte[BS];
        for (int at = 0; at + LogFormat.HEADER_SIZE <= BS; at++) {
            assertEquals(-1, LogRecordHeader.verifiedEnd(random, at, BS, true), "random at " + at);
            assertEquals(-1, LogRecordHeader.verifiedEnd(zeros, at, BS, true), "zeros at " + at);
        }
    }

    @Test
    void recyclableRecordsVerifyOnlyWhenAccepted() {
        byte[] payload = "put k v".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] rec = TracingLogWriter.recyclable(LogRecordType.RECYCLABLE_FULL.code(), 7, payload);
        assertEquals(LogFormat.RECYCLABLE_HEADER_SIZE + payload.length, verifiedEnd(rec, 0, rec.length, true));
        assertEquals(-1, verifiedEnd(rec, 0, rec.length, false));
        byte[] full = TracingLogWriter.physical(LogRecordType.FULL.code(), payload);
        assertEquals(full.length, verifiedEnd(full, 0, full.length, false));
        assertEquals(full.length, verifiedEnd(full, 0, full.length, true));
        byte[] zeroType = TracingLogWriter.physical(LogRecordType.ZERO.code(), payload);
        assertEquals(-1, verifiedEnd(zeroType, 0, zeroType.length, true), "the zero type is never a record");
        byte[] shifted = Arrays.copyOf(new byte[3], 3 + full.length);
        System.arraycopy(full, 0, shifted, 3, full.length);
        assertEquals(shifted.length, verifiedEnd(shifted, 3, shifted.length, false), "at an offset");
    }
}
