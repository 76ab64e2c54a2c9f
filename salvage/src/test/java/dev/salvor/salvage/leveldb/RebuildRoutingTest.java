package dev.salvor.salvage.leveldb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.formats.leveldb.CompressionType;
import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.TableStyle;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.rebuild.RebuildTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which version of each key {@link RebuildRouting} writes, and why it leaves the others out. */
class RebuildRoutingTest {
    @TempDir
    Path tmp;

    static Entry entry(String key, long seq, ValueType type, String value, boolean crcOk) {
        return new Entry(key.getBytes(StandardCharsets.UTF_8), seq, type,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), "000005.ldb", EntryUnit.TABLE, 0, 0,
                crcOk, 1);
    }

    /** Key a: an unverified value newer than the live one; key b: an unverified deletion newer than the live one. */
    static void feed(RebuildRouting r) throws IOException {
        r.accept(entry("a", 10, ValueType.VALUE, "new?", false), RecordState.UNVERIFIED, List.of(), false);
        r.accept(entry("a", 5, ValueType.VALUE, "old", true), RecordState.LIVE, List.of(), true);
        r.accept(entry("b", 9, ValueType.DELETION, null, false), RecordState.UNVERIFIED, List.of(), false);
        r.accept(entry("b", 3, ValueType.VALUE, "kept?", true), RecordState.LIVE, List.of(), false);
        r.accept(entry("c", 1L << 55, ValueType.VALUE, "junk", false), RecordState.UNVERIFIED, List.of(), false);
        r.accept(entry("d", 7, ValueType.DELETION, null, true), RecordState.DELETED, List.of(), false);
        r.accept(entry("d", 6, ValueType.VALUE, "gone", true), RecordState.DELETED, List.of(), false);
        r.accept(entry("e", 8, ValueType.VALUE, "v2", true), RecordState.LIVE, List.of(), false);
        r.accept(entry("e", 4, ValueType.VALUE, "v1", true), RecordState.SUPERSEDED, List.of(), false);
    }

    record Outcome(Map<String, String> written, Map<String, Long> leftOut, long lastSequence, RebuildRouting r) {
    }

    Outcome run(boolean includeUnverified) throws IOException {
        Path db = tmp.resolve("db-" + includeUnverified);
        ByteArrayOutputStream leftOut = new ByteArrayOutputStream();
        RebuildTarget target = new RebuildTarget(db, leftOut, new RebuildTarget.Options(false, includeUnverified));
        RebuildRouting r;
        try (JsonLinesRecordSink sink = new JsonLinesRecordSink(leftOut)) {
            r = new RebuildRouting(target, sink, new TableStyle(CompressionType.SNAPPY, true, Optional.empty()),
                    () -> new LevelDbRebuilder.ComparatorName(LevelDbRebuilder.BYTEWISE, "test",
                            dev.salvor.formats.leveldb.UserKeyOrder.BYTEWISE));
            feed(r);
            r.finish();
        }
        Map<String, String> written = new TreeMap<>();
        new LevelDbRebuilderTest().salvage(db).records().forEach(j -> written.put(j.get("key").asText(),
                j.get("value").asText() + "@" + j.get("seq").asLong()));
        @SuppressWarnings("unchecked")
        Map<String, Long> reasons = (Map<String, Long>) target.facts().get("left_out");
        long leftOutLines = LevelDbRebuilderTest.lines(leftOut).stream().map(j -> j.get("left_out"))
                .filter(JsonNode::isTextual).count();
        assertEquals(reasons.values().stream().mapToLong(Long::longValue).sum(), leftOutLines);
        return new Outcome(written, new TreeMap<>(reasons), r.lastSequence(), r);
    }

    @Test
    void byDefaultEachKeysLiveVersionIsWritten() throws IOException {
        Outcome o = run(false);
        assertEquals(Map.of("a", "old@5", "b", "kept?@3", "e", "v2@8"), o.written());
        assertEquals(Map.of("unverified", 3L, "deleted", 2L, "superseded", 1L), o.leftOut());
        assertEquals(8, o.lastSequence(), "no unverified sequence (10, 2^55) is not the database's last sequence");
        assertEquals(1, o.r().maybeStaleCount());
        assertEquals(List.of("a"), o.r().maybeStaleKeys());
        assertEquals(Map.of("unverified", 3L, "live", 3L, "deleted", 2L, "superseded", 1L), o.r().counts());
    }

    @Test
    void withUnverifiedTheNewestVersionDecidesEvenADeletion() throws IOException {
        Outcome o = run(true);
        assertEquals(Map.of("a", "new?@10", "c", "junk@" + (1L << 55), "e", "v2@8"), o.written());
        assertEquals(Map.of("superseded_by_unverified", 1L, "deleted_by_unverified", 1L, "deleted", 3L,
                "superseded", 1L), o.leftOut());
        assertEquals(1L << 55, o.lastSequence(), "at least every sequence written");
    }
}
