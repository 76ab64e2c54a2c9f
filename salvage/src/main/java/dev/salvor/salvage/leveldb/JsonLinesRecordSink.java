package dev.salvor.salvage.leveldb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.RecordSink;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.JsonBytes;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes LevelDB records as JSON Lines, schema v1:
 * <pre>{"format":"leveldb","file":"000005.ldb","offset":4096,"seq":1234,"op":"put","key":…,"value":…,
 * "state":"live","crc_ok":true, …}</pre>
 * plus {@code unit}, {@code offset_in_block} (tables) or {@code batch_index} (logs), {@code level} when known,
 * {@code copies} and {@code maybe_stale} when they apply.
 */
public final class JsonLinesRecordSink implements RecordSink, AutoCloseable {
    private final JsonGenerator g;
    private final Map<String, Long> counts = new LinkedHashMap<>();

    public JsonLinesRecordSink(OutputStream out) throws IOException {
        this.g = new JsonFactory().createGenerator(out);
        g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @Override
    public void accept(Entry e, RecordState state, List<Entry> copies, boolean maybeStale) throws IOException {
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
        g.writeStringField("state", state.id());
        g.writeBooleanField("crc_ok", e.crcOk());
        if (maybeStale) {
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
        counts.merge(state.id(), 1L, Long::sum);
    }

    /** Records written, by state ({@link RecordState#id()}). */
    public Map<String, Long> counts() {
        return counts;
    }

    @Override
    public void close() throws IOException {
        if (!counts.isEmpty()) {
            g.writeRaw('\n');
        }
        g.flush();
        g.close();
    }
}
