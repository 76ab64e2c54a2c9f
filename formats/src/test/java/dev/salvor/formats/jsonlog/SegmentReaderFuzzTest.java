package dev.salvor.formats.jsonlog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz target (regression mode in CI: runs the empty input and any saved findings; fuzz with
 * {@code JAZZER_FUZZ=1}). Invariant: with a collecting sink nothing escapes, every event lies inside the input and
 * starts with '{', and verification never throws.
 */
class SegmentReaderFuzzTest {
    private static final SegmentReader READER = new SegmentReader(
            SegmentReader.Options.defaults(ChainFields.EVENT_LOG).withMaxEventBytes(1 << 16));

    @FuzzTest(maxDuration = "10s")
    void readAndVerify(byte[] data) {
        List<SegmentEvent> events = READER.readAll(ByteSource.of("fuzz", data), DamageSink.IGNORE);
        for (SegmentEvent e : events) {
            assertTrue(e.offset() >= 0 && e.offset() + e.length() <= data.length);
            assertTrue(e.raw()[0] == '{');
        }
        new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG)).verify(
                List.of(EventSource.segment(ByteSource.of("fuzz", data), READER)), null, DamageSink.IGNORE,
                new ArrayList<ChainEvent>()::add);
    }
}
