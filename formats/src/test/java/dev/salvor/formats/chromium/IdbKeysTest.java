package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key prefixes, IndexedDB keys in both encodings and {@code idb_cmp1}, against the byte layouts of Chromium's
 * {@code indexed_db_leveldb_coding.cc} (the fixtures written by the real browser are checked in
 * {@link ChromiumFixturesTest}).
 */
class IdbKeysTest {

    /** Keys in the specification's order: numbers, dates, strings, binary, arrays. */
    static List<IdbKey> ordered() {
        return List.of(
                new IdbKey.Number(Double.NEGATIVE_INFINITY), new IdbKey.Number(-1e300), new IdbKey.Number(-1.5),
                new IdbKey.Number(0), new IdbKey.Number(1e-300), new IdbKey.Number(1), new IdbKey.Number(2),
                new IdbKey.Number(Double.POSITIVE_INFINITY),
                new IdbKey.Date(-1), new IdbKey.Date(0), new IdbKey.Date(1.7e12),
                new IdbKey.Str(""), new IdbKey.Str("A"), new IdbKey.Str("a"), new IdbKey.Str("ab"),
                new IdbKey.Str("\u00e9"), new IdbKey.Str("\ud83d\ude00"), new IdbKey.Str("\uffff"),
                new IdbKey.Binary(new byte[0]), new IdbKey.Binary(new byte[]{0}), new IdbKey.Binary(new byte[]{1}),
                new IdbKey.Binary(new byte[]{(byte) 0x80}), new IdbKey.Binary(new byte[]{(byte) 0xff, 0}),
                new IdbKey.Array(List.of()), new IdbKey.Array(List.of(new IdbKey.Number(1))),
                new IdbKey.Array(List.of(new IdbKey.Number(1), new IdbKey.Str("x"))),
                new IdbKey.Array(List.of(new IdbKey.Str("a"))),
                new IdbKey.Array(List.of(new IdbKey.Array(List.of()))));
    }

    @Test
    void keyPrefixLengthsAndIds() {
        byte[] p = KeyPrefix.encode(1, 2, 30);
        assertArrayEquals(new byte[]{0, 1, 2, 30}, p);
        byte[] wide = KeyPrefix.encode(0x1234, 0x10000, 0x1000000L);
        // db 2 bytes (001), os 3 bytes (010), index 4 bytes (11): 001 010 11
        assertEquals(0b001_010_11, wide[0] & 0xFF);
        KeyPrefix d = KeyPrefix.decode(wide);
        assertEquals(new KeyPrefix(0x1234, 0x10000, 0x1000000L, wide.length), d);
        assertEquals(KeyPrefix.Type.INDEX_DATA, d.type());
        assertEquals(KeyPrefix.Type.GLOBAL_METADATA, KeyPrefix.decode(new byte[]{0, 0, 0, 0}).type());
        assertEquals(KeyPrefix.Type.DATABASE_METADATA, KeyPrefix.decode(new byte[]{0, 5, 0, 0}).type());
        assertEquals(KeyPrefix.Type.OBJECT_STORE_DATA, KeyPrefix.decode(new byte[]{0, 5, 1, 1}).type());
        assertEquals(KeyPrefix.Type.EXISTS_ENTRY, KeyPrefix.decode(new byte[]{0, 5, 1, 2}).type());
        assertEquals(KeyPrefix.Type.BLOB_ENTRY, KeyPrefix.decode(new byte[]{0, 5, 1, 3}).type());
        assertEquals(KeyPrefix.Type.INVALID, KeyPrefix.decode(new byte[]{0, 5, 1, 4}).type());
        // 8-byte database id: lengths byte 111 000 00
        byte[] big = KeyPrefix.encode(Long.MAX_VALUE, 1, 1);
        assertEquals(Long.MAX_VALUE, KeyPrefix.decode(big).databaseId());
        assertThrows(Malformed.class, () -> KeyPrefix.decode(new byte[]{(byte) 0xff, 1, 2}));
        assertThrows(Malformed.class, () -> KeyPrefix.decode(new byte[0]));
    }

    @Test
    void levelDbEncodingRoundTripsEveryType() {
        for (IdbKey k : ordered()) {
            byte[] enc = IndexedDbKeyDecoder.encode(k);
            assertEquals(k, IndexedDbKeyDecoder.decode(enc), k.toString());
        }
        assertEquals(new IdbKey.Min(), IndexedDbKeyDecoder.decode(new byte[]{5}));
        assertEquals(new IdbKey.None(), IndexedDbKeyDecoder.decode(new byte[]{0}));
        // "two" as StringWithLength: 03 then UTF-16BE
        assertArrayEquals(new byte[]{1, 3, 0, 't', 0, 'w', 0, 'o'}, IndexedDbKeyDecoder.encode(new IdbKey.Str("two")));
        // number 1: type 3, little-endian double
        assertArrayEquals(new byte[]{3, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f},
                IndexedDbKeyDecoder.encode(new IdbKey.Number(1)));
    }

    @Test
    void sortableEncodingRoundTripsAndSortsAsKeysDo() {
        List<IdbKey> keys = ordered();
        List<byte[]> enc = new ArrayList<>();
        for (IdbKey k : keys) {
            byte[] e = IndexedDbKeyDecoder.encodeSortable(k);
            assertEquals(k, IndexedDbKeyDecoder.decodeSortable(e), k.toString());
            enc.add(e);
        }
        for (int i = 1; i < enc.size(); i++) {
            assertTrue(Arrays.compareUnsigned(enc.get(i - 1), enc.get(i)) < 0,
                    keys.get(i - 1) + " sorts before " + keys.get(i));
        }
        // -0 is written as +0
        assertArrayEquals(IndexedDbKeyDecoder.encodeSortable(new IdbKey.Number(0)),
                IndexedDbKeyDecoder.encodeSortable(new IdbKey.Number(-0.0)));
        // "a": 30 62 00 (Chromium 150; Chrome 144's padded form and the real browser's bytes: SortableKeysTest)
        assertArrayEquals(new byte[]{0x30, 'b', 0}, IndexedDbKeyDecoder.encodeSortable(new IdbKey.Str("a")));
        // Chromium 150's compact form, as on the real fixture's keys ("array_dense" is 30 'b' 's' 's' 'b' 'z' '`' ...)
        assertEquals(new IdbKey.Str("a_z"), IndexedDbKeyDecoder.decodeSortable(new byte[]{0x30, 'b', '`', '{', 0}));
        assertEquals(new IdbKey.Str(""), IndexedDbKeyDecoder.decodeSortable(new byte[]{0x30, 0}));
        assertThrows(Malformed.class, () -> IndexedDbKeyDecoder.decodeSortable(new byte[]{0x30, 'b', (byte) 0xc0, 0}));
        assertThrows(Malformed.class, () -> IndexedDbKeyDecoder.decodeSortable(new byte[]{0x30, 'b'}));
        assertThrows(Malformed.class, () -> IndexedDbKeyDecoder.decodeSortable(new byte[]{0x30, 2, 0, 'a', 0}));
        assertThrows(Malformed.class, () -> IndexedDbKeyDecoder.decodeSortable(new byte[]{0x10, 1, 2}));
    }

    @Test
    void comparatorOrdersDataKeysAsTheSpecificationDoes() {
        List<IdbKey> keys = ordered();
        List<byte[]> encoded = new ArrayList<>();
        for (IdbKey k : keys) {
            encoded.add(concat(KeyPrefix.encode(1, 1, 1), IndexedDbKeyDecoder.encode(k)));
        }
        List<byte[]> shuffled = new ArrayList<>(encoded);
        Collections.shuffle(shuffled, new Random(16));
        shuffled.sort(IdbComparator.INSTANCE::compare);
        for (int i = 0; i < encoded.size(); i++) {
            assertArrayEquals(encoded.get(i), shuffled.get(i), "position " + i + ": " + keys.get(i));
        }
        for (int i = 0; i < keys.size(); i++) {
            for (int j = 0; j < keys.size(); j++) {
                assertEquals(Integer.signum(Integer.compare(i, j)),
                        Integer.signum(IdbKey.compare(keys.get(i), keys.get(j))), keys.get(i) + " vs " + keys.get(j));
            }
        }
    }

    @Test
    void comparatorOrdersPrefixesNumericallyNotBytewise() {
        // database 256 takes two bytes (lengths byte 0x20) and sorts after database 2, though 0x20 > 0x00 bytewise
        byte[] db2 = concat(KeyPrefix.encode(2, 1, 1), IndexedDbKeyDecoder.encode(new IdbKey.Number(1)));
        byte[] db256 = concat(KeyPrefix.encode(256, 1, 1), IndexedDbKeyDecoder.encode(new IdbKey.Number(1)));
        assertTrue(IdbComparator.INSTANCE.compare(db2, db256) < 0);
        // numbers: -1 (bytes f0 bf) sorts before 1 (f0 3f), the opposite of their bytes
        byte[] minus = concat(KeyPrefix.encode(1, 1, 1), IndexedDbKeyDecoder.encode(new IdbKey.Number(-1)));
        byte[] plus = concat(KeyPrefix.encode(1, 1, 1), IndexedDbKeyDecoder.encode(new IdbKey.Number(1)));
        assertTrue(Arrays.compareUnsigned(minus, plus) > 0);
        assertTrue(IdbComparator.INSTANCE.compare(minus, plus) < 0);
        // metadata of a database before its data; global metadata first
        byte[] global = concat(KeyPrefix.encode(0, 0, 0), new byte[]{0});
        byte[] meta = concat(KeyPrefix.encode(1, 0, 0), new byte[]{1});
        assertTrue(IdbComparator.INSTANCE.compare(global, meta) < 0);
        assertTrue(IdbComparator.INSTANCE.compare(meta, plus) < 0);
        // index entries: index key, then primary key, then sequence
        byte[] idxA = index(new IdbKey.Str("a"), 9, new IdbKey.Number(1));
        byte[] idxB = index(new IdbKey.Str("a"), 1, new IdbKey.Number(2));
        byte[] idxC = index(new IdbKey.Str("b"), 1, new IdbKey.Number(0));
        assertTrue(IdbComparator.INSTANCE.compare(idxA, idxB) < 0);
        assertTrue(IdbComparator.INSTANCE.compare(idxB, idxC) < 0);
    }

    @Test
    void comparatorIsTotalOnGarbage() {
        Random r = new Random(1601);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] b = new byte[r.nextInt(12)];
            r.nextBytes(b);
            if (i % 3 == 0 && b.length > 4) {
                b[0] = 0;
                b[1] = 1;
            }
            keys.add(b);
        }
        for (byte[] a : keys) {
            assertEquals(0, IdbComparator.INSTANCE.compare(a, a.clone()));
            for (byte[] b : keys) {
                int ab = Integer.signum(IdbComparator.INSTANCE.compare(a, b));
                int ba = Integer.signum(IdbComparator.INSTANCE.compare(b, a));
                assertEquals(-ab, ba);
                if (!Arrays.equals(a, b)) {
                    assertTrue(ab != 0, "different keys never compare equal");
                }
            }
        }
    }

    @Test
    void recordKeysOfEveryKind() {
        IdbRecordKey name = IdbRecordKey.decode(concat(KeyPrefix.encode(0, 0, 0), new byte[]{(byte) 201, 1, 0, 'o',
                2, 0, 'd', 0, 'b'}));
        assertEquals(IdbRecordKey.Kind.DATABASE_NAME, name.kind());
        assertEquals("o", name.origin());
        assertEquals("db", name.name());
        IdbRecordKey osMeta = IdbRecordKey.decode(concat(KeyPrefix.encode(3, 0, 0), new byte[]{50, 2, 1}));
        assertEquals(IdbRecordKey.Kind.OBJECT_STORE_METADATA, osMeta.kind());
        assertEquals(2, osMeta.objectStoreId());
        assertEquals(1, osMeta.metaType());
        IdbRecordKey idxMeta = IdbRecordKey.decode(concat(KeyPrefix.encode(3, 0, 0), new byte[]{100, 2, 30, 3}));
        assertEquals(IdbRecordKey.Kind.INDEX_METADATA, idxMeta.kind());
        assertEquals(30, idxMeta.indexId());
        IdbRecordKey idx = IdbRecordKey.decode(index(new IdbKey.Str("a"), 7, new IdbKey.Number(5)));
        assertEquals(IdbRecordKey.Kind.INDEX, idx.kind());
        assertEquals(7, idx.sequence());
        assertEquals(new IdbKey.Number(5), idx.primaryKey());
        assertThrows(Malformed.class, () -> IdbRecordKey.decode(concat(KeyPrefix.encode(1, 1, 1), new byte[]{9})));
        assertThrows(Malformed.class, () -> IdbRecordKey.decode(concat(KeyPrefix.encode(1, 1, 1),
                new byte[]{4, (byte) 0xff, (byte) 0xff, 3})));
    }

    @Test
    void keyPaths() {
        assertEquals(new IdbKeyPath("id", null), IdbKeyPath.decode(new byte[]{0, 0, 1, 2, 0, 'i', 0, 'd'}));
        assertEquals(IdbKeyPath.NONE, IdbKeyPath.decode(new byte[]{0, 0, 0}));
        assertEquals(new IdbKeyPath(null, List.of("a", "b")),
                IdbKeyPath.decode(new byte[]{0, 0, 2, 2, 1, 0, 'a', 1, 0, 'b'}));
        assertEquals(new IdbKeyPath("x", null), IdbKeyPath.decode(new byte[]{0, 'x'})); // legacy untyped string
    }

    static byte[] index(IdbKey key, long sequence, IdbKey primary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(KeyPrefix.encode(1, 1, 30));
        out.writeBytes(IndexedDbKeyDecoder.encode(key));
        IndexedDbKeyDecoder.putVarint(out, sequence);
        out.writeBytes(IndexedDbKeyDecoder.encode(primary));
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
