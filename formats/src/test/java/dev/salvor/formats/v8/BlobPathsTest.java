package dev.salvor.formats.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Blob file paths: the directory is {@code (n & 0xff00) >> 8}, so numbers of 0x10000 and more reuse low directories. */
class BlobPathsTest {
    @Test
    void directoryIsTheSecondLowestByte() {
        assertEquals("1/00/2", BlobPaths.relative(1, 2));
        assertEquals("1/12/1234", BlobPaths.relative(1, 0x1234));
        assertEquals("a/00/10000", BlobPaths.relative(10, 0x10000));
        assertEquals("a/ff/1ff00", BlobPaths.relative(10, 0x1ff00));
    }
}
