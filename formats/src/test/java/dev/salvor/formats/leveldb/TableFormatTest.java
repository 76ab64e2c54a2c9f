package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golden encodings of the small table structures: handle, footer, trailer, internal key. */
class TableFormatTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void blockHandleIsTwoVarint64s() {
        BlockHandle h = BlockHandle.decode(new ByteCursor(hex("ac02 e807")));
        assertEquals(new BlockHandle(300, 1000), h);
        assertArrayEquals(hex("ac02 e807"), h.encode());
        assertEquals(1305, h.endWithTrailer());
    }

    @Test
    void blockHandleRejectsValuesBeyondSignedOffsetsAndTrailingBytes() {
        Malformed m = assertThrows(Malformed.class,
                () -> BlockHandle.decode(new ByteCursor(hex("ffffffffffffffffff01 00"))));
        assertEquals(DamageKind.BAD_POINTER, m.kind());
        assertEquals(DamageKind.BAD_VARINT, assertThrows(Malformed.class,
                () -> BlockHandle.decode(new ByteCursor(hex("80"))) ).kind());
        assertEquals(DamageKind.BAD_POINTER, assertThrows(Malformed.class,
                () -> BlockHandle.decodeExact(hex("01 02 03"))).kind());
    }

    @Test
    void footerGoldenBytes() {
        Footer f = new Footer(new BlockHandle(3499, 49), new BlockHandle(3553, 49));
        byte[] b = f.encode();
        assertEquals("ab1b31e11b31" + "00".repeat(34) + "57fb808b247547db", HexFormat.of().formatHex(b));
        assertEquals(f, Footer.decode(b, "t.ldb", 3607));
    }

    @Test
    void footerWithWrongMagicOrZerosOrBadHandle() {
        byte[] zero = new byte[48];
        CorruptionException z = assertThrows(CorruptionException.class, () -> Footer.decode(zero, "t.ldb", 100));
        assertEquals("table footer is all zeros (overwritten, or a preallocated file never finished): actual=48 zero"
                + " bytes vs expected=0xdb4775248b80fb57 (zeroed) (resource=t.ldb, offset=0x64, length=48)",
                z.getMessage());

        byte[] rocks = new Footer(new BlockHandle(1, 2), new BlockHandle(3, 4)).encode();
        byte[] magic = hex("f7cff485b741e288");
        System.arraycopy(magic, 0, rocks, 40, 8);
        assertEquals("table footer magic is RocksDB's block-based table magic (RocksDB format, not LevelDB):"
                + " actual=0x88e241b785f4cff7 vs expected=0xdb4775248b80fb57 (bad-magic) (resource=t.ldb,"
                + " offset=0x0, length=48)", assertThrows(CorruptionException.class,
                () -> Footer.decode(rocks, "t.ldb", 0)).getMessage());

        byte[] bad = new Footer(new BlockHandle(1, 2), new BlockHandle(3, 4)).encode();
        Arrays.fill(bad, 0, 40, (byte) 0xff);
        CorruptionException v = assertThrows(CorruptionException.class, () -> Footer.decode(bad, "t.ldb", 0));
        assertEquals(DamageKind.BAD_VARINT, v.damage().kind());
    }

    @Test
    void trailerVerifiesMaskedCrcOverDataThenType() {
        byte[] block = "hello".getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        TracingTableWriter.writeRaw(out, block, 1);
        byte[] b = out.toByteArray();
        BlockTrailer t = BlockTrailer.decode(b, 5);
        assertEquals(CompressionType.SNAPPY, t.type());
        assertEquals(1, t.typeCode());
        assertEquals(true, t.verifies(b, 0, 5));
        b[0] ^= 1;
        assertEquals(false, t.verifies(b, 0, 5));
    }

    @Test
    void compressionIds() {
        assertEquals(CompressionType.NONE, CompressionType.forId(0));
        assertEquals(CompressionType.SNAPPY, CompressionType.forId(1));
        assertEquals(CompressionType.ZSTD, CompressionType.forId(2));
        assertEquals(CompressionType.ZLIB_RAW, CompressionType.forId(4));
        assertEquals(CompressionType.ZSTD, CompressionType.forId(7));
        assertEquals(CompressionType.UNKNOWN, CompressionType.forId(9));
    }

    @Test
    void internalKeyGolden() {
        byte[] raw = hex("6b6579" + "0102000000000000"); // "key", seq 0x201... tag = 0x0201: seq 2, type 1
        InternalKey k = InternalKey.decode(raw);
        assertArrayEquals("key".getBytes(StandardCharsets.US_ASCII), k.userKey());
        assertEquals(2, k.sequence());
        assertEquals(ValueType.VALUE, k.type());
        assertArrayEquals(raw, k.encode());
        assertEquals(ValueType.DELETION, InternalKey.decode(hex("00000000000000 00".replace(" ", "") + "00"))
                .type());
    }

    @Test
    void internalKeyDamage() {
        Malformed shortKey = assertThrows(Malformed.class, () -> InternalKey.decode(hex("01020304")));
        assertEquals(DamageKind.BAD_KEY, shortKey.kind());
        assertEquals(4, shortKey.position(), "position = where the missing trailer would start");
        Malformed type = assertThrows(Malformed.class, () -> InternalKey.decode(hex("61 0700000000000000")));
        assertEquals(DamageKind.BAD_KEY, type.kind());
        assertEquals(1, type.position(), "position = the offending type byte");
        assertNull(ValueType.of(2));
    }
}
