package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;

import java.util.function.Consumer;

/**
 * An ordered, re-readable source of chain events: one segment file, a ledger export, a table. Reading twice yields
 * the same events and damage in the same order (the verifier reads twice when it streams per-event results).
 */
public interface EventSource {

    /** The name used in reports (a file name). */
    String name();

    /** Sends every event, in order, to {@code out}, and every damage, in order, to {@code sink}. */
    void read(DamageSink sink, Consumer<SegmentEvent> out);

    /** One segment file read with {@code reader}. */
    static EventSource segment(ByteSource src, SegmentReader reader) {
        return new EventSource() {
            @Override
            public String name() {
                return src.name();
            }

            @Override
            public void read(DamageSink sink, Consumer<SegmentEvent> out) {
                reader.read(src, sink, out);
            }
        };
    }
}
