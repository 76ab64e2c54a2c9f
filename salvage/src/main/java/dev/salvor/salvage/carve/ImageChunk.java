package dev.salvor.salvage.carve;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One chunk of the image as pass 1 sees it: the chunk's own bytes {@code [start, start + length)} plus up to
 * {@link Carver#OVERLAP} bytes of the next chunk ({@code readable} bytes in all), so that a signature starting in this
 * chunk but ending in the next is still seen. A probe reports only signatures that START inside
 * {@code [0, length)}: each is then seen exactly once.
 *
 * <p>Probes read through the accessors (not the array), so the scan loop may change how chunks are held.
 */
final class ImageChunk {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private long start;
    private int length;
    private int readable;

    ImageChunk(int capacity) {
        this.buf = new byte[capacity];
    }

    /** Refills this chunk from the image (the buffer is reused per worker thread). */
    void fill(dev.salvor.formats.core.ByteSource image, long start, int length, int readable) {
        image.read(start, buf, 0, readable);
        this.start = start;
        this.length = length;
        this.readable = readable;
    }

    /** Image offset of byte 0 of this chunk. */
    long start() {
        return start;
    }

    /** The chunk's own bytes (signatures must start below this index). */
    int length() {
        return length;
    }

    /** Bytes that may be read: {@link #length} plus the overlap (less at the image end). */
    int readable() {
        return readable;
    }

    byte get(int i) {
        return buf[i];
    }

    /** 8 bytes little-endian at {@code i} ({@code i + 8 <= readable}). */
    long getLongLE(int i) {
        return (long) LONG_LE.get(buf, i);
    }

    /** 4 bytes little-endian at {@code i}. */
    int getIntLE(int i) {
        return (int) INT_LE.get(buf, i);
    }

    /** 4 bytes big-endian at {@code i}. */
    int getIntBE(int i) {
        return (int) INT_BE.get(buf, i);
    }

    /** True if {@code magic} occurs at {@code i} (false when it would run past {@link #readable}). */
    boolean startsWith(int i, byte[] magic) {
        if (i + magic.length > readable) {
            return false;
        }
        for (int k = 0; k < magic.length; k++) {
            if (buf[i + k] != magic[k]) {
                return false;
            }
        }
        return true;
    }

    /** True if some byte of {@code v} equals the byte repeated in {@code pattern} (the classic has-zero-byte test). */
    static boolean hasByte(long v, long pattern) {
        long x = v ^ pattern;
        return ((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0;
    }
}
