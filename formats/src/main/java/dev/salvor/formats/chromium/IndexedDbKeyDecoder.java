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
 * inverted for negative ones, so the bytes sort as the numbers do), 0x30 string (Chrome 144: each UTF-16 code unit
 * as {@code 01 hi lo}; Chromium 150: a unit up to 0x7E as the one byte unit + 1; then a {@code 00} sentinel), 0x40 binary (each byte as {@code 01 b}, then {@code 00}), 0x50 array
 * (the elements, then {@code 00}).
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

    /** Decodes a whole SQLite-backend (sortable) key. */
    public static IdbKey decodeSortable(byte[] b) {
        IdbReader in = new IdbReader(b);
        IdbKey k = readSortable(in, 0);
        if (in.hasRemaining()) {
            throw in.malformed("sortable IndexedDB key: actual=" + in.remaining()
                    + " byte(s) after the key vs expected=0");
        }
        return k;
    }

    private static IdbKey readSortable(IdbReader in, int depth) {
        int at = in.position();
        int type = in.readByte();
        switch (type) {
            case SORTABLE_NUMBER:
                return new IdbKey.Number(sortableDouble(in));
            case SORTABLE_DATE:
                return new IdbKey.Date(sortableDouble(in));
            case SORTABLE_STRING: {
                // Two forms are on disk. Chrome 144 wrote each code unit padded (01 hi lo); Chromium 150 writes a
                // unit 0x00..0x7E as the one byte unit + 1 (seen on every string key of fixtures/browser/values).
                // A string starting with 0x01 is read padded first: read compactly it would be U+0000, which keys
                // almost never hold; if the padded reading fails, the compact one is tried.
                int start = in.position();
                if (in.peekByte() == PADDING) {
                    try {
                        return new IdbKey.Str(paddedString(in));
                    } catch (Malformed notPadded) {
                        in.seek(start);
                    }
                }
                return new IdbKey.Str(compactString(in));
            }
            case SORTABLE_BINARY: {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                while (in.peekByte() != SENTINEL) {
                    padding(in);
                    out.write(in.readByte());
                }
                in.readByte();
                return new IdbKey.Binary(out.toByteArray());
            }
            case SORTABLE_ARRAY: {
                if (depth >= MAX_DEPTH) {
                    throw new Malformed(DamageKind.LIMIT_EXCEEDED, at, "IndexedDB array key nested: actual>"
                            + MAX_DEPTH + " vs expected<=" + MAX_DEPTH);
                }
                List<IdbKey> items = new ArrayList<>();
                while (in.peekByte() != SENTINEL) {
                    items.add(readSortable(in, depth + 1));
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

    /**
     * Chromium 150's compact form: a code unit 0x00..0x7E as one byte, the unit + 1, then the {@code 00} sentinel.
     * Units above 0x7E take a multi-byte form that no real file here has shown yet: such a byte is refused as
     * malformed (the key keeps its bytes) rather than decoded by a guess.
     */
    private static String compactString(IdbReader in) {
        StringBuilder sb = new StringBuilder();
        for (int b = in.readByte(); b != SENTINEL; b = in.readByte()) {
            if (b > 0x7F) {
                throw new Malformed(DamageKind.BAD_KEY, in.position() - 1, "sortable string unit: actual=0x"
                        + Integer.toHexString(b) + " vs expected=0x01..0x7f (the one-byte form; the multi-byte form"
                        + " of Chromium 150+ is not confirmed on a real file)");
            }
            sb.append((char) (b - 1));
        }
        return sb.toString();
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

    /** The SQLite-backend (sortable) encoding of {@code key} (numbers, dates, strings, binary, arrays only). */
    public static byte[] encodeSortable(IdbKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encodeSortable(key, out);
        return out.toByteArray();
    }

    private static void encodeSortable(IdbKey key, ByteArrayOutputStream out) {
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
                out.write(PADDING);
                out.write(c >> 8);
                out.write(c);
            }
            out.write(SENTINEL);
        } else if (key instanceof IdbKey.Binary b) {
            out.write(SORTABLE_BINARY);
            for (byte x : b.bytes()) {
                out.write(PADDING);
                out.write(x);
            }
            out.write(SENTINEL);
        } else if (key instanceof IdbKey.Array a) {
            out.write(SORTABLE_ARRAY);
            for (IdbKey e : a.elements()) {
                encodeSortable(e, out);
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
