package dev.salvor.formats.chromium;

import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQLite backend's sortable keys against bytes Chromium 150 wrote (the {@code key} column of
 * fixtures/browser/keys/sqlite, made by generate.py with Debian's headless Chromium): each case is the record key
 * the page put and the bytes the browser stored for it; the encoder gives the same bytes back. Then Chrome 144's
 * padded form, and bytes that fit neither form, refused with a reason.
 */
class SortableKeysTest {
    private static final HexFormat HEX = HexFormat.of();

    private static IdbKey num(double d) {
        return new IdbKey.Number(d);
    }

    private static IdbKey str(String s) {
        return new IdbKey.Str(s);
    }

    private static IdbKey bin(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return new IdbKey.Binary(out);
    }

    private static IdbKey arr(IdbKey... e) {
        return new IdbKey.Array(List.of(e));
    }

    /** Every real key of this test (for the damage sweep). */
    private static final List<String> REAL = new java.util.ArrayList<>();

    private static void real(String hex, IdbKey key) {
        REAL.add(hex);
        byte[] b = HEX.parseHex(hex);
        assertEquals(key, IndexedDbKeyDecoder.decodeSortable(b), hex);
        assertArrayEquals(b, IndexedDbKeyDecoder.encodeSortable(key), key.toString());
    }

    @Test
    void numbersAndDatesAsChromium150WroteThem() {
        real("10000FFFFFFFFFFFFF", num(Double.NEGATIVE_INFINITY));
        real("100010000000000000", num(-Double.MAX_VALUE));
        real("103FA122D0E5604188", num(-123.456));
        real("10400FFFFFFFFFFFFF", num(-1));
        real("107FFFFFFFFFFFFFFE", num(-Double.MIN_VALUE));
        real("108000000000000000", num(0)); // the page put -0 last: stored as +0
        real("108000000000000001", num(Double.MIN_VALUE));
        real("10C3B0000000000000", num(0x1p60));
        real("10FE37E43C8800759C", num(1e300));
        real("10FFF0000000000000", num(Double.POSITIVE_INFINITY));
        real("20400FFFFFFFFFFFFF", new IdbKey.Date(-1));
        real("20C278BCFE5687B000", new IdbKey.Date(1700000000123d));
        real("20C33EB208C2DC0000", new IdbKey.Date(8.64e15));
        real("203CC14DF73D23FFFF", new IdbKey.Date(-8.64e15));
    }

    @Test
    void stringsInOneTwoAndThreeByteUnits() {
        real("3000", str(""));
        real("3049666D6D702D215870736D65217F00", str("Hello, World ~"));
        real("300100", str("\u0000"));
        real("30010100", str("\u0000\u0000"));
        real("307F00", str("~"));                       // 0x7E: the last one-byte unit
        real("30807F00", str("\u007f"));                // 0x7F: the first two-byte unit
        real("3064626780E92180FF00", str("caf\u00e9 \u00ff"));
        real("30810000", str("\u0100"));
        real("30BFFF00", str("\u3fff"));                // the last two-byte unit
        real("30FF400000", str("\u4000"));              // the first three-byte unit
        real("30FF65E5FF672CFF8A9EB067B05900", str("\u65e5\u672c\u8a9e\u3067\u3059"));
        real("30FFFFFF00", str("\uffff"));
        real("30FFD83DFFDE0000", str("\ud83d\ude00"));  // an astral character: its two surrogates
        real("3062FFD83DFFDE0063FFDBFFFFDFFF6400", str("a\ud83d\ude00b\udbff\udfffc"));
        real("30FFD80000", str("\ud800"));              // lone surrogates are units like any other
        real("3079FFDFFF00", str("x\udfff"));
        real("30FFDE00FFD83D00", str("\ude00\ud83d"));
    }

    @Test
    void binaryInGroupsOfEight() {
        real("4000", bin());
        real("4009000000000000000001", bin(0));
        real("4009FF0000000000000001", bin(0xff));
        real("400900FF00FF0000000004", bin(0, 0xff, 0, 0xff));
        real("4009010203040506070007", bin(1, 2, 3, 4, 5, 6, 7));
        real("4009FFFEFDFCFBFAF9F808", bin(0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8));
        real("4009001D3A577491AECB09E80000000000000001", bin(0, 29, 58, 87, 116, 145, 174, 203, 232));
        real("4009000000000000000009000000000000000009000000000000000001", new IdbKey.Binary(new byte[17]));
        real("4009FFFF00010000000004", bin(0xff, 0xff, 0, 1)); // Int16Array [-1, 256], little-endian
    }

    @Test
    void arraysNestedAndMixed() {
        real("5000", arr());
        real("50500000", arr(arr()));
        real("5050505010BFF000000000000000000000", arr(arr(arr(arr(num(1))))));
        real("5010BFF000000000000020C0000000000000003075697366660040090400000000000000015010C01400000000000030746A7900"
                + "0000", arr(num(1), new IdbKey.Date(2), str("three"), bin(4), arr(num(5), str("six"))));
        real("5030003080E90030FFD83DFFDE000030FFD8000000", arr(str(""), str("\u00e9"), str("\ud83d\ude00"),
                str("\ud800")));
        real("504000400900090000000000000900010000000000000200", arr(bin(), bin(0, 9, 0, 0, 0, 0, 0, 0, 0, 1)));
    }

    @Test
    void chrome144PaddedFormStillDecodes() {
        for (IdbKey k : IdbKeysTest.ordered()) {
            byte[] padded = IndexedDbKeyDecoder.encodeSortablePadded(k);
            assertEquals(k, IndexedDbKeyDecoder.decodeSortable(padded), k.toString());
        }
        // "a": 30 01 00 61 00; binary [0x80]: 40 01 80 00
        assertArrayEquals(HEX.parseHex("3001006100"), IndexedDbKeyDecoder.encodeSortablePadded(str("a")));
        assertEquals(bin(0x80), IndexedDbKeyDecoder.decodeSortable(HEX.parseHex("40018000")));
        // bytes that fit both forms are read in the newer one: 30 01 30 42 00 is "\0/A", not a padded U+3042
        assertEquals(str("\u0000/A"), IndexedDbKeyDecoder.decodeSortable(HEX.parseHex("3001304200")));
        assertEquals(str("\u0000"), IndexedDbKeyDecoder.decodeSortable(HEX.parseHex("300100")));
        assertEquals(arr(str("\u0000"), num(1)), IndexedDbKeyDecoder.decodeSortable(HEX.parseHex(
                "5030010010BFF000000000000000")));
    }

    @Test
    void bothFormsSortAsTheKeysDo() {
        List<IdbKey> keys = IdbKeysTest.ordered();
        for (int i = 1; i < keys.size(); i++) {
            for (boolean padded : new boolean[]{false, true}) {
                byte[] a = padded ? IndexedDbKeyDecoder.encodeSortablePadded(keys.get(i - 1))
                        : IndexedDbKeyDecoder.encodeSortable(keys.get(i - 1));
                byte[] b = padded ? IndexedDbKeyDecoder.encodeSortablePadded(keys.get(i))
                        : IndexedDbKeyDecoder.encodeSortable(keys.get(i));
                assertTrue(java.util.Arrays.compareUnsigned(a, b) < 0, keys.get(i - 1) + " < " + keys.get(i));
            }
        }
    }

    @Test
    void keyPathsOfTheSqliteBackend() {
        // the indexes rows of the fixture: "tag", "tags" and ["tag", "name"] (joined by a space)
        assertEquals(new IdbKeyPath("tag", null), IdbKeyPath.ofSqlite(HEX.parseHex("740061006700")));
        assertEquals(new IdbKeyPath(null, List.of("tag", "name")),
                IdbKeyPath.ofSqlite(HEX.parseHex("74006100670020006E0061006D006500")));
        assertEquals(new IdbKeyPath("", null), IdbKeyPath.ofSqlite(new byte[0]));
        assertEquals(IdbKeyPath.NONE, IdbKeyPath.ofSqlite(null));
        assertEquals(new IdbKeyPath("a", null), IdbKeyPath.ofSqlite(HEX.parseHex("610000")));
    }

    /**
     * Damage sweep over the real keys: every byte replaced by values that matter to the forms (sentinel, padding,
     * group marker, the one/two/three-byte limits) and every truncation either decodes or is refused with a
     * {@link Malformed}; nothing else leaves the decoder.
     */
    @Test
    void damagedRealKeysDecodeOrAreRefused() {
        REAL.clear();
        numbersAndDatesAsChromium150WroteThem();
        stringsInOneTwoAndThreeByteUnits();
        binaryInGroupsOfEight();
        arraysNestedAndMixed();
        int refused = 0;
        int[] values = {0x00, 0x01, 0x08, 0x09, 0x0A, 0x10, 0x30, 0x40, 0x50, 0x7F, 0x80, 0xBF, 0xC0, 0xFE, 0xFF};
        for (String hex : REAL) {
            byte[] b = HEX.parseHex(hex);
            for (int i = 0; i < b.length; i++) {
                for (int v : values) {
                    byte[] d = b.clone();
                    d[i] = (byte) v;
                    refused += refusedOrDecoded(d);
                }
                refused += refusedOrDecoded(java.util.Arrays.copyOf(b, i));
            }
        }
        assertTrue(refused > 0, "some damage is refused");
    }

    private static int refusedOrDecoded(byte[] d) {
        try {
            assertNotNull(IndexedDbKeyDecoder.decodeSortable(d));
            return 0;
        } catch (Malformed refused) {
            assertTrue(refused.detail() != null && !refused.detail().isEmpty());
            return 1;
        }
    }

    @Test
    void bytesThatFitNeitherFormAreRefused() {
        for (String hex : List.of(
                "30",                  // no sentinel
                "30410041",            // "@", then a byte after the key
                "30804100",            // 'A' in two bytes: not the shortest form
                "30FF004100",          // 'A' in three bytes
                "30FF3FFF00",          // U+3FFF in three bytes
                "30C00000",            // 0xC0..0xFE start no unit
                "30FE000000",
                "3080",                // two-byte unit cut short
                "30FFD8",              // three-byte unit cut short
                "4005",                // neither a group (09) nor empty (00) nor padded (01)
                "40090102",            // group cut short
                "4009010203040506070809",   // a group, then nothing
                "400901020304050607080A",   // after a group: neither 09 nor 1..8
                "4009010203040506070000",   // ... nor 0
                "4009010203040506070001",   // padding that is not zero
                "50",                  // array without its end
                "5010",                // number cut short
                "60",                  // no such type
                "")) {
            byte[] input = HEX.parseHex(hex);
            Malformed m = assertThrows(Malformed.class, () -> IndexedDbKeyDecoder.decodeSortable(input), hex);
            assertTrue(m.detail() != null && !m.detail().isEmpty(), hex);
        }
    }
}
