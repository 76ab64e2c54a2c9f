package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.salvor.formats.jsonlog.TestChains.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChainVerifierTest {
    private final SegmentReader reader = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG));

    private record Result(ChainReport report, List<ChainEvent> events, List<Damage> damages) {
        List<String> reasons() {
            return report.breaks().stream().map(b -> b.id() + ":" + String.join("+",
                    b.reasons().stream().map(BreakReason::id).toList())).toList();
        }
    }

    private Result verify(List<String> segmentTexts, List<ChainVerifier.Anchor> anchors) {
        List<EventSource> sources = new ArrayList<>();
        for (int i = 0; i < segmentTexts.size(); i++) {
            sources.add(EventSource.segment(ByteSource.of(String.format("segment-%06d.json", i + 1),
                    utf8(segmentTexts.get(i))), reader));
        }
        List<Damage> damages = new ArrayList<>();
        List<ChainEvent> events = new ArrayList<>();
        ChainReport r = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG).withAnchors(anchors))
                .verify(sources, null, DamageSink.collectingInto(damages), events::add);
        return new Result(r, events, damages);
    }

    private Result verify(String text) {
        return verify(List.of(text), List.of());
    }

    @Test
    void reorderGivesReorderNotAnAvalanche() {
        List<String> c = new ArrayList<>(TestChains.chain(6));
        String e3 = c.get(2);
        c.set(2, c.get(3));
        c.set(3, e3);
        Result r = verify(TestChains.prettyArray(c));
        // id 4 arrives early (gap + link), id 3 late (reorder + link), id 5 links to 4 not 3 (link).
        assertEquals(List.of("4:gap+link-mismatch", "3:reorder+link-mismatch", "5:link-mismatch"), r.reasons());
        assertEquals("2", r.report.lastGoodId());
    }

    @Test
    void rejectedEventInTheMiddleIsOneUnparseableBreak() {
        List<String> c = new ArrayList<>(TestChains.chain(5));
        c.set(2, c.get(2).replace("\"type\"", "\"id\":3,\"type\"")); // duplicate "id" member: ambiguous
        Result r = verify(TestChains.prettyArray(c));
        assertEquals(1, r.report.breakCount(), r.reasons().toString());
        assertEquals(BreakReason.UNPARSEABLE, r.report.firstBreak().reason());
        assertEquals(2, r.report.firstBreak().index());
        assertEquals(List.of("valid", "valid", "broken", "unverified", "valid"),
                r.events.stream().map(ChainEvent::chain).toList());
    }

    @Test
    void garbageThatHidNoEventIsDamageButNotABreak() {
        List<String> c = TestChains.chain(3);
        Result r = verify("[" + c.get(0) + ",\n xx \n" + c.get(1) + "," + c.get(2) + "]");
        assertTrue(r.report.intact(), r.reasons().toString());
        assertEquals(1, r.damages.size());
        assertTrue(r.report.notes().stream().anyMatch(n -> n.contains("hid no event")));
    }

    @Test
    void overwrittenEventIsUnparseableWithLostIds() {
        List<String> c = TestChains.chain(5);
        Result r = verify("[" + c.get(0) + "," + c.get(1) + ",\n" + "#".repeat(c.get(2).length()) + ",\n"
                + c.get(3) + "," + c.get(4) + "]");
        assertEquals(List.of("null:unparseable"), r.reasons());
        assertTrue(r.report.firstBreak().detail().contains("1 event(s) lost (ids 3..3)"),
                r.report.firstBreak().detail());
        assertEquals("2", r.report.lastGoodId());
        assertEquals(ChainEvent.UNVERIFIED, r.events.get(2).chain());
        assertEquals(ChainEvent.VALID, r.events.get(3).chain());
    }

    @Test
    void missingSegmentFileIsAGap() {
        List<String> c = TestChains.chain(6);
        Result r = verify(List.of(TestChains.prettyArray(c.subList(0, 2)), TestChains.prettyArray(c.subList(4, 6))),
                List.of());
        assertEquals(List.of("5:gap+link-mismatch"), r.reasons());
        assertEquals("segment-000002.json", r.report.firstBreak().file());
        assertEquals(0, r.report.firstBreak().index());
    }

    @Test
    void idsAbove2Pow53AreComparedExactly() {
        // 9007199254740993 and 9007199254740992 are the same double; as ids they differ.
        String e1 = TestChains.event("9007199254740992", "\"x\":1", null);
        String e2 = TestChains.event("9007199254740993", "\"x\":2", TestChains.hashField(e1));
        String e3 = TestChains.event("9007199254740993", "\"x\":3", TestChains.hashField(e2));
        Result ok = verify(TestChains.lines(List.of(e1, e2)));
        assertTrue(ok.report.intact(), ok.reasons().toString());
        assertEquals("9007199254740993", ok.report.headId());
        Result dup = verify(TestChains.lines(List.of(e1, e2, e3)));
        assertEquals(List.of("9007199254740993:duplicate"), dup.reasons());
    }

    @Test
    void stringIdsWithoutSequenceStillCatchDuplicates() {
        String e1 = TestChains.event("\"evt-a\"", "\"x\":1", null);
        String e2 = TestChains.event("\"evt-b\"", "\"x\":2", TestChains.hashField(e1));
        String e3 = TestChains.event("\"evt-a\"", "\"x\":3", TestChains.hashField(e2));
        Result r = verify(TestChains.lines(List.of(e1, e2, e3)));
        assertEquals(List.of("evt-a:duplicate"), r.reasons());
    }

    @Test
    void userAnchorMismatchOnATamperedButLinkedChain() {
        List<String> c = TestChains.chain(3);
        String forged1 = TestChains.event("1", "\"type\":\"forged\"", null);
        String forged2 = TestChains.event("2", "\"type\":\"t2\"", TestChains.hashField(forged1));
        Result r = verify(List.of(TestChains.lines(List.of(forged1, forged2))),
                List.of(new ChainVerifier.Anchor("2", TestChains.hashField(c.get(1)), "--anchor")));
        assertTrue(r.report.forgerySuspected());
        assertEquals(List.of("2:anchor-mismatch"), r.reasons());
        assertNull(r.report.lastGoodId());
        assertEquals(List.of("unverified", "broken"), r.events.stream().map(ChainEvent::chain).toList());
    }

    @Test
    void snapshotAheadOfTheChainMeansALostTail() {
        List<String> c = TestChains.chain(4);
        String snap = "{\"version\":1,\"total_events\":4,\"last_event_id\":4,\"last_current_hash\":\""
                + TestChains.hashField(c.get(3)) + "\",\"state\":{}}";
        Snapshot s = Snapshot.read(ByteSource.of("event-log-snapshot.json", utf8(snap)), DamageSink.STRICT);
        List<EventSource> src = List.of(EventSource.segment(ByteSource.of("segment-000001.json",
                utf8(TestChains.prettyArray(c.subList(0, 3)))), reader));
        ChainReport r = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG))
                .verify(src, s, DamageSink.IGNORE);
        assertEquals(BreakReason.ANCHOR_MISMATCH, r.firstBreak().reason());
        assertTrue(r.firstBreak().detail().contains("ahead of the chain"));
        assertEquals("3", r.lastGoodId(), "the chain itself verifies up to its end");
    }

    @Test
    void truncationPlanTextAndIdentifierValidation() {
        List<String> c = new ArrayList<>(TestChains.chain(5));
        c.set(4, c.get(4).replace("\"t2\"", "\"tX\""));
        Result r = verify(TestChains.lines(c));
        TruncationPlan p = TruncationPlan.of(r.report, TruncationPlan.Names.INVARIO);
        assertEquals("4", p.lastGoodSequence());
        assertEquals(1, p.entriesAfter());
        assertTrue(p.sql().contains("DELETE FROM ledger_entries WHERE sequence_number > 4;"), p.sql());
        assertTrue(p.sql().contains("last_entry_hash = '" + TestChains.hashField(c.get(3)) + "' WHERE id = 1;"));
        try {
            new TruncationPlan.Names("t; DROP TABLE x", "s", "h", "a", "b", "id", 1);
            throw new AssertionError("identifier accepted");
        } catch (IllegalArgumentException expected) {
            // ok
        }
    }

    /** Every single-byte change inside a compact event is detected (damage or break); nothing throws. */
    @Test
    void everyByteChangeInsideAnEventIsDetected() {
        List<String> c = TestChains.chain(4);
        String text = TestChains.lines(c);
        byte[] full = utf8(text);
        for (int i = 0; i < full.length; i++) {
            if (full[i] == '\n') {
                continue;
            }
            byte[] d = full.clone();
            d[i] ^= 0x01;
            Result r = verifyBytes(d);
            assertTrue(!r.report.intact() || !r.damages.isEmpty(), "change at " + i + " undetected");
            assertTrue(r.report.events() >= 3, "change at " + i + " lost more than one event");
        }
    }

    private Result verifyBytes(byte[] data) {
        List<Damage> damages = new ArrayList<>();
        List<ChainEvent> events = new ArrayList<>();
        ChainReport r = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.EVENT_LOG)).verify(
                List.of(EventSource.segment(ByteSource.of("s.jsonl", data), reader)), null,
                DamageSink.collectingInto(damages), events::add);
        return new Result(r, events, damages);
    }

    @Test
    void csvQuotingNullVersusEmptyAndDamage() {
        JsonCanonicalizer jcs = new JsonCanonicalizer(Limits.DEFAULT);
        String csv = "sequence_number,note,metadata,previous_hash,entry_hash\n"
                + "1,\"\",,,h1\n"
                + "2,\"multi\nline, \"\"quoted\"\"\",\"{\"\"a\"\": [1, 2.50]}\",h1,h2\n"
                + "x,bad,,h2,h3\n"
                + "4,\"never closed\n";
        List<SegmentEvent> events = new ArrayList<>();
        List<Damage> damages = new ArrayList<>();
        new CsvLedgerSource(ByteSource.of("l.csv", utf8(csv)), CsvLedgerSource.Options.ledger(), jcs)
                .read(DamageSink.collectingInto(damages), events::add);
        assertEquals(3, events.size());
        assertEquals("{\"metadata\":null,\"note\":\"\",\"previous_hash\":null,\"sequence_number\":1}",
                events.get(0).canonical().text());
        assertEquals("{\"metadata\":{\"a\":[1,2.5]},\"note\":\"multi\\nline, \\\"quoted\\\"\",\"previous_hash\":"
                + "\"h1\",\"sequence_number\":2}", events.get(1).canonical().text());
        assertEquals("h2", events.get(1).storedHash());
        assertEquals(SegmentEvent.Status.REJECTED, events.get(2).status());
        assertEquals(2, damages.size(), damages.toString());
    }

    @Test
    void csvRecordLargerThanTheReadWindow() {
        JsonCanonicalizer jcs = new JsonCanonicalizer(Limits.DEFAULT);
        String big = "q\"\"".repeat(40_000); // 120 KB once unescaped, quotes straddling window ends
        String csv = "sequence_number,note\r\n1,\"" + big + "\"\r\n2,x\r\n";
        List<SegmentEvent> events = new ArrayList<>();
        new CsvLedgerSource(ByteSource.of("l.csv", utf8(csv)), CsvLedgerSource.Options.ledger(), jcs)
                .read(DamageSink.STRICT, events::add);
        assertEquals(2, events.size());
        assertEquals("q\"".repeat(40_000), events.get(0).canonical().topLevel().get("note").text());
        assertEquals("2", events.get(1).canonical().topLevel().get("sequence_number").text());
    }
}
