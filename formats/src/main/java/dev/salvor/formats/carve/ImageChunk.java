package dev.salvor.formats.carve;

import dev.salvor.formats.core.ByteSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * One chunk of the image as pass 1 sees it: the chunk's own bytes {@code [start, start + length)} plus up to
 * {@link Probe#MAX_OVERLAP} bytes of the next chunk ({@code readable} bytes in all), so that a signature starting in this
 * chunk but ending in the next is still seen. A probe reports only signatures that START inside
 * {@code [0, length)}: each is then seen exactly once.
 *
 * <p>The bytes are a view of the image ({@link ByteSource#view}), not a copy: for a memory-mapped image the scan
 * reads the mapping directly (a copy into an array cost more than the scan itself). Probes read through the
 * accessors; an index outside {@code [0, readable)} throws {@link IndexOutOfBoundsException} (a bug in the probe).
 */
public final class ImageChunk {
    private ByteBuffer buf;
    /** The same bytes as 64-bit little-endian words at byte indexes 0, 8, 16, ... (for bulk copies). */
    private LongBuffer words;
    private long start;
    private int length;
    private int readable;

    /** An empty chunk, to be {@link #fill}ed. */
    public ImageChunk() {
    }

    /** Kept for source compatibility: the capacity is ignored (chunks are views, nothing is preallocated). */
    ImageChunk(int capacity) {
        this();
    }

    /** Points this chunk at {@code [start, start + readable)} of the image; signatures start below {@code length}. */
    public void fill(ByteSource image, long start, int length, int readable) {
        set(image.view(start, readable), start, length, readable);
    }

    /** A chunk over {@code bytes} at image offset {@code start}, all bytes its own (tests and benchmarks). */
    public static ImageChunk of(long start, byte[] bytes) {
        ImageChunk c = new ImageChunk();
        c.set(ByteBuffer.wrap(bytes), start, bytes.length, bytes.length);
        return c;
    }

    /** A chunk over a buffer's bytes from index 0 (benchmarks: a direct buffer stands in for a mapping). */
    public static ImageChunk of(long start, ByteBuffer bytes, int length, int readable) {
        ImageChunk c = new ImageChunk();
        c.set(bytes, start, length, readable);
        return c;
    }

    private void set(ByteBuffer view, long start, int length, int readable) {
        if (length < 0 || readable < length || view.capacity() < readable) {
            throw new IllegalArgumentException("length " + length + ", readable " + readable + ", capacity "
                    + view.capacity());
        }
        this.buf = view.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.words = buf.asLongBuffer();
        this.start = start;
        this.length = length;
        this.readable = readable;
    }

    /** Image offset of byte 0 of this chunk. */
    public long start() {
        return start;
    }

    /** The chunk's own bytes (signatures must start below this index). */
    public int length() {
        return length;
    }

    /** Bytes that may be read: {@link #length} plus the overlap (less at the image end). */
    public int readable() {
        return readable;
    }

    public byte get(int i) {
        return buf.get(i);
    }

    /** 8 bytes little-endian at {@code i} ({@code i + 8 <= readable}). */
    public long getLongLE(int i) {
        return buf.getLong(i);
    }

    /**
     * Copies {@code n} little-endian words starting at byte index {@code 8 * word} into {@code dst[0..n)} (one bulk
     * copy out of the mapping into a small array that stays in the L1 cache: the fastest way to read a mapping
     * a word at a time from Java 17). Requires {@code 8 * (word + n) <= readable}.
     */
    public void words(int word, long[] dst, int n) {
        words.get(word, dst, 0, n);
    }

    /** 4 bytes little-endian at {@code i}. */
    public int getIntLE(int i) {
        return buf.getInt(i);
    }

    /** 4 bytes big-endian at {@code i}. */
    public int getIntBE(int i) {
        return Integer.reverseBytes(buf.getInt(i));
    }

    /** True if {@code magic} occurs at {@code i} (false when it would run past {@link #readable}). */
    public boolean startsWith(int i, byte[] magic) {
        if (i < 0 || i + magic.length > readable) {
            return false;
        }
        for (int k = 0; k < magic.length; k++) {
            if (buf.get(i + k) != magic[k]) {
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

    /**
     * Exactly the bytes of {@code v} equal to the byte repeated in {@code pattern}: 0x80 in each such byte lane, 0
     * elsewhere (no carry between lanes, unlike {@link #hasByte}'s test, so lanes above a match are not flagged).
     */
    static long equalBytes(long v, long pattern) {
        long x = v ^ pattern;
        return ~(((x & 0x7f7f7f7f7f7f7f7fL) + 0x7f7f7f7f7f7f7f7fL) | x | 0x7f7f7f7f7f7f7f7fL);
    }
}
