package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.salvor.formats.jsonlog.TestChains.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SegmentReaderTest {
    private final SegmentReader reader = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG));

    private record Read(List<SegmentEvent> events, List<Damage> damages) {
        List<SegmentEvent> ok() {
            return events.stream().filter(e -> e.status() == SegmentEvent.Status.OK).toList();
        }
    }

    private Read read(byte[] data) {
        List<Damage> damages = new ArrayList<>();
        List<SegmentEvent> events = reader.readAll(ByteSource.of("seg.json", data), DamageSink.collectingInto(damages));
        return new Read(events, damages);
    }

    private Read read(String s) {
        return read(utf8(s));
    }

    /** The byte offset of each original event inside {@code file}. */
    private static Map<Long, String> offsets(String file, List<String> events) {
        Map<Long, String> m = new HashMap<>();
        byte[] f = utf8(file);
        int from = 0;
        for (String e : events) {
            byte[] eb = utf8(e);
            int at = indexOf(f, eb, from);
            m.put((long) at, e);
            from = at + eb.length;
        }
        return m;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void prettyArrayGivesEveryEventWithExactBytesAndOffsets() {
        List<String> chain = TestChains.chain(3);
        String file = TestChains.prettyArray(chain);
        Read r = read(file);
        assertEquals(List.of(), r.damages);
        assertEquals(3, r.events.size());
        Map<Long, String> offs = offsets(file, chain);
        for (SegmentEvent e : r.events) {
            assertEquals(SegmentEvent.Status.OK, e.status());
            assertArrayEquals(utf8(offs.get(e.offset())), e.raw());
            assertEquals(e.raw().length, e.length());
            assertEquals(TestChains.hashField(offs.get(e.offset())), e.storedHash());
        }
        assertEquals(List.of(0, 1, 2), r.events.stream().map(SegmentEvent::index).toList());
    }

    @Test
    void jsonLinesAndEmptyArray() {
        List<String> chain = TestChains.chain(4);
        Read r = read(TestChains.lines(chain));
        assertEquals(List.of(), r.damages);
        assertEquals(4, r.ok().size());
        Read empty = read("[ ]\n");
        assertEquals(0, empty.events.size());
        assertEquals(List.of(), empty.damages);
    }

    @Test
    void tornTailKeepsEveryCompleteEvent() {
        List<String> chain = TestChains.chain(3);
        String file = TestChains.prettyArray(chain);
        int cut = file.indexOf("\"payload\"", file.indexOf(chain.get(2)));
        Read r = read(file.substring(0, cut + 5));
        assertEquals(2, r.ok().size());
        assertEquals(1, r.damages.size());
        Damage d = r.damages.get(0);
        assertEquals(DamageKind.TRUNCATED, d.kind());
        assertEquals(utf8(file.substring(0, file.indexOf(chain.get(2)))).length, d.offset());
        assertTrue(d.toString().contains("(truncated) (resource=seg.json, offset=0x"), d.toString());
    }

    /** Seed 001's test corruption: the last 10 characters replaced by CORRUPTED!; no event may be lost. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void corruptedSuffixLosesNoEvent(boolean pretty) {
        List<String> chain = TestChains.chain(3);
        String file = pretty ? TestChains.prettyArray(chain) + "\n" : TestChains.lines(chain);
        String corrupted = file.substring(0, file.length() - 10) + "CORRUPTED!";
        Read r = read(corrupted);
        assertEquals(3, r.events.size(), r.damages.toString());
        assertEquals(2, r.ok().size());
        SegmentEvent last = r.events.get(2);
        assertEquals(SegmentEvent.Status.TORN_HASH, last.status());
        String full = TestChains.hashField(chain.get(2));
        assertTrue(full.startsWith(last.storedHash()) && last.storedHash().length() >= 32);
        assertEquals(full, EventHash.sha256Hex(last.canonical().bytes()));
        assertTrue(r.damages.stream().anyMatch(d -> d.kind() == DamageKind.TRUNCATED && d.offset() == last.offset()));
    }

    @Test
    void nulPaddingAfterArrayIsZeroed() {
        List<String> chain = TestChains.chain(2);
        byte[] file = utf8(TestChains.prettyArray(chain));
        byte[] padded = Arrays.copyOf(file, file.length + 4096);
        Read r = read(padded);
        assertEquals(2, r.ok().size());
        assertEquals(1, r.damages.size());
        assertEquals(DamageKind.ZEROED, r.damages.get(0).kind());
        assertEquals(file.length, r.damages.get(0).offset());
        assertEquals(4096, r.damages.get(0).length());
    }

    @Test
    void tornEventThenZeroTailInLines() {
        List<String> chain = TestChains.chain(3);
        String file = TestChains.lines(chain);
        byte[] torn = utf8(file.substring(0, file.length() - 30));
        Read r = read(Arrays.copyOf(torn, torn.length + 100));
        assertEquals(2, r.ok().size());
        assertEquals(List.of(DamageKind.TRUNCATED, DamageKind.ZEROED), r.damages.stream().map(Damage::kind).toList());
    }

    @Test
    void garbageBetweenEventsAndBomAreReportedAndSkipped() {
        List<String> chain = TestChains.chain(3);
        String file = "\uFEFF[\n  " + chain.get(0) + ",\n  GARBAGE\u0000\u0001 " + chain.get(1) + ",\n  " + chain.get(2)
                + "\n]";
        Read r = read(file);
        assertEquals(3, r.ok().size(), r.damages.toString());
        assertEquals(DamageKind.UNRECOGNISED, r.damages.get(0).kind());
        assertEquals(0, r.damages.get(0).offset());
        assertTrue(r.damages.stream().skip(1).anyMatch(d -> d.kind() == DamageKind.UNRECOGNISED));
    }

    @Test
    void tornEventFollowedByAppendedEventsInsideOneLine() {
        // Crash mid-append, then the writer appended more events (no newline between).
        List<String> chain = TestChains.chain(4);
        String file = chain.get(0) + "\n" + chain.get(1).substring(0, 50) + chain.get(2) + "\n" + chain.get(3) + "\n";
        Read r = read(file);
        assertEquals(List.of("1", "3", "4"), r.ok().stream()
                .map(e -> e.canonical().topLevel().get("id").text()).toList());
        assertEquals(1, r.damages.size());
        assertEquals(utf8(chain.get(0)).length + 1, r.damages.get(0).offset());
        assertEquals(utf8(chain.get(1).substring(0, 50)).length, r.damages.get(0).length());
    }

    @Test
    void tornStringDoesNotInvertTheRestOfACompactArray() {
        List<String> chain = TestChains.chain(4);
        String e2 = chain.get(1);
        String tornInString = e2.substring(0, e2.indexOf("ação") + 2);
        String file = "[" + chain.get(0) + "," + tornInString + chain.get(2) + "," + chain.get(3) + "]";
        Read r = read(file);
        assertEquals(List.of("1", "3", "4"), r.ok().stream()
                .map(e -> e.canonical().topLevel().get("id").text()).toList(), r.damages.toString());
    }

    @Test
    void hostileEventsAreRejectedAndNeighboursKept() {
        List<String> chain = TestChains.chain(2);
        String[] hostile = {
            "{\"id\":10,\"a\":1E400,\"current_hash\":\"x\"}",
            "{\"id\":11,\"a\":1,\"a\":2,\"current_hash\":\"x\"}",
            "{\"id\":12,\"a\":\"\\ud800\",\"current_hash\":\"x\"}",
            "{\"id\":13,\"\\udfff\":1,\"current_hash\":\"x\"}",
        };
        for (String h : hostile) {
            Read r = read("[" + chain.get(0) + ",\n" + h + ",\n" + chain.get(1) + "]");
            assertEquals(3, r.events.size(), h);
            assertEquals(SegmentEvent.Status.REJECTED, r.events.get(1).status(), h);
            assertEquals(DamageKind.BAD_RECORD, r.events.get(1).problem().kind(), h);
            assertEquals(2, r.ok().size());
        }
    }

    @Test
    void invalidUtf8IsRejected() {
        List<String> chain = TestChains.chain(2);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(utf8("[" + chain.get(0) + ",{\"id\":5,\"a\":\""));
        b.writeBytes(new byte[] {(byte) 0xc0, (byte) 0xaf, (byte) 0xed, (byte) 0xa0, (byte) 0x80});
        b.writeBytes(utf8("\"}," + chain.get(1) + "]"));
        Read r = read(b.toByteArray());
        assertEquals(3, r.events.size());
        assertEquals(SegmentEvent.Status.REJECTED, r.events.get(1).status());
        assertTrue(r.events.get(1).problem().detail().contains("invalid UTF-8"));
    }

    @Test
    void deepNestingAndHugeStringsAreBoundedDamage() {
        List<String> chain = TestChains.chain(2);
        String deep = "{\"id\":7,\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        Read r = read("[" + chain.get(0) + ",\n" + deep + ",\n" + chain.get(1) + "]");
        assertEquals(2, r.ok().size(), r.damages.toString());
        assertTrue(r.damages.stream().anyMatch(d -> d.kind() == DamageKind.LIMIT_EXCEEDED));
        String unclosedDeep = "{\"id\":7,\"x\":" + "[{\"a\":".repeat(100_000);
        Read r2 = read("[" + chain.get(0) + ",\n" + unclosedDeep + "\n" + chain.get(1) + "]");
        assertEquals(2, r2.ok().size(), r2.damages.toString());

        String big = "{\"id\":8,\"s\":\"" + "a".repeat(10 << 20) + "\"}";
        Read r3 = read("[" + chain.get(0) + ",\n" + big + ",\n" + chain.get(1) + "]");
        assertEquals(2, r3.ok().size());
        assertTrue(r3.damages.stream().anyMatch(d -> d.kind() == DamageKind.LIMIT_EXCEEDED), r3.damages.toString());
        // Under the event limit but over the string limit: a rejected event that keeps its index.
        SegmentReader small = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG)
                .withMaxStringBytes(1000));
        List<SegmentEvent> ev = small.readAll(ByteSource.of("s", utf8("[{\"id\":1,\"s\":\"" + "b".repeat(5000)
                + "\"}]")), DamageSink.IGNORE);
        assertEquals(SegmentEvent.Status.REJECTED, ev.get(0).status());
        assertEquals(DamageKind.LIMIT_EXCEEDED, ev.get(0).problem().kind());
    }

    @Test
    void strictSinkThrowsAtFirstDamage() {
        byte[] torn = utf8("[" + TestChains.chain(1).get(0) + ",{\"id\":2,");
        try {
            reader.readAll(ByteSource.of("seg", torn), DamageSink.STRICT);
            fail("expected a CorruptionException");
        } catch (dev.salvor.formats.core.CorruptionException e) {
            assertEquals(DamageKind.TRUNCATED, e.damage().kind());
        }
    }

    /** Truncate at every offset: only typed damage, no invented event, every event before the cut recovered. */
    @Test
    void truncationSweep() {
        List<String> chain = TestChains.chain(3);
        for (String file : List.of(TestChains.prettyArray(chain), TestChains.lines(chain))) {
            byte[] full = utf8(file);
            Map<Long, String> offs = offsets(file, chain);
            for (int len = 0; len <= full.length; len++) {
                Read r = read(Arrays.copyOf(full, len));
                for (SegmentEvent e : r.events) {
                    String orig = offs.get(e.offset());
                    assertNotNull(orig, "invented event at " + e.offset() + " len " + len);
                    if (e.status() == SegmentEvent.Status.OK) {
                        assertArrayEquals(utf8(orig), e.raw());
                    } else {
                        assertEquals(SegmentEvent.Status.TORN_HASH, e.status());
                        assertEquals(TestChains.hashField(orig), EventHash.sha256Hex(e.canonical().bytes()));
                    }
                }
                for (Map.Entry<Long, String> o : offs.entrySet()) {
                    if (o.getKey() + utf8(o.getValue()).length <= len) {
                        assertTrue(r.ok().stream().anyMatch(e -> e.offset() == o.getKey()),
                                "lost complete event at " + o.getKey() + " cut " + len);
                    }
                }
            }
        }
    }

    /** Change every byte (four ways): no invented event, every event not touching the change still read OK. */
    @Test
    void byteChangeSweep() {
        List<String> chain = TestChains.chain(3);
        for (String file : List.of(TestChains.prettyArray(chain), TestChains.lines(chain))) {
            byte[] full = utf8(file);
            Map<Long, String> offs = offsets(file, chain);
            for (int i = 0; i < full.length; i++) {
                for (int v : new int[] {full[i] ^ 0x01, 0, '}', '"', '{'}) {
                    if ((byte) v == full[i]) {
                        continue;
                    }
                    byte[] d = full.clone();
                    d[i] = (byte) v;
                    Read r = read(d);
                    for (SegmentEvent e : r.events) {
                        String orig = offs.get(e.offset());
                        assertNotNull(orig, "invented event at " + e.offset() + " change at " + i);
                        boolean touches = i >= e.offset() && i < e.offset() + utf8(orig).length;
                        if (!touches && e.status() == SegmentEvent.Status.OK) {
                            assertArrayEquals(utf8(orig), e.raw());
                        }
                    }
                    for (Map.Entry<Long, String> o : offs.entrySet()) {
                        long s = o.getKey();
                        long end = s + utf8(o.getValue()).length;
                        if (i < s - 1 || i > end) { // the change is not in the event nor its adjacent separator
                            assertTrue(r.ok().stream().anyMatch(e -> e.offset() == s),
                                    "lost event at " + s + " change at " + i + " to " + v + ": " + r.damages);
                        }
                    }
                }
            }
        }
    }

    @Test
    void damageTextIsLocatable() {
        Read r = read("[" + TestChains.chain(1).get(0) + "] trailing");
        assertEquals(1, r.damages.size());
        String s = r.damages.get(0).toString();
        assertTrue(s.contains("(unrecognised) (resource=seg.json, offset=0x"), s);
        assertEquals(StandardCharsets.UTF_8.encode("trailing").limit(), r.damages.get(0).length());
    }
}
