package dev.salvor.formats.leveldb;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Codec detection and bounded decompression of hostile payloads. */
class BlockDecompressorTest {
    private static final Limits SMALL = Limits.DEFAULT.withMaxBlockBytes(64 * 1024);
    private static final byte[] PLAIN = "abcdefgh".repeat(2000).getBytes(); // 16000 bytes, compressible

    private static BlockDecompressor.Result run(byte[] stored, int type, Limits limits) {
        return BlockDecompressor.decompress(stored, stored.length, type, "t.ldb", 0x40, stored.length + 5L, limits);
    }

    private static DamageKind failure(byte[] stored, int type, Limits limits) {
        CorruptionException e = assertThrows(CorruptionException.class, () -> run(stored, type, limits));
        assertEquals(0x40, e.damage().offset());
        assertEquals(stored.length + 5L, e.damage().length());
        return e.damage().kind();
    }

    private static byte[] contents(BlockDecompressor.Result r) {
        return Arrays.copyOf(r.data(), r.length());
    }

    private static byte[] deflate(byte[] in, boolean raw) {
        Deflater d = new Deflater(9, raw);
        d.setInput(in);
        d.finish();
        byte[] buf = new byte[in.length + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    @Test
    void everySupportedCodecRoundTrips() throws IOException {
        assertArrayEquals(PLAIN, contents(run(Snappy.compress(PLAIN), 1, SMALL)));
        BlockDecompressor.Result z = run(Zstd.compress(PLAIN), 2, SMALL);
        assertEquals(CompressionType.ZSTD, z.type());
        assertArrayEquals(PLAIN, contents(z));
        assertEquals(CompressionType.ZSTD, run(Zstd.compress(PLAIN), 7, SMALL).type());
        BlockDecompressor.Result zl = run(deflate(PLAIN, false), 2, SMALL);
        assertEquals(CompressionType.ZLIB, zl.type());
        assertArrayEquals(PLAIN, contents(zl));
        BlockDecompressor.Result raw = run(deflate(PLAIN, true), 4, SMALL);
        assertEquals(CompressionType.ZLIB_RAW, raw.type());
        assertArrayEquals(PLAIN, contents(raw));
    }

    @Test
    void zstdFrameWithoutContentSizeIsStreamedWithinTheLimit() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZstdOutputStream out = new ZstdOutputStream(bos)) {
            out.write(PLAIN);
        }
        byte[] stored = bos.toByteArray();
        assertEquals(-1, Zstd.getFrameContentSize(stored, 0, stored.length), "streamed frames omit the size");
        assertArrayEquals(PLAIN, contents(run(stored, 2, SMALL)));
        assertEquals(DamageKind.LIMIT_EXCEEDED, failure(stored, 2, Limits.DEFAULT.withMaxBlockBytes(4096)));
    }

    @Test
    void sizeClaimsOverTheLimitAreRefusedBeforeAllocating() throws IOException {
        Limits tiny = Limits.DEFAULT.withMaxBlockBytes(1000);
        assertEquals(DamageKind.LIMIT_EXCEEDED, failure(Snappy.compress(PLAIN), 1, tiny));
        assertEquals(DamageKind.LIMIT_EXCEEDED, failure(Zstd.compress(PLAIN), 2, tiny));
        assertEquals(DamageKind.LIMIT_EXCEEDED, failure(deflate(PLAIN, false), 2, tiny));
        assertEquals(DamageKind.LIMIT_EXCEEDED, failure(deflate(PLAIN, true), 4, tiny));
    }

    @Test
    void snappyClaimsBeyondTheMaximumExpansionAreRefusedBeforeAllocating() throws IOException {
        // preamble 0x80 0x80 0x40 = 1 MiB, then 10 bytes: no snappy stream of 10 bytes expands to 1 MiB
        byte[] stored = {(byte) 0x80, (byte) 0x80, 0x40, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        CorruptionException e = assertThrows(CorruptionException.class, () -> run(stored, 1, Limits.DEFAULT));
        assertEquals(DamageKind.DECOMPRESS_FAILED, e.damage().kind());
        assertTrue(e.getMessage().contains("snappy preamble claims more than the stream can expand to: "
                + "actual=1048576 vs expected=<= 304 (24x the 10 compressed bytes)"), e.getMessage());
        // a real, highly compressible block is still accepted
        assertEquals(PLAIN.length, run(Snappy.compress(PLAIN), 1, Limits.DEFAULT).length());
    }

    @Test
    void aSnappyBlockWhoseHeadIsZeroedSaysItsPreambleReadsZero() {
        byte[] stored = new byte[64];
        stored[40] = 7; // the head zeroed, later bytes not
        CorruptionException e = assertThrows(CorruptionException.class, () -> run(stored, 1, Limits.DEFAULT));
        assertEquals(DamageKind.DECOMPRESS_FAILED, e.damage().kind());
        assertTrue(e.getMessage().contains("snappy length preamble reads 0 (head of the block zeroed or overwritten?): "
                + "actual=0, followed by 63 compressed bytes vs expected=a length preamble > 0"), e.getMessage());
    }

    @Test
    void aZeroedSnappyBlockIsReportedAsZeroed() {
        CorruptionException e = assertThrows(CorruptionException.class, () -> run(new byte[4096], 1, Limits.DEFAULT));
        assertEquals(DamageKind.ZEROED, e.damage().kind());
        assertTrue(e.getMessage().contains("block contents zeroed (overwritten, or a hole in a sparse or damaged file): "
                + "actual=4096 zero bytes vs expected=a snappy-compressed block"), e.getMessage());
    }

    @Test
    void corruptPayloadsFailAsDamage() throws IOException {
        byte[] snappy = Snappy.compress(PLAIN);
        snappy[snappy.length / 2] ^= (byte) 0xff;
        snappy[snappy.length / 2 + 1] ^= (byte) 0xff;
        assertEquals(DamageKind.DECOMPRESS_FAILED, failure(Arrays.copyOf(snappy, 20), 1, SMALL));
        assertEquals(DamageKind.DECOMPRESS_FAILED, failure(new byte[] {(byte) 0x80, (byte) 0x80}, 1, SMALL));
        byte[] zstd = Zstd.compress(PLAIN);
        assertEquals(DamageKind.DECOMPRESS_FAILED, failure(Arrays.copyOf(zstd, zstd.length - 3), 2, SMALL));
        assertEquals(DamageKind.DECOMPRESS_FAILED, failure("neither".getBytes(), 2, SMALL));
        byte[] zlib = deflate(PLAIN, false);
        assertEquals(DamageKind.DECOMPRESS_FAILED, failure(Arrays.copyOf(zlib, zlib.length / 2), 2, SMALL));
        assertEquals(DamageKind.DECOMPRESS_FAILED, failure(new byte[] {(byte) 0xff, 0x12, 0x34}, 4, SMALL));
        assertEquals(DamageKind.UNKNOWN_COMPRESSION, failure(PLAIN, 9, SMALL));
        assertEquals(DamageKind.UNKNOWN_COMPRESSION, failure(PLAIN, 3, SMALL));
    }

    @Test
    void unknownIdMessage() {
        CorruptionException e = assertThrows(CorruptionException.class, () -> run(new byte[4], 0x2a, SMALL));
        assertEquals("block compression id unknown: actual=42 vs expected=0 (none), 1 (snappy), 2 (zstd/zlib),"
                + " 4 (raw deflate) or 7 (zstd) (unknown-compression) (resource=t.ldb, offset=0x40, length=9)",
                e.getMessage());
    }
}
