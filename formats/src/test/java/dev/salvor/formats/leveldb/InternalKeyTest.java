package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;

import static dev.salvor.formats.leveldb.LogEncoders.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InternalKeyTest {

    @Test
    void decodesTheLittleEndianTrailer() {
        // "k" + (5 << 8 | 1) little-endian
        InternalKey k = InternalKey.decode(new byte[] {'k', 1, 5, 0, 0, 0, 0, 0, 0});
        assertArrayEquals(utf8("k"), k.userKey());
        assertEquals(5, k.sequence());
        assertEquals(ValueType.VALUE, k.type());
        assertArrayEquals(new byte[] {'k', 1, 5, 0, 0, 0, 0, 0, 0}, k.encode());
        assertEquals("'k' @ 5 : 1", k.toString());
    }

    @Test
    void largestSequenceRoundTrips() {
        InternalKey k = new InternalKey(new byte[] {(byte) 0xff}, LogFormat.MAX_SEQUENCE, ValueType.DELETION);
        assertEquals(k, InternalKey.decode(k.encode()));
        assertEquals("'\\xff' @ 72057594037927935 : 0", k.toString());
    }

    @Test
    void equalityIsByContent() {
        InternalKey a = new InternalKey(utf8("a"), 1, ValueType.VALUE);
        assertEquals(a, new InternalKey(utf8("a"), 1, ValueType.VALUE));
        assertEquals(a.hashCode(), new InternalKey(utf8("a"), 1, ValueType.VALUE).hashCode());
        assertNotEquals(a, new InternalKey(utf8("a"), 1, ValueType.DELETION));
        assertNotEquals(a, new InternalKey(utf8("b"), 1, ValueType.VALUE));
    }

    @Test
    void shorterThanTheTrailer() {
        Malformed m = assertThrows(Malformed.class, () -> InternalKey.decode(new byte[7]));
        assertEquals(DamageKind.BAD_KEY, m.kind());
        assertEquals(7, m.position());
        assertEquals("internal key of 7 bytes is shorter than its 8-byte sequence/type trailer", m.detail());
    }

    @Test
    void unknownValueType() {
        Malformed m = assertThrows(Malformed.class, () -> InternalKey.decode(new byte[] {'x', 2, 0, 0, 0, 0, 0, 0,
            0}));
        assertEquals(DamageKind.BAD_KEY, m.kind());
        assertEquals(1, m.position());
        assertEquals("internal key value type 2 is neither 0 (deletion) nor 1 (value)", m.detail());
    }

    @Test
    void typeCodes() {
        assertEquals(ValueType.DELETION, ValueType.of(0));
        assertEquals(ValueType.VALUE, ValueType.of(1));
        assertNull(ValueType.of(2));
        assertNull(ValueType.of(-1));
        for (LogRecordType t : LogRecordType.values()) {
            assertEquals(t, LogRecordType.of(t.code()));
        }
        assertEquals(4, LogRecordType.LAST.code());
        assertEquals(11, LogRecordType.RECYCLABLE_FIRST.headerSize());
        assertNull(LogRecordType.of(9));
        assertNull(LogRecordType.of(-1));
    }
}
