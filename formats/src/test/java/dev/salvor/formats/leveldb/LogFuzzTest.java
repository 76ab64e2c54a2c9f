package dev.salvor.formats.leveldb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.Limits;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz targets. In a normal build they replay the seeds under {@code src/test/resources} (regression mode);
 * with {@code JAZZER_FUZZ=1} they fuzz. Hostile input must only ever produce damage, never another exception, and
 * the reader's accounting must stay consistent.
 */
class LogFuzzTest {
    private static final Limits SMALL = Limits.DEFAULT.withMaxRecordBytes(100_000);

    @FuzzTest
    void logReader(byte[] data) {
        List<Damage> damages = new ArrayList<>();
        List<LogicalRecord> records = new ArrayList<>();
        LogStats s = new LogReader(ByteSource.of("fuzz.log", data), damages::add, SMALL).read(records::add);
        long covered = 0;
        long last = 0;
        for (Damage d : damages) {
            assertTrue(d.offset() >= 0 && d.end() <= data.length, d::toString);
            covered += d.length();
        }
        for (LogicalRecord r : records) {
            assertTrue(r.offset() >= last && r.end() <= data.length, r::toString);
            assertTrue(r.payload().length <= SMALL.maxRecordBytes());
            last = r.end();
        }
        assertEquals(covered, s.damagedBytes());
        assertEquals(damages.size(), s.damages());
        assertEquals(records.size(), s.logicalRecords());
        assertTrue(s.bytesVerified() <= data.length && s.damagedBytes() <= data.length, s::toString);
    }

    @FuzzTest
    void writeBatch(byte[] data) {
        WriteBatch b = WriteBatch.decode(data, "fuzz", 0, d -> { });
        assertTrue(b.entries().size() <= data.length);
    }

    @FuzzTest
    void versionEdit(byte[] data) {
        VersionEdit.decode(data, "fuzz", 0, d -> { });
    }
}
