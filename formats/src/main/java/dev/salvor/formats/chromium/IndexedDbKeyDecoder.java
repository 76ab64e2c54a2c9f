package dev.salvor.formats.chromium;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes IndexedDB keys in both of Chromium's encodings.
 *
 * <p><b>LevelDB backend</b> ({@code EncodeIDBKey}): a type byte, then 0 none (no payload), 1 string
 * (StringWithLength: VarInt code units + UTF-16BE), 2 date and 3 number (a little-endian double), 4 array (VarInt
 * count, then that many keys), 5 MinKey (no payload), 6 binary (VarInt length + bytes).
 *
 * <p><b>SQLite backend</b> ({@code EncodeSortableIDBKey}, Chrome 144+): an order-preserving encoding compared with
 * {@code memcmp}: 0x10 number, 0x20 date (8 bytes big-endian: the sign bit set for non-negative values, every bit
 * inverted for negative ones, so the bytes sort as the numbers do; -0 is written as +0), 0x30 string, 0x40 binary,
 * 0x50 array (the elements, then {@code 00}). Strings and binary come in two forms:
 * <ul>
 *   <li>Chrome 144 (the form of Chromium's sources of that time, {@code EncodeStringWithSentinel}): each UTF-16 code
 *       unit as {@code 01 hi lo}, each byte as {@code 01 b}, then the {@code 00} sentinel;</li>
 *   <li>Chromium 150 (learned from files the real browser wrote, fixtures/browser/keys; the source of this form was
 *       not at hand): a string's code units in 1, 2 or 3 bytes, then {@code 00}: a unit 0x0000..0x007E as the byte
 *       unit + 1 (0x01..0x7F), a unit 0x007F..0x3FFF as {@code 0x80 | unit >> 8, unit & 0xFF} (first byte
 *       0x80..0xBF), a unit 0x4000..0xFFFF as {@code FF hi lo}; lone surrogates are units like any other. Binary:
 *       {@code 00} when empty, else the bytes in groups of 8 (the last one padded with zeros), each group preceded by
 *       {@code 09}, and after the last group one byte 1..8, how many of its bytes are data.</li>
 * </ul>
 * Both forms sort as the keys do. Only the shortest form of a unit and zero padding are accepted: anything else is not
 * what Chromium writes and is refused rather than guessed.
 *
 * <p>Hostile input: arrays nest at most {@value #MAX_DEPTH} deep (Chromium's own limit), counts are checked against
 * the bytes left before anything is allocated, and every failure is a {@link Malformed} with its position.
 */
public final class IndexedDbKeyDecoder {
    /** The deepest array nesting Chromium accepts ({@code IndexedDBKey::kMaximumDepth}). */
    public static final int MAX_DEPTH = 2000;

    static final int NONE = 0;
    static final int STRING = 1;
    static final int DATE = 2;
    static final int NUMBER = 3;
    static final int ARRAY = 4;
    static final int MIN_KEY = 5;
    static final int BINARY = 6;

    static final int SORTABLE_NUMBER = 0x10;
    static final int SORTABLE_DATE = 0x20;
    static final int SORTABLE_STRING = 0x30;
    static final int SORTABLE_BINARY = 0x40;
    static final int SORTABLE_ARRAY = 0x50;
    static final int SENTINEL = 0x00;
    static final int PADDING = 0x01;
    /** The first byte of a Chromium 150 binary group (and the byte after a group that is not the last). */
    static final int BINARY_GROUP = 0x09;
    /** Bytes per Chromium 150 binary group. */
    static final int BINARY_GROUP_SIZE = 8;

    /** Largest code unit of Chromium 150's one-byte string form (written as unit + 1, up to 0x7F). */
    static final int ONE_BYTE_MAX = 0x7E;
    /** Largest code unit of the two-byte form (first byte 0x80..0xBF: 0x80 | unit >> 8). */
    static final int TWO_BYTE_MAX = 0x3FFF;
    /** First byte of the three-byte form ({@code FF hi lo}, units 0x4000..0xFFFF). */
    static final int THREE_BYTE = 0xFF;

    private IndexedDbKeyDecoder() {
    }

    /** A key decoded from a slice, and how many bytes it took. */
    public record Decoded(IdbKey key, int length) {
    }

    /** Decodes one LevelDB-encoded key at {@code off} (bytes after it are left for the caller). */
    public static Decoded decode(byte[] b, int off, int len) {
        IdbReader in = new IdbReader(b, off, len);
        IdbKey k = read(in, 0);
        return new Decoded(k, in.position() - off);
    }

    /** Decodes a whole slice holding exactly one LevelDB-encoded key. */
    public static IdbKey decode(byte[] b) {
        IdbReader in = new IdbReader(b);
        IdbKey k = read(in, 0);
        if (in.hasRemaining()) {
            throw in.malformed("IndexedDB key: actual=" + in.remaining() + " byte(s) after the key vs expected=0");
        }
        return k;
    }

    static IdbKey read(IdbReader in, int depth) {
        int at = in.position();
        int type = in.readByte();
        switch (type) {
            case NONE:
                return new IdbKey.None();
            case MIN_KEY:
                return new IdbKey.Min();
            case STRING:
                return new IdbKey.Str(in.readStringWithLength());
            case DATE:
                return new IdbKey.Date(in.readDoubleLe());
            case NUMBER:
                return new IdbKey.Number(in.readDoubleLe());
            case BINARY:
                return new IdbKey.Binary(in.readBinary());
            case ARRAY: {
                if (depth >= MAX_DEPTH) {
                    throw new Malformed(DamageKind.LIMIT_EXCEEDED, at, "IndexedDB array key nested: actual>"
                            + MAX_DEPTH + " vs expected<=" + MAX_DEPTH);
                }
                int n = in.readCount(1, "array key length"); // every element takes at least its type byte
                List<IdbKey> items = new ArrayList<>(Math.min(n, 64));
                for (int i = 0; i < n; i++) {
                    items.add(read(in, depth + 1));
                }
                return new IdbKey.Array(items);
            }
            default:
                throw new Malformed(DamageKind.BAD_KEY, at, "IndexedDB key type byte: actual=" + type
                        + " vs expected=0..6");
        }
    }

    /** Skips one LevelDB-encoded key (the comparator's path: nothing is built). */
    static void skip(IdbReader in, int depth) {
        int at = in.position();
        int type = in.readByte();
        switch (type) {
            case NONE, MIN_KEY -> {
            }
            case STRING -> in.skip(in.readCount(2, "string key length") * 2);
            case DATE, NUMBER -> in.skip(8);
            case BINARY -> in.skip(in.readCount(1, "binary key length"));
            case ARRAY -> {
                if (depth >= MAX_DEPTH) {
                    throw new Malformed(DamageKind.LIMIT_EXCEEDED, at, "IndexedDB array key nested too deep");
                }
                int n = in.readCount(1, "array key length");
                for (int i = 0; i < n; i++) {
                    skip(in, depth + 1);
                }
            }
            default -> throw new Malformed(DamageKind.BAD_KEY, at, "IndexedDB key type byte: actual=" + type
                    + " vs expected=0..6");
        }
    }

    /**
     * Decodes a whole SQLite-backend (sortable) key, in whichever of the two forms fits the whole key (a file holds
     * one form). Chromium 150's form, the one the real browser writes (and the only one google/dfindexeddb reads), is
     * tried first and wins whenever it fits; Chrome 144's padded form, known from Chromium's sources of that time but
     * not seen on a real file here, is tried only when it does not. A padded key rarely fits the newer form: its first
     * string's second byte, the high byte of a unit, is 00 (the newer form's sentinel) for Latin-1 text; a padded
     * string of units above U+00FF can, and then reads as a string starting with U+0000. When neither form fits, the
     * newer form's reason is given.
     */
    public static IdbKey decodeSortable(byte[] b) {
        try {
            return decodeSortable(b, false);
        } catch (Malformed notCompact) {
            try {
                return decodeSortable(b, true);
            } catch (Malformed notPadded) {
                throw notCompact;
            }
        }
    }

    private static IdbKey decodeSortable(byte[] b, boolean padded) {
        IdbReader in = new IdbReader(b);
        IdbKey k = readSortable(in, 0, padded);
        if (in.hasRemaining()) {
            throw in.malformed("sortable IndexedDB key: actual=" + in.remaining()
                    + " byte(s) after the key vs expected=0");
        }
        return k;
    }

    private static IdbKey readSortable(IdbReader in, int depth, boolean padded) {
        int at = in.position();
        int type = in.readByte();
        switch (type) {
            case SORTABLE_NUMBER:
                return new IdbKey.Number(sortableDouble(in));
            case SORTABLE_DATE:
                return new IdbKey.Date(sortableDouble(in));
            case SORTABLE_STRING:
                return new IdbKey.Str(padded ? paddedString(in) : compactString(in));
            case SORTABLE_BINARY:
                return new IdbKey.Binary(padded ? paddedBinary(in) : groupedBinary(in));
            case SORTABLE_ARRAY: {
                if (depth >= MAX_DEPTH) {
                    throw new Malformed(DamageKind.LIMIT_EXCEEDED, at, "IndexedDB array key nested: actual>"
                            + MAX_DEPTH + " vs expected<=" + MAX_DEPTH);
                }
                List<IdbKey> items = new ArrayList<>();
                while (in.peekByte() != SENTINEL) {
                    items.add(readSortable(in, depth + 1, padded));
                }
                in.readByte();
                return new IdbKey.Array(items);
            }
            default:
                throw new Malformed(DamageKind.BAD_KEY, at, "sortable IndexedDB key type byte: actual=0x"
                        + Integer.toHexString(type) + " vs expected=0x10, 0x20, 0x30, 0x40 or 0x50");
        }
    }

    /** Chrome 144's form: each UTF-16 code unit as {@code 01 hi lo}, then the {@code 00} sentinel. */
    private static String paddedString(IdbReader in) {
        StringBuilder sb = new StringBuilder();
        while (in.peekByte() != SENTINEL) {
            padding(in);
            int hi = in.readByte();
            int lo = in.readByte();
            sb.append((char) ((hi << 8) | lo));
        }
        in.readByte();
        return sb.toString();
    }

    /** Chrome 144's binary form: each byte as {@code 01 b}, then the {@code 00} sentinel. */
    private static byte[] paddedBinary(IdbReader in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (in.peekByte() != SENTINEL) {
            padding(in);
            out.write(in.readByte());
        }
        in.readByte();
        return out.toByteArray();
    }

    /**
     * Chromium 150's binary form: {@code 00} when empty, else {@code 09} + 8 bytes per group, and after the last group
     * the count 1..8 of its bytes that are data (the rest must be the zero padding). The output never exceeds the input.
     */
    private static byte[] groupedBinary(IdbReader in) {
        int at = in.position();
        int m = in.readByte();
        if (m == SENTINEL) {
            return new byte[0];
        }
        if (m != BINARY_GROUP) {
            throw new Malformed(DamageKind.BAD_KEY, at, "sortable binary group marker: actual=0x"
                    + Integer.toHexString(m) + " vs expected=0x09 (a group) or 0x00 (empty)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (in.remaining() < BINARY_GROUP_SIZE + 1) {
                throw in.malformed("sortable binary group: actual=" + in.remaining() + " byte(s) left vs expected="
                        + (BINARY_GROUP_SIZE + 1) + " (8 bytes and the byte after them)");
            }
            int groupAt = in.position();
            byte[] group = in.readBytes(BINARY_GROUP_SIZE);
            at = in.position();
            m = in.readByte();
            if (m == BINARY_GROUP) {
                out.writeBytes(group);
                continue;
            }
            if (m < 1 || m > BINARY_GROUP_SIZE) {
                throw new Malformed(DamageKind.BAD_KEY, at, "sortable binary group end: actual=0x"
                        + Integer.toHexString(m) + " vs expected=0x09 (more) or 0x01..0x08 (data bytes of the last)");
            }
            for (int i = m; i < BINARY_GROUP_SIZE; i++) {
                if (group[i] != 0) {
                    throw new Malformed(DamageKind.BAD_KEY, groupAt + i, "sortable binary padding: actual=0x"
                            + Integer.toHexString(group[i] & 0xFF) + " vs expected=0x00");
                }
            }
            out.write(group, 0, m);
            return out.toByteArray();
        }
    }

    /**
     * Chromium 150's string form: code units in 1 (0x01..0x7F = unit + 1), 2 (0x80..0xBF, then the low byte) or 3
     * ({@code FF hi lo}) bytes, then the {@code 00} sentinel. A unit in a longer form than its shortest, and first
     * bytes 0xC0..0xFE, are not what Chromium writes: refused.
     */
    private static String compactString(IdbReader in) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int at = in.position();
            int b = in.readByte();
            if (b == SENTINEL) {
                return sb.toString();
            }
            int unit;
            if (b <= ONE_BYTE_MAX + 1) {
                unit = b - 1;
            } else if (b <= 0xBF) {
                unit = (b & 0x3F) << 8 | in.readByte();
                if (unit <= ONE_BYTE_MAX) {
                    throw new Malformed(DamageKind.BAD_KEY, at, "sortable string unit in two bytes: actual=0x"
                            + Integer.toHexString(unit) + " vs expected=0x7f..0x3fff (shorter units take one byte)");
                }
            } else if (b == THREE_BYTE) {
                unit = in.readByte() << 8 | in.readByte();
                if (unit <= TWO_BYTE_MAX) {
                    throw new Malformed(DamageKind.BAD_KEY, at, "sortable string unit in three bytes: actual=0x"
                            + Integer.toHexString(unit) + " vs expected=0x4000..0xffff (shorter units take 1-2 bytes)");
                }
            } else {
                throw new Malformed(DamageKind.BAD_KEY, at, "sortable string unit byte: actual=0x"
                        + Integer.toHexString(b) + " vs expected=0x01..0xbf or 0xff (0xc0..0xfe are unused)");
            }
            sb.append((char) unit);
        }
    }

    private static void padding(IdbReader in) {
        int at = in.position();
        int p = in.readByte();
        if (p != PADDING) {
            throw new Malformed(DamageKind.BAD_KEY, at, "sortable key unit: actual=0x" + Integer.toHexString(p)
                    + " vs expected=0x01 (padding) or 0x00 (end)");
        }
    }

    /** The order-preserving double: sign bit set = non-negative (clear it), else every bit was inverted. */
    private static double sortableDouble(IdbReader in) {
        if (in.remaining() < 8) {
            throw in.malformed("sortable double: actual=" + in.remaining() + " byte(s) vs expected=8");
        }
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | in.readByte();
        }
        bits = bits < 0 ? bits & Long.MAX_VALUE : ~bits;
        return Double.longBitsToDouble(bits);
    }

    /** The LevelDB-backend encoding of {@code key} (what Chromium writes; for tests and fixtures of the order). */
    public static byte[] encode(IdbKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(key, out);
        return out.toByteArray();
    }

    private static void encode(IdbKey key, ByteArrayOutputStream out) {
        if (key instanceof IdbKey.Number n) {
            out.write(NUMBER);
            putDoubleLe(out, n.value());
        } else if (key instanceof IdbKey.Date d) {
            out.write(DATE);
            putDoubleLe(out, d.millis());
        } else if (key instanceof IdbKey.Str s) {
            out.write(STRING);
            putVarint(out, s.value().length());
            for (int i = 0; i < s.value().length(); i++) {
                char c = s.value().charAt(i);
                out.write(c >> 8);
                out.write(c);
            }
        } else if (key instanceof IdbKey.Binary b) {
            out.write(BINARY);
            putVarint(out, b.bytes().length);
            out.writeBytes(b.bytes());
        } else if (key instanceof IdbKey.Array a) {
            out.write(ARRAY);
            putVarint(out, a.elements().size());
            for (IdbKey e : a.elements()) {
                encode(e, out);
            }
        } else if (key instanceof IdbKey.Min) {
            out.write(MIN_KEY);
        } else {
            out.write(NONE);
        }
    }

    /**
     * The SQLite-backend (sortable) encoding of {@code key} as Chromium 150 writes it (numbers, dates, strings, binary,
     * arrays only; for tests and fixtures of the order).
     */
    public static byte[] encodeSortable(IdbKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeSortable(key, out, false);
        return out.toByteArray();
    }

    /** The sortable encoding of {@code key} in Chrome 144's padded form ({@code 01 hi lo} units, {@code 01 b} bytes). */
    public static byte[] encodeSortablePadded(IdbKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeSortable(key, out, true);
        return out.toByteArray();
    }

    private static void encodeSortable(IdbKey key, ByteArrayOutputStream out, boolean padded) {
        if (key instanceof IdbKey.Number n) {
            out.write(SORTABLE_NUMBER);
            putSortableDouble(out, n.value());
        } else if (key instanceof IdbKey.Date d) {
            out.write(SORTABLE_DATE);
            putSortableDouble(out, d.millis());
        } else if (key instanceof IdbKey.Str s) {
            out.write(SORTABLE_STRING);
            for (int i = 0; i < s.value().length(); i++) {
                char c = s.value().charAt(i);
                if (padded) {
                    out.write(PADDING);
                    out.write(c >> 8);
                } else if (c <= ONE_BYTE_MAX) {
                    out.write(c + 1);
                    continue;
                } else if (c <= TWO_BYTE_MAX) {
                    out.write(0x80 | c >> 8);
                } else {
                    out.write(THREE_BYTE);
                    out.write(c >> 8);
                }
                out.write(c);
            }
            out.write(SENTINEL);
        } else if (key instanceof IdbKey.Binary b) {
            out.write(SORTABLE_BINARY);
            if (padded) {
                for (byte x : b.bytes()) {
                    out.write(PADDING);
                    out.write(x);
                }
                out.write(SENTINEL);
            } else if (b.bytes().length == 0) {
                out.write(SENTINEL);
            } else {
                int n = b.bytes().length;
                for (int g = 0; g < n; g += BINARY_GROUP_SIZE) {
                    out.write(BINARY_GROUP);
                    int m = Math.min(BINARY_GROUP_SIZE, n - g);
                    out.write(b.bytes(), g, m);
                    for (int i = m; i < BINARY_GROUP_SIZE; i++) {
                        out.write(0);
                    }
                }
                out.write(n - (n - 1) / BINARY_GROUP_SIZE * BINARY_GROUP_SIZE);
            }
        } else if (key instanceof IdbKey.Array a) {
            out.write(SORTABLE_ARRAY);
            for (IdbKey e : a.elements()) {
                encodeSortable(e, out, padded);
            }
            out.write(SENTINEL);
        } else {
            throw new IllegalArgumentException("no sortable encoding for a " + key.type() + " key");
        }
    }

    private static void putSortableDouble(ByteArrayOutputStream out, double v) {
        long bits = Double.doubleToRawLongBits(v);
        // -0 is written as +0 (Chromium normalises it so both sort together)
        bits = (bits < 0 && v != 0.0) ? ~bits : (bits & Long.MAX_VALUE) | Long.MIN_VALUE;
        for (int i = 7; i >= 0; i--) {
            out.write((int) (bits >>> (8 * i)));
        }
    }

    private static void putDoubleLe(ByteArrayOutputStream out, double v) {
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)));
        }
    }

    static void putVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
