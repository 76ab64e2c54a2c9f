package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.jsonlog.BreakReason;
import dev.salvor.formats.jsonlog.ChainEvent;
import dev.salvor.formats.jsonlog.JsonCanonicalizer;
import dev.salvor.formats.jsonlog.SegmentEvent;
import dev.salvor.salvage.JsonBytes;
import dev.salvor.salvage.report.ImageOffsets;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ChainRows} writes byte for byte what the Jackson generator wrote for the same events (an event whose
 * object spans lines, one whose stored bytes are not UTF-8, one rejected and written as {@code raw}, reasons), counts
 * them by chain status, and puts {@code image_offset} first when told where the events lie in an image.
 */
class ChainRowsTest {
    private static final byte[] MULTI_LINE = "{\"id\":1,\r\n \"msg\":\"a\\nb \u2028 é\",\n\"hash\":\"ab\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_UTF8 = {'{', '"', 'm', '"', ':', '"', (byte) 0xff, (byte) 0xc3, '"', '}'};

    private static List<ChainEvent> events() {
        return List.of(
                new ChainEvent("log-1.json", 0, 0, MULTI_LINE.length, MULTI_LINE, ChainEvent.VALID, "1", "ab", "cd",
                        SegmentEvent.Status.OK, List.of()),
                new ChainEvent("log-1.json", 1, 40, NOT_UTF8.length, NOT_UTF8, ChainEvent.BROKEN, null, null, "ef",
                        SegmentEvent.Status.OK, List.of(BreakReason.values()[0])),
                new ChainEvent("log-1.json", 2, 60, NOT_UTF8.length, NOT_UTF8, ChainEvent.UNVERIFIED, null, null, null,
                        SegmentEvent.Status.REJECTED, List.of(BreakReason.values()[0], BreakReason.values()[1])));
    }

    /** The events as ChainRows wrote them with Jackson (no torn or CSV event here: those need a real chain). */
    private static byte[] jackson(List<ChainEvent> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        for (ChainEvent e : events) {
            byte[] event = e.status() == SegmentEvent.Status.REJECTED || e.computedHash() == null ? null
                    : ChainRows.oneLine(e.raw());
            g.writeStartObject();
            g.writeStringField("format", "jsonlog");
            g.writeStringField("file", e.file());
            g.writeNumberField("index", e.index());
            g.writeNumberField("offset", e.offset());
            g.writeFieldName("event");
            if (event != null) {
                g.writeRawValue(new String(event, StandardCharsets.UTF_8));
            } else {
                g.writeNull();
            }
            g.writeStringField("chain", e.chain());
            if (!e.reasons().isEmpty()) {
                g.writeArrayFieldStart("reasons");
                for (BreakReason r : e.reasons()) {
                    g.writeString(r.id());
                }
                g.writeEndArray();
            }
            if (event == null) {
                g.writeFieldName("raw");
                JsonBytes.write(g, e.raw());
            }
            g.writeEndObject();
        }
        g.writeRaw('\n');
        g.flush();
        return out.toByteArray();
    }

    private static byte[] rows(List<ChainEvent> events, ImageOffsets offsets)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChainRows rows = new ChainRows(out, new JsonCanonicalizer(Limits.DEFAULT), "hash", null, offsets)) {
            events.forEach(rows);
            assertEquals(Map.of("valid", 1L, "broken", 1L, "unverified", 1L), rows.counts());
        }
        return out.toByteArray();
    }

    @Test
    void sameBytesAsJacksonAndCountsByChainStatus() throws IOException {
        assertArrayEquals(jackson(events()), rows(events(), ImageOffsets.NONE));
    }

    @Test
    void imageOffsetComesFirstWhereKnown() throws IOException {
        String[] plain = new String(rows(events(), ImageOffsets.NONE),
                StandardCharsets.ISO_8859_1).split("\n");
        String[] carved = new String(rows(events(), (file, offset) -> offset == 40 ? -1 : 512 + offset),
                StandardCharsets.ISO_8859_1).split("\n");
        assertEquals("{\"image_offset\":512," + plain[0].substring(1), carved[0]);
        assertEquals(plain[1], carved[1]);
        assertEquals("{\"image_offset\":572," + plain[2].substring(1), carved[2]);
    }
}
