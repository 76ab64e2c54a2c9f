package dev.salvor.formats.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteSourceTest {
    @TempDir
    Path tmp;

    @Test
    void readsAcrossTheOneGibChunkBoundaryOfAFileOverTwoGib() throws IOException {
        Path f = tmp.resolve("sparse.img");
        long size = 3L << 30; // sparse: costs no disk
        long boundary = 1L << 30;
        byte[] marker = {1, 2, 3, 4, 5, 6, 7, 8};
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) { // the test writes its own input
            raf.setLength(size);
            raf.seek(boundary - 4);
            raf.write(marker);
            raf.seek(size - 8);
            raf.write(marker);
        }
        String before = Files.getLastModifiedTime(f).toString();
        try (ByteSource src = ByteSource.open(f)) {
            assertEquals(size, src.size());
            assertArrayEquals(marker, src.read(boundary - 4, 8), "a read spanning two mappings");
            assertArrayEquals(marker, src.read(size - 8, 8), "the end of a file over 2 GiB");
            ByteBuffer view = src.view(boundary - 4, 8);
            assertEquals(8, view.remaining());
            assertTrue(view.isReadOnly());
            assertEquals(5, src.readUnsignedByte(boundary));
            CorruptionException e = assertThrows(CorruptionException.class, () -> src.read(size - 4, 8));
            assertEquals(DamageKind.TRUNCATED, e.damage().kind());
            assertTrue(e.getMessage().contains("resource=" + f), e.getMessage());
            assertTrue(e.getMessage().contains("offset=0x" + Long.toHexString(size - 4)), e.getMessage());
        }
        assertEquals(before, Files.getLastModifiedTime(f).toString(), "reading never touches the file");
    }

    @Test
    void arraySourceChecksRanges() {
        ByteSource s = ByteSource.of("mem", new byte[] {9, 8, 7});
        assertArrayEquals(new byte[] {8, 7}, s.read(1, 2));
        assertThrows(CorruptionException.class, () -> s.read(2, 2));
        assertThrows(CorruptionException.class, () -> s.read(-1, 1));
        assertThrows(CorruptionException.class, () -> s.read(Long.MAX_VALUE, 1));
    }

    @Test
    void maskedCrcMatchesLevelDbReferenceValues() {
        // leveldb util/crc32c_test.cc: Value("hello world") masking round trip; CRC-32C of 32 zero bytes = 0x8a9136aa
        assertEquals(0x8a9136aa, Crc32c.of(new byte[32], 0, 32));
        int crc = Crc32c.of("foo".getBytes(), 0, 3);
        assertTrue(crc != Crc32c.mask(crc));
        assertTrue(crc != Crc32c.mask(Crc32c.mask(crc)));
        assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
        assertEquals(crc, Crc32c.unmask(Crc32c.unmask(Crc32c.mask(Crc32c.mask(crc)))));
    }

    @Test
    void varintsAreBounded() {
        byte[] tooLong = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        Malformed m = assertThrows(Malformed.class, () -> new ByteCursor(tooLong).readVarint32());
        assertEquals(DamageKind.BAD_VARINT, m.kind());
        byte[] overflow = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x1f};
        assertEquals(DamageKind.BAD_VARINT, assertThrows(Malformed.class,
                () -> new ByteCursor(overflow).readVarint32()).kind());
        byte[] max64 = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, 0x01};
        assertEquals(-1L, new ByteCursor(max64).readVarint64());
        byte[] cut = {(byte) 0x80};
        assertEquals(DamageKind.BAD_VARINT, assertThrows(Malformed.class, () -> new ByteCursor(cut).readVarint64()).kind());
        Malformed len = assertThrows(Malformed.class, () -> new ByteCursor(new byte[] {0x05, 1, 2}).readLengthPrefixed("key"));
        assertEquals(DamageKind.BAD_LENGTH, len.kind());
    }

    @Test
    void limitsRefuseBeforeAllocating() {
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> Limits.checkAllocation(4L << 30, Limits.DEFAULT.maxBlockBytes(), "snappy block", "t.ldb", 16));
        assertEquals(DamageKind.LIMIT_EXCEEDED, e.damage().kind());
        assertTrue(e.getMessage().startsWith("snappy block is larger than the configured limit"), e.getMessage());
        assertTrue(e.getMessage().contains("actual=4294967296 vs expected=<= 67108864"), e.getMessage());
    }
}
