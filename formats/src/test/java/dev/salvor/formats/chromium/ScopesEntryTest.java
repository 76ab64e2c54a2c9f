package dev.salvor.formats.chromium;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chromium's LevelDB scopes (the undo log) against entries the real browser wrote: the log of
 * fixtures/browser/keys/leveldb (Chromium 150), where the page deleted "del num" and overwrote "num 0 first" (key 0,
 * then -0): their undo tasks hold the records' old values. Then bytes that are not scopes entries, refused with a
 * reason and never thrown.
 */
class ScopesEntryTest {
    private static final HexFormat HEX = HexFormat.of();
    /** IndexedDB's scopes prefix: key prefix (0, 0, 0) and metadata type 50. */
    private static final int FROM = 5;

    private static ScopesEntry decode(String key, String value) {
        return ScopesEntry.decode(HEX.parseHex(key), FROM, value == null ? null : HEX.parseHex(value));
    }

    @Test
    void undoPutOfADeletedRecordHoldsItsOldValue() {
        // the delete of "del num" (key -7.5) in scope 5: the undo task puts the record back
        ScopesEntry e = decode("00000000320205007ffffffffffffff9", "0a570a0d00010101030000000000001ec0124644ff15fe0000"
                + "00000000000000000000ff106f22046e616d65220764656c206e756d22037461674e0000000000001ec02204746167734101"
                + "220764656c206e756d2400017b03");
        assertNull(e.problem());
        assertEquals(ScopesEntry.Kind.UNDO_TASK, e.kind());
        assertEquals(5, e.scope());
        assertEquals(0x7ffffffffffffff9L, e.sequence());
        assertEquals("put", e.operation());
        // the target: database 1, object store 1, object-store data (index 1), number key -7.5
        IdbRecordKey k = IdbRecordKey.decode(e.key());
        assertEquals(IdbRecordKey.Kind.DATA, k.kind());
        assertEquals(new IdbKey.Number(-7.5), k.key());
        // the value: record version varint 0x44, then the Blink envelope (FF 15 FE ...)
        assertEquals(0x44, e.value()[0]);
        assertEquals((byte) 0xff, e.value()[1]);
        assertTrue(new String(e.value(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("del num"));
    }

    @Test
    void undoDeleteMetadataAndTheirDeletions() {
        // an undo delete of index metadata (a key the scope created)
        ScopesEntry d = decode("00000000320200007fffffffffffffe6", "120a0a080001000064012103");
        assertEquals("delete", d.operation());
        assertArrayEquals(HEX.parseHex("0001000064012103"), d.key());
        assertNull(d.value());
        // global metadata: version 1
        ScopesEntry g = decode("000000003200", "0801");
        assertEquals(ScopesEntry.Kind.GLOBAL_METADATA, g.kind());
        assertEquals(1, g.version());
        // scope 0's metadata (no locks written), and the deletion of a task once the scope was cleaned up
        ScopesEntry m = decode("00000000320100", "");
        assertEquals(ScopesEntry.Kind.SCOPE_METADATA, m.kind());
        assertEquals(0, m.scope());
        assertEquals(List.of(), m.locks());
        ScopesEntry gone = decode("00000000320200007fffffffffffffe6", null);
        assertEquals(ScopesEntry.Kind.UNDO_TASK, gone.kind());
        assertNull(gone.operation());
        assertNull(gone.problem());
    }

    @Test
    void locksRangesAndCleanupTasks() {
        // scope 300 (VarInt ac 02): lock {level 2, range {begin "a", end "b"}}, ignore_cleanup_tasks
        ScopesEntry m = decode("0000000032" + "01ac02", "0a0a08021206" + "0a0161120162" + "1001");
        assertNull(m.problem(), m.problem());
        assertEquals(300, m.scope());
        assertEquals(1, m.locks().size());
        assertEquals(2, m.locks().get(0).level());
        assertArrayEquals(new byte[]{'a'}, m.locks().get(0).begin());
        assertArrayEquals(new byte[]{'b'}, m.locks().get(0).end());
        assertTrue(m.ignoreCleanupTasks());
        // cleanup task: delete_range_and_compact {begin "x", end "y"}
        ScopesEntry c = decode("0000000032" + "0207" + "01" + "0000000000000001", "1206" + "0a0178" + "120179");
        assertEquals(ScopesEntry.Kind.CLEANUP_TASK, c.kind());
        assertEquals("delete_range_and_compact", c.operation());
        assertArrayEquals(new byte[]{'x'}, c.key());
        assertArrayEquals(new byte[]{'y'}, c.end());
    }

    /** Every byte of a real undo task (key and value) flipped and every truncation: decoded or refused, never thrown. */
    @Test
    void damagedRealEntriesNeverThrow() {
        byte[] key = HEX.parseHex("00000000320205007ffffffffffffff9");
        byte[] value = HEX.parseHex("0a570a0d00010101030000000000001ec0124644ff15fe000000000000000000000000ff106f22"
                + "046e616d65220764656c206e756d22037461674e0000000000001ec02204746167734101220764656c206e756d2400017b03");
        int refused = 0;
        for (int i = 0; i < Math.max(key.length, value.length); i++) {
            for (int v : new int[]{0x00, 0x01, 0x02, 0x0a, 0x12, 0x7f, 0x80, 0xff}) {
                byte[] k = key.clone();
                byte[] w = value.clone();
                if (i < k.length) {
                    k[i] = (byte) v;
                }
                if (i < w.length) {
                    w[i] = (byte) v;
                }
                refused += ScopesEntry.decode(k, FROM, value).problem() == null ? 0 : 1;
                refused += ScopesEntry.decode(key, FROM, w).problem() == null ? 0 : 1;
            }
            refused += ScopesEntry.decode(key, FROM, Arrays.copyOf(value, Math.min(i, value.length))).problem() == null
                    ? 0 : 1;
            refused += ScopesEntry.decode(Arrays.copyOf(key, Math.min(i, key.length)), FROM, value).problem() == null
                    ? 0 : 1;
        }
        assertTrue(refused > 0);
    }

    @Test
    void bytesThatAreNoScopesEntryAreRefusedNotThrown() {
        for (String[] kv : new String[][]{
                {"0000000032", "00"},                          // nothing after the prefix
                {"000000003203", "00"},                        // no such type
                {"00000000320200027fffffffffffffff", "00"},     // log byte 2
                {"000000003202000001", "00"},                  // sequence cut short
                {"000000003200ff", "0801"},                    // a byte after the global metadata key
                {"0000000032018080808080808080808001", ""},    // scope VarInt too long
                {"00000000320200007fffffffffffffff", "0a7f"},   // a field longer than the value
                {"00000000320200007fffffffffffffff", "0b"},     // wire type 3
                {"00000000320200007fffffffffffffff", "0a03" + "0a05"}, // a nested length past its message
                {"000000003200", "08ffffffffffffffffff01"},   // a negative version
        }) {
            ScopesEntry e = decode(kv[0], kv[1]);
            assertNotNull(e.problem(), Arrays.toString(kv));
        }
        assertNotNull(ScopesEntry.decode(null, 0, null).problem());
        assertNotNull(ScopesEntry.decode(new byte[3], 7, null).problem());
    }
}
