package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.LogEncoders.Edit;
import dev.salvor.formats.leveldb.VersionEdit.CompactPointer;
import dev.salvor.formats.leveldb.VersionEdit.DeletedFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.salvor.formats.leveldb.LogEncoders.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionEditTest {
    private static final InternalKey SMALL = new InternalKey(utf8("user:0000"), 103, ValueType.VALUE);
    private static final InternalKey LARGE = new InternalKey(utf8("user:0076"), 86, ValueType.DELETION);

    private final List<Damage> damages = new ArrayList<>();
    private final DamageSink sink = DamageSink.collectingInto(damages);

    private List<String> texts() {
        return damages.stream().map(Damage::toString).toList();
    }

    @Test
    void roundTripOfEveryTag() {
        byte[] payload = new Edit().comparator("leveldb.BytewiseComparator").logNumber(6).prevLogNumber(0)
                .nextFileNumber(8).lastSequence(140).compactPointer(1, SMALL).deletedFile(2, 5)
                .newFile(1, 7, 1665, SMALL.encode(), LARGE.encode()).bytes();
        VersionEdit e = VersionEdit.decode(payload, "MANIFEST-000002", 0, sink);
        assertEquals(List.of(), texts());
        assertEquals(Optional.of("leveldb.BytewiseComparator"), e.comparator());
        assertEquals(OptionalLong.of(6), e.logNumber());
        assertEquals(OptionalLong.of(0), e.prevLogNumber());
        assertEquals(OptionalLong.of(8), e.nextFileNumber());
        assertEquals(OptionalLong.of(140), e.lastSequence());
        assertEquals(List.of(new CompactPointer(1, SMALL)), e.compactPointers());
        assertEquals(List.of(new DeletedFile(2, 5)), e.deletedFiles());
        assertEquals(List.of(new FileMetaData(1, 7, 1665, SMALL, LARGE)), e.newFiles());
        assertTrue(e.complete());
        // The same text as LevelDB's "leveldb.sstables" property for this file.
        assertEquals("'user:0000' @ 103 : 1 .. 'user:0076' @ 86 : 0", e.newFiles().get(0).smallest() + " .. "
                + e.newFiles().get(0).largest());
    }

    @Test
    void emptyEditHasNothing() {
        VersionEdit e = VersionEdit.decode(new byte[0], "m", 0, sink);
        assertEquals(List.of(), texts());
        assertTrue(e.comparator().isEmpty());
        assertTrue(e.logNumber().isEmpty());
        assertTrue(e.newFiles().isEmpty());
        assertTrue(e.complete());
    }

    @Test
    void unknownTagStopsButKeepsWhatCameBefore() {
        byte[] payload = new Edit().logNumber(6).raw(8, 1, 2).lastSequence(9).bytes();
        VersionEdit e = VersionEdit.decode(payload, "MANIFEST-000002", 0x20, sink);
        assertEquals(List.of("unknown version edit tag at payload +2 (not a LevelDB MANIFEST, or damaged): actual=8"
                + " vs expected=1-7 or 9 (bad-record) (resource=MANIFEST-000002, offset=0x20, length=0)"), texts());
        assertEquals(OptionalLong.of(6), e.logNumber());
        assertTrue(e.lastSequence().isEmpty());
        assertFalse(e.complete());
    }

    @Test
    void truncatedNewFile() {
        byte[] full = new Edit().nextFileNumber(3).newFile(1, 7, 1665, SMALL.encode(), LARGE.encode()).bytes();
        // tag 3 at 0, value at 1; tag 7 at 2, level 3, number 4, size 5-6, smallest length 7, key 8..24,
        // largest length 25, key 26..42
        VersionEdit e = VersionEdit.decode(Arrays.copyOf(full, 30), "m", 0, sink);
        assertEquals(List.of("bad version edit new file (tag 7) at payload +2: largest key length 17 exceeds the 4"
                + " bytes available at payload +25 (bad-length) (resource=m, offset=0x0, length=0)"), texts());
        assertEquals(OptionalLong.of(3), e.nextFileNumber());
        assertTrue(e.newFiles().isEmpty());
    }

    @Test
    void levelOutOfRangeIsReportedAndKept() {
        byte[] payload = new Edit().newFile(9, 7, 1665, SMALL.encode(), LARGE.encode()).deletedFile(1, 4).bytes();
        VersionEdit e = VersionEdit.decode(payload, "m", 0, sink);
        assertEquals(List.of("version edit new file level out of range at payload +0 (kept; not a LevelDB MANIFEST,"
                + " or damaged): actual=9 vs expected=0-6 (bad-record) (resource=m, offset=0x0, length=0)"), texts());
        assertEquals(9, e.newFiles().get(0).level());
        assertEquals(List.of(new DeletedFile(1, 4)), e.deletedFiles());
        assertFalse(e.complete());
    }

    @Test
    void shortInternalKeyIsPositionedInThePayload() {
        byte[] payload = new Edit().newFile(1, 7, 1665, SMALL.encode(), new byte[] {'a', 'b', 'c', 'd', 'e'})
                .bytes();
        // tag 0, level 1, number 2, size 3-4, smallest length 5, key 6..22, largest length 23, key 24..28
        VersionEdit.decode(payload, "m", 0, sink);
        assertEquals(List.of("bad version edit new file (tag 7) at payload +0: largest key: internal key of 5 bytes"
                + " is shorter than its 8-byte sequence/type trailer at payload +29 (bad-key) (resource=m,"
                + " offset=0x0, length=0)"), texts());
    }

    @Test
    void badValueTypeInKey() {
        byte[] key = SMALL.encode();
        key[key.length - 8] = 2;
        byte[] payload = new Edit().raw(5, 0, key.length).raw(toInts(key)).bytes();
        VersionEdit e = VersionEdit.decode(payload, "m", 0, sink);
        assertEquals(List.of("bad version edit compact pointer (tag 5) at payload +0: compact pointer key: internal"
                + " key value type 2 is neither 0 (deletion) nor 1 (value) at payload +12 (bad-key) (resource=m,"
                + " offset=0x0, length=0)"), texts());
        assertTrue(e.compactPointers().isEmpty());
    }

    @Test
    void overlongTagVarint() {
        VersionEdit.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "m", 0, sink);
        assertEquals(List.of("bad version edit tag at payload +0: varint32 overflows 32 bits (bad-varint)"
                + " (resource=m, offset=0x0, length=0)"), texts());
    }

    @Test
    void impossibleLastSequenceIsFlaggedAndKept() {
        VersionEdit e = VersionEdit.decode(new Edit().lastSequence(-1L).bytes(), "m", 0, sink);
        assertEquals(List.of("version edit last sequence is impossible (over 56 bits) at payload +0:"
                + " actual=18446744073709551615 vs expected=<= 72057594037927935 (bad-record) (resource=m,"
                + " offset=0x0, length=0)"), texts());
        assertEquals(OptionalLong.of(-1L), e.lastSequence());
    }

    @Test
    void repeatedFieldKeepsTheLastValue() {
        VersionEdit e = VersionEdit.decode(new Edit().logNumber(3).logNumber(9).bytes(), "m", 0, sink);
        assertEquals(OptionalLong.of(9), e.logNumber());
    }

    @Test
    void manifestThroughTheLogReader() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(new Edit().comparator("leveldb.BytewiseComparator").bytes());
        w.add(new Edit().logNumber(4).nextFileNumber(5).lastSequence(0).bytes());
        w.add(new Edit().logNumber(6).prevLogNumber(0).nextFileNumber(8).lastSequence(140)
                .newFile(1, 7, 1665, SMALL.encode(), LARGE.encode()).bytes());
        List<VersionEdit> edits = new ArrayList<>();
        LogStats s = new LogReader(ByteSource.of("MANIFEST-000002", w.bytes()), sink, Limits.DEFAULT)
                .read(r -> edits.add(VersionEdit.decode(r, sink)));
        assertEquals(List.of(), texts());
        assertTrue(s.cleanEnd());
        assertEquals(3, edits.size());
        assertEquals(OptionalLong.of(6), edits.get(2).logNumber());
        assertEquals(7, edits.get(2).newFiles().get(0).number());
    }

    @Test
    void randomPayloadsOnlyEverGiveDamage() {
        java.util.Random rnd = new java.util.Random(78);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = new byte[rnd.nextInt(48)];
            rnd.nextBytes(p);
            if (p.length > 0) {
                p[0] = (byte) (1 + rnd.nextInt(9));
            }
            VersionEdit.decode(p, "r", 0, d -> { });
        }
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
