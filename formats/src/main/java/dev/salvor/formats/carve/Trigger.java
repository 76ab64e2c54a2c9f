package dev.salvor.formats.carve;

import java.util.Arrays;

/**
 * Where the shared signature pass ({@link SignatureScan}) calls a {@link Probe}: the pass reads each chunk once, a
 * 64-bit word at a time, and hands each probe only the offsets its trigger selects, so adding a probe does not add a
 * pass over the image.
 * <ul>
 * <li>{@link #firstByte(int...)}: every offset whose byte is one of the given values (a signature's first byte),
 * found for all such probes at once by a SWAR byte-equality test on each word;</li>
 * <li>{@link #prefix(byte...)}: every offset where the given 1 to 8 bytes occur (a signature's fixed start): the
 * first byte is found as above, the others are compared by the pass with one masked 64-bit compare, so the probe is
 * called only where its whole prefix matches (on random data a 2-byte prefix already cuts the calls 256-fold);</li>
 * <li>{@link #aligned(int)}: every offset whose image offset is a multiple of a power of two (sector or page
 * starts);</li>
 * <li>{@link #CHUNK}: none; {@link Probe#scan} is called once per chunk instead (the probe loops itself: costs one
 * extra pass over the chunk).</li>
 * </ul>
 */
public final class Trigger {
    /** The probe scans the whole chunk itself ({@link Probe#scan}). */
    public static final Trigger CHUNK = new Trigger(new int[0], 0, new byte[0]);

    private final int[] firstBytes;
    private final int alignment;
    private final byte[] prefix;
    private long windowMask;
    private long windowValue;

    private Trigger(int[] firstBytes, int alignment, byte[] prefix) {
        this.firstBytes = firstBytes;
        this.alignment = alignment;
        this.prefix = prefix;
    }

    /**
     * Offsets whose byte is one of {@code values} and whose 8-byte little-endian window (that byte and the 7 after
     * it) satisfies {@code (window & mask) == value}: fixed bytes that do not directly follow the first one (zero
     * high bytes of a length, a letter class). The pass makes that compare on the word it already holds, so the probe
     * is called only where both hold.
     */
    public static Trigger firstByteThen(long mask, long value, int... values) {
        if ((mask & 0xff) != 0 || (value & ~mask) != 0) {
            throw new IllegalArgumentException("the mask covers bytes 1..7 of the window, the value lies inside it");
        }
        Trigger t = firstByte(values);
        t.windowMask = mask;
        t.windowValue = value;
        return t;
    }

    /** The window mask of {@link #firstByteThen} (0 otherwise). */
    long windowMask() {
        return windowMask;
    }

    /** The window value of {@link #firstByteThen}. */
    long windowValue() {
        return windowValue;
    }

    /** Offsets where {@code bytes} (1 to 8 of them: a signature's first bytes) occur. */
    public static Trigger prefix(byte... bytes) {
        if (bytes.length < 1 || bytes.length > 8) {
            throw new IllegalArgumentException("prefix of 1 to 8 bytes: " + bytes.length);
        }
        return new Trigger(new int[]{bytes[0] & 0xff}, 0, bytes.clone());
    }

    /** Offsets whose byte is one of {@code values} (each 0..255). */
    public static Trigger firstByte(int... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no first byte");
        }
        int[] v = values.clone();
        for (int b : v) {
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("not a byte: " + b);
            }
        }
        return new Trigger(Arrays.stream(v).distinct().toArray(), 0, new byte[0]);
    }

    /** Offsets whose image offset is a multiple of {@code alignment} (a power of two, at least 8). */
    public static Trigger aligned(int alignment) {
        if (alignment < 8 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two >= 8: " + alignment);
        }
        return new Trigger(new int[0], alignment, new byte[0]);
    }

    /** The first-byte values (empty for {@link #aligned} and {@link #CHUNK}). */
    int[] firstBytes() {
        return firstBytes.clone();
    }

    /** The prefix (empty unless made by {@link #prefix}). */
    byte[] prefix() {
        return prefix.clone();
    }

    /** The alignment (0 unless made by {@link #aligned}). */
    int alignment() {
        return alignment;
    }

    public boolean isChunk() {
        return this == CHUNK;
    }
}
