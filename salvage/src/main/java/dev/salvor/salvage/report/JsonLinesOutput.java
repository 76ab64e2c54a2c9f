package dev.salvor.salvage.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Lines output of one salvage: each record is encoded by a {@link JsonLineWriter} between
 * {@link #begin(long)} and {@link #end(String)}, counted by its state (what the report's {@code records_by_state}
 * sums), and handed to the stream in chunks of about {@value #CHUNK} bytes. {@link #close()} writes what is left and
 * flushes; the stream itself stays open. Not thread-safe.
 */
public final class JsonLinesOutput implements AutoCloseable {
    /** Encoded records are handed to the stream once about this many bytes are pending. */
    public static final int CHUNK = 1 << 18;

    private final OutputStream out;
    private final JsonLineWriter json = new JsonLineWriter(CHUNK + (1 << 12));
    private final Map<String, Long> counts = new LinkedHashMap<>();

    public JsonLinesOutput(OutputStream out) {
        this.out = out;
    }

    /** Starts a record (with a leading {@code image_offset} member when {@code imageOffset >= 0}). */
    public JsonLineWriter begin(long imageOffset) {
        json.beginRecord(imageOffset);
        return json;
    }

    /** Ends the record and counts it under {@code state}. */
    public void end(String state) throws IOException {
        json.endRecord();
        counts.merge(state, 1L, Long::sum);
        if (json.size() >= CHUNK) {
            json.drainTo(out);
        }
    }

    /** Records written, by state, in the order the states first appeared. */
    public Map<String, Long> counts() {
        return counts;
    }

    /** Writes what is pending and flushes the stream (which stays open). */
    @Override
    public void close() throws IOException {
        json.drainTo(out);
        out.flush();
    }
}
