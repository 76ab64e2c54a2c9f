package dev.salvor.formats.carve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the shared signature pass ({@link SignatureScan}) calls a {@link Probe}: the pass reads each chunk once, a
 * 64-bit word at a time, and hands each probe only the offsets its trigger selects, so adding a probe does not add a
 * pass over the image.
 * <ul>
 * <li>{@link #firstByte(int...)}: every offset whose byte is one of the given values (a signature's first byte),
 * found for all such probes at once by a SWAR byte-equality test on each word;</li>
 * <li>{@link #prefix(byte...)}: every offset where the given 1 to 8 bytes occur (a signature's fixed start); with
 * {@link #prefixes(byte[]...)} any of several;</li>
 * <li>{@link #firstByteThen}: a first byte, then fixed bits in the 7 bytes after it (a magic with a variant bit, the
 * zero high bytes of a length);</li>
 * <li>{@link #aligned(int)}: every offset whose image offset is a multiple of a power of two (sector or page
 * starts);</li>
 * <li>{@link #CHUNK}: none; {@link Probe#scan} is called once per chunk instead (the probe loops itself: costs one
 * extra pass over the chunk).</li>
 * </ul>
 * All but the last two are sets of {@linkplain Window windows}: 8-byte masks over the bytes at an offset. The probe
 * is called exactly at the offsets where one of its windows matches; the longer and more exact the windows, the
 * cheaper the pass (a window whose first five bytes are fixed is found by a strided 2-byte test, without looking at
 * every offset: see {@link SignatureScan}).
 */
public final class Trigger {
    /** The probe scans the whole chunk itself ({@link Probe#scan}). */
    public static final Trigger CHUNK = new Trigger(List.of(), 0);

    /**
     * One signature test at an offset {@code i}: the bytes {@code [i, i + length)} are readable and the 8 bytes from
     * {@code i} read little-endian, ANDed with {@code mask}, equal {@code value}. The mask covers the whole first
     * byte (the pass finds candidates by it) and no byte at or past {@code length}.
     */
    record Window(long mask, long value, int length) {
        Window {
            if ((mask & 0xff) != 0xff || (value & ~mask) != 0 || length < 1 || length > 8
                    || length < 8 && (mask >>> (8 * length)) != 0) {
                throw new IllegalArgumentException("window mask " + Long.toHexString(mask) + ", value "
                        + Long.toHexString(value) + ", length " + length);
            }
        }

        int firstByte() {
            return (int) value & 0xff;
        }

        /** The mask of byte {@code k} (0..7). */
        int maskAt(int k) {
            return (int) (mask >>> (8 * k)) & 0xff;
        }

        /** The value of byte {@code k} (0..7). */
        int valueAt(int k) {
            return (int) (value >>> (8 * k)) & 0xff;
        }
    }

    private final List<Window> windows;
    private final int alignment;
    /** For an aligned trigger with a byte test: the byte's distance from the offset (0..7), else -1. */
    private final int byteAt;
    /** The 256-bit set of the values that byte may take (null: no byte test). */
    private final long[] byteValues;

    private Trigger(List<Window> windows, int alignment) {
        this(windows, alignment, -1, null);
    }

    private Trigger(List<Window> windows, int alignment, int byteAt, long[] byteValues) {
        this.windows = List.copyOf(windows);
        this.alignment = alignment;
        this.byteAt = byteAt;
        this.byteValues = byteValues;
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
        List<Window> w = new ArrayList<>();
        for (int b : distinctBytes(values)) {
            w.add(new Window(mask | 0xff, value | b, 8));
        }
        return new Trigger(w, 0);
    }

    /** Offsets where {@code bytes} (1 to 8 of them: a signature's first bytes) occur. */
    public static Trigger prefix(byte... bytes) {
        return prefixes(bytes);
    }

    /** Offsets where one of {@code prefixes} (each 1 to 8 bytes: signatures' first bytes) occurs. */
    public static Trigger prefixes(byte[]... prefixes) {
        if (prefixes.length == 0) {
            throw new IllegalArgumentException("no prefix");
        }
        List<Window> w = new ArrayList<>();
        for (byte[] p : prefixes) {
            if (p.length < 1 || p.length > 8) {
                throw new IllegalArgumentException("prefix of 1 to 8 bytes: " + p.length);
            }
            long mask = 0;
            long value = 0;
            for (int k = 0; k < p.length; k++) {
                mask |= 0xffL << (8 * k);
                value |= (p[k] & 0xffL) << (8 * k);
            }
            Window x = new Window(mask, value, p.length);
            if (!w.contains(x)) {
                w.add(x);
            }
        }
        return new Trigger(w, 0);
    }

    /** Offsets whose byte is one of {@code values} (each 0..255). */
    public static Trigger firstByte(int... values) {
        List<Window> w = new ArrayList<>();
        for (int b : distinctBytes(values)) {
            w.add(new Window(0xff, b, 1));
        }
        return new Trigger(w, 0);
    }

    private static int[] distinctBytes(int[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no first byte");
        }
        for (int b : values) {
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("not a byte: " + b);
            }
        }
        return Arrays.stream(values).distinct().toArray();
    }

    /** Offsets whose image offset is a multiple of {@code alignment} (a power of two, at least 8). */
    public static Trigger aligned(int alignment) {
        if (alignment < 8 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two >= 8: " + alignment);
        }
        return new Trigger(List.of(), alignment);
    }

    /**
     * Offsets whose image offset is a multiple of {@code alignment} (as {@link #aligned(int)}) and whose byte
     * {@code at} bytes further (0..7) is one of {@code values}, or lies past the end of the image: for a probe that
     * returns at once, without effect, wherever that byte has another value (the type byte of a sector-aligned
     * header). The pass tests the byte on the word it already holds and does not call the probe at the other
     * offsets, which on random data are nearly all of them.
     */
    public static Trigger aligned(int alignment, int at, int... values) {
        Trigger t = aligned(alignment);
        if (at < 0 || at > 7) {
            throw new IllegalArgumentException("byte distance must be 0..7: " + at);
        }
        long[] set = new long[4];
        for (int b : distinctBytes(values)) {
            set[b >>> 6] |= 1L << b;
        }
        return new Trigger(List.of(), t.alignment, at, set);
    }

    /** The distance of an aligned trigger's tested byte from the offset, or -1 when it tests none. */
    int byteAt() {
        return byteAt;
    }

    /** The 256-bit set of values an aligned trigger's tested byte may take (null when it tests none; not a copy). */
    long[] byteValues() {
        return byteValues;
    }

    /** Whether an aligned trigger admits the byte value {@code b} (always when it tests no byte). */
    boolean admits(int b) {
        return byteValues == null || (byteValues[b >>> 6] & (1L << b)) != 0;
    }

    /** The windows (empty for {@link #aligned} and {@link #CHUNK}). */
    List<Window> windows() {
        return windows;
    }

    /** The alignment (0 unless made by {@link #aligned}). */
    int alignment() {
        return alignment;
    }

    public boolean isChunk() {
        return this == CHUNK;
    }

    @Override
    public String toString() {
        return alignment > 0 ? "aligned(" + alignment + (byteAt >= 0 ? ", byte " + byteAt : "") + ")"
                : isChunk() ? "CHUNK" : windows.toString();
    }
}
