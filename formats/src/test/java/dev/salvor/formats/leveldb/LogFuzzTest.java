package dev.salvor.formats.leveldb;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.fixtures.FuzzCorpus;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz targets for the LevelDB log family: the log reader's salvage path (with every recovered record decoded
 * as a write batch), MANIFESTs (log + version edits), and the write batch and version edit decoders on raw payloads.
 *
 * <p>Each {@code @FuzzTest} has a {@code <method>Regression} twin that replays every file of its
 * {@code fixtures/fuzz/<target>/} folder in every {@code mvn verify} (targets in {@code fixtures/fuzz/targets.tsv}).
 * With {@code JAZZER_FUZZ=1} (see {@code .ci/fuzz}) the fuzz method is fuzzed, seeded from the same folder.
 * Invariant everywhere: with a collecting sink nothing at all escapes (a {@code CorruptionException} would only come
 * from a strict sink), every damage and record lies inside the input, and the accounting is consistent.
 */
class LogFuzzTest {
    private static final Limits SMALL = Limits.DEFAULT.withMaxRecordBytes(100_000);

    @FuzzTest
    void logReader(byte[] data) {
        List<LogicalRecord> records = readLog(data);
        for (LogicalRecord r : records) {
            List<Damage> batchDamage = new ArrayList<>();
            WriteBatch b = WriteBatch.decode(r, DamageSink.collectingInto(batchDamage));
            assertTrue(b.entries().size() <= r.payload().length, b::toString);
            for (Damage d : batchDamage) {
                assertEquals(r.offset(), d.offset(), d::toString);
            }
        }
    }

    static Stream<Object[]> logReaderInputs() {
        return FuzzCorpus.cases("leveldb-log");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logReaderInputs")
    void logReaderRegression(String name, byte[] data) {
        logReader(data);
    }

    /** A MANIFEST: a log whose records are version edits. */
    @FuzzTest
    void manifest(byte[] data) {
        for (LogicalRecord r : readLog(data)) {
            List<Damage> editDamage = new ArrayList<>();
            VersionEdit e = VersionEdit.decode(r, DamageSink.collectingInto(editDamage));
            assertTrue(e.complete() || !editDamage.isEmpty(), "an incomplete edit must say why: " + e);
            assertTrue(e.newFiles().size() + e.deletedFiles().size() + e.compactPointers().size()
                    <= r.payload().length, e::toString);
        }
    }

    static Stream<Object[]> manifestInputs() {
        return FuzzCorpus.cases("leveldb-manifest");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestInputs")
    void manifestRegression(String name, byte[] data) {
        manifest(data);
    }

    @FuzzTest
    void writeBatch(byte[] data) {
        List<Damage> damage = new ArrayList<>();
        WriteBatch b = WriteBatch.decode(data, "fuzz", 0, DamageSink.collectingInto(damage));
        assertTrue(b.entries().size() <= data.length);
        assertTrue(b.complete() == damage.isEmpty(), () -> b + " " + damage);
        if (data.length >= WriteBatch.HEADER_SIZE && b.complete()) {
            assertEquals(Integer.toUnsignedLong(b.count()), b.entries().size(), b::toString);
        }
    }

    static Stream<Object[]> writeBatchInputs() {
        return FuzzCorpus.cases("leveldb-write-batch");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writeBatchInputs")
    void writeBatchRegression(String name, byte[] data) {
        writeBatch(data);
    }

    @FuzzTest
    void versionEdit(byte[] data) {
        List<Damage> damage = new ArrayList<>();
        VersionEdit e = VersionEdit.decode(data, "fuzz", 0, DamageSink.collectingInto(damage));
        assertTrue(e.complete() == damage.isEmpty(), () -> e + " " + damage);
    }

    static Stream<Object[]> versionEditInputs() {
        return FuzzCorpus.cases("leveldb-version-edit");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versionEditInputs")
    void versionEditRegression(String name, byte[] data) {
        versionEdit(data);
    }

    /** Reads a log with a collecting sink and checks locations and accounting; returns the records. */
    private static List<LogicalRecord> readLog(byte[] data) {
        List<Damage> damages = new ArrayList<>();
        List<LogicalRecord> records = new ArrayList<>();
        LogStats s = new LogReader(ByteSource.of("fuzz.log", data), DamageSink.collectingInto(damages), SMALL)
                .read(records::add);
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
        return records;
    }
}
