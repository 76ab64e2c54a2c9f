package dev.salvor.formats.examples;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.ChainVerifier;
import dev.salvor.formats.jsonlog.EventLogDirectory;
import dev.salvor.formats.jsonlog.SegmentReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The README's verification of a hash-chained event log directory. */
final class JsonlogExample {

    /** What the verification found. */
    record Verified(ChainReport chain, List<Damage> damage) {
    }

    private JsonlogExample() {
    }

    static Verified verify(Path logDir) throws IOException {
        // tag::jsonlog-verify[]
        EventLogDirectory log = EventLogDirectory.of(SourceSet.of(logDir)); // segment-NNNNNN.json + snapshot
        SegmentReader reader = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG));
        ChainVerifier verifier = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG));
        List<Damage> damage = new ArrayList<>();
        ChainReport chain = log.verify(verifier, reader, DamageSink.collectingInto(damage), null);
        // chain.intact(); chain.breaks(): file, index, id, reasons; chain.lastGoodId(), chain.lastGoodHash()
        // end::jsonlog-verify[]
        return new Verified(chain, damage);
    }
}
