package dev.salvor.formats.jsonlog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.fixtures.FuzzCorpus;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz targets for hash-chained JSON event logs: segment reader + chain verifier, the snapshot reader and the
 * CSV ledger source. Each {@code @FuzzTest} has a {@code <method>Regression} twin replaying
 * {@code fixtures/fuzz/<target>/} in every build. Invariant: with a collecting sink nothing escapes, every event lies
 * inside the input, starts with its first byte where the format says, and verification never throws.
 */
class SegmentReaderFuzzTest {
    private static final SegmentReader READER = new SegmentReader(
            SegmentReader.Options.defaults(ChainFields.EVENT_LOG).withMaxEventBytes(1 << 16));
    private static final ChainVerifier VERIFIER = new ChainVerifier(
            ChainVerifier.Options.defaults(ChainFields.EVENT_LOG));
    private static final CsvLedgerSource.Options CSV = new CsvLedgerSource.Options(ChainFields.LEDGER,
            CsvLedgerSource.Options.ledger().types(), Set.of(), 1 << 16);
    private static final ChainVerifier LEDGER_VERIFIER = new ChainVerifier(
            ChainVerifier.Options.defaults(ChainFields.LEDGER));

    @FuzzTest
    void readAndVerify(byte[] data) {
        List<Damage> damage = new ArrayList<>();
        List<SegmentEvent> events = READER.readAll(ByteSource.of("fuzz", data), DamageSink.collectingInto(damage));
        long last = 0;
        for (SegmentEvent e : events) {
            assertTrue(e.offset() >= last && e.offset() + e.length() <= data.length, e::toString);
            assertEquals(e.length(), e.raw().length);
            assertTrue(e.raw()[0] == '{');
            last = e.offset() + e.length();
        }
        for (Damage d : damage) {
            assertTrue(d.offset() >= -1 && d.end() <= data.length, d::toString);
        }
        List<ChainEvent> chain = new ArrayList<>();
        VERIFIER.verify(List.of(EventSource.segment(ByteSource.of("fuzz", data), READER)), null, DamageSink.IGNORE,
                chain::add);
        assertEquals(events.size(), chain.size());
    }

    static Stream<Object[]> readAndVerifyInputs() {
        return FuzzCorpus.cases("jsonlog-segment");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readAndVerifyInputs")
    void readAndVerifyRegression(String name, byte[] data) {
        readAndVerify(data);
    }

    /** The snapshot reader; a snapshot that anchors is then used to verify an empty chain. */
    @FuzzTest
    void snapshot(byte[] data) {
        List<Damage> damage = new ArrayList<>();
        Snapshot s = Snapshot.read(ByteSource.of("event-log-snapshot.json", data), DamageSink.collectingInto(damage));
        assertTrue(!s.damaged() || !damage.isEmpty(), s::toString);
        for (Damage d : damage) {
            assertTrue(d.offset() >= -1 && d.end() <= data.length, d::toString);
        }
        VERIFIER.verify(List.of(), s, DamageSink.IGNORE, e -> { });
    }

    static Stream<Object[]> snapshotInputs() {
        return FuzzCorpus.cases("jsonlog-snapshot");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshotInputs")
    void snapshotRegression(String name, byte[] data) {
        snapshot(data);
    }

    /** A CSV ledger export (header line, one record per line, quoted fields) read and verified as a chain. */
    @FuzzTest
    void csvLedger(byte[] data) {
        CsvLedgerSource src = new CsvLedgerSource(ByteSource.of("ledger.csv", data), CSV, READER.canonicalizer());
        List<SegmentEvent> events = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        src.read(DamageSink.collectingInto(damage), events::add);
        long last = 0;
        for (SegmentEvent e : events) {
            assertTrue(e.offset() >= last && e.offset() + e.length() <= data.length, e::toString);
            last = e.offset() + e.length();
        }
        for (Damage d : damage) {
            assertTrue(d.offset() >= -1 && d.end() <= data.length, d::toString);
        }
        LEDGER_VERIFIER.verify(List.of(src), null, DamageSink.IGNORE, e -> { });
    }

    static Stream<Object[]> csvLedgerInputs() {
        return FuzzCorpus.cases("jsonlog-csv-ledger");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("csvLedgerInputs")
    void csvLedgerRegression(String name, byte[] data) {
        csvLedger(data);
    }
}
