package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A record (row payload): a header of varints, then the column values.
 *
 * <pre>
 * varint header-size H (counts itself) | varint serial type * n | value bytes in column order
 * </pre>
 *
 * Values decode to {@code Long}, {@code Double}, {@code String} (in the database encoding), {@code byte[]} or
 * {@code null}.
 *
 * @param serialTypes one per column
 * @param values      decoded values (a column whose bytes are missing is {@code null} and listed in unknown)
 * @param headerSize  H
 * @param bodySize    sum of the content sizes the serial types announce
 * @param unknown     indexes of columns whose bytes were not available (truncated payload, broken overflow chain)
 * @see <a href="https://www.sqlite.org/fileformat2.html#record_format">fileformat2: record format</a>
 */
public record Record(long[] serialTypes, List<Object> values, int headerSize, long bodySize, List<Integer> unknown) {

    /** Most columns a record may have (SQLite's hard limit SQLITE_MAX_COLUMN is 32767). */
    public static final int MAX_COLUMNS = 32767;

    /**
     * Decodes a record from {@code b[off, off+available)} whose declared payload size is {@code payloadSize}
     * ({@code available} may be smaller when an overflow chain is broken). In strict mode every inconsistency
     * throws {@link Malformed} (header larger than the payload, reserved serial types, H + body != payload size,
     * text invalid in the encoding); otherwise missing bytes make columns unknown and text decodes leniently.
     */
    public static Record decode(byte[] b, int off, int available, long payloadSize, TextEncoding enc,
                                boolean strict) {
        int limit = off + available;
        long[] types = serialTypes(b, off, available, payloadSize); // the header: every check of it is there
        int n = types.length;
        long h = SqliteVarint.read(b, off, limit);
        int hEnd = off + (int) h;
        long body = 0;
        for (long t : types) {
            body += SerialType.contentSize(t);
        }
        if (strict && h + body != payloadSize) {
            throw new Malformed(DamageKind.BAD_RECORD, off, "record header " + h + " + body " + body
                    + " != payload size " + payloadSize);
        }
        List<Object> values = new ArrayList<>(n);
        List<Integer> unknown = new ArrayList<>(0);
        int q = hEnd;
        for (int i = 0; i < n; i++) {
            long t = types[i];
            int size = (int) SerialType.contentSize(t);
            if ((long) q + size > limit) {
                if (strict) {
                    throw new Malformed(DamageKind.TRUNCATED, q, "column " + i + " runs past the payload");
                }
                values.add(null);
                unknown.add(i);
                q = limit;
                continue;
            }
            values.add(value(b, q, t, size, enc, strict));
            q += size;
        }
        return new Record(types, Collections.unmodifiableList(values), (int) h, body,
                Collections.unmodifiableList(unknown));
    }

    /**
     * Decodes what is known of a record only part of whose payload is at hand ({@code b[off, off+available)} of
     * {@code payloadSize} bytes: a deleted row's overflow chain cut where a page was reused): the header must be
     * whole and exactly consistent with the payload size (H + body == payload size), every column whose bytes are
     * all at hand is decoded strictly, and every other column is unknown (its value {@code null}, its index in
     * {@link #unknown()}); nothing of a column is guessed from the bytes that are there. Throws {@link Malformed}
     * as the strict {@link #decode} does.
     */
    public static Record decodeKnown(byte[] b, int off, int available, long payloadSize, TextEncoding enc) {
        int limit = off + available;
        long[] types = serialTypes(b, off, available, payloadSize);
        long h = SqliteVarint.read(b, off, limit);
        long body = 0;
        for (long t : types) {
            body += SerialType.contentSize(t);
        }
        if (h + body != payloadSize) {
            throw new Malformed(DamageKind.BAD_RECORD, off, "record header " + h + " + body " + body
                    + " != payload size " + payloadSize);
        }
        List<Object> values = new ArrayList<>(types.length);
        List<Integer> unknown = new ArrayList<>(0);
        long q = off + h;
        for (int i = 0; i < types.length; i++) {
            int size = (int) SerialType.contentSize(types[i]);
            if (q + size > limit) {
                values.add(null);
                unknown.add(i);
            } else {
                values.add(value(b, (int) q, types[i], size, enc, true));
            }
            q += size;
        }
        return new Record(types, Collections.unmodifiableList(values), (int) h, body,
                Collections.unmodifiableList(unknown));
    }

    static Object value(byte[] b, int q, long t, int size, TextEncoding enc, boolean strict) {
        if (t == 0) {
            return null;
        }
        if (t >= 1 && t <= 6) {
            return SerialType.readInt(b, q, size);
        }
        if (t == 7) {
            return Double.longBitsToDouble(SerialType.readInt(b, q, 8));
        }
        if (t == 8) {
            return 0L;
        }
        if (t == 9) {
            return 1L;
        }
        if (SerialType.isBlob(t)) {
            return Arrays.copyOfRange(b, q, q + size);
        }
        if (strict) {
            String s = enc.decodeStrict(b, q, size);
            if (s == null) {
                throw new Malformed(DamageKind.BAD_RECORD, q, "text is not valid " + enc);
            }
            return s;
        }
        return enc.decode(b, q, size);
    }

    /**
     * The serial types of the record at {@code b[off, off+available)} without decoding any value: what
     * {@link #decode} returns as {@link #serialTypes()} in lenient mode, and it throws {@link Malformed} exactly when
     * a lenient {@link #decode} does (a lenient decode fails only in the header), with the same kind, position and
     * detail. Used where only the shape of a row is needed (learning a table's shape from its live rows).
     */
    public static long[] serialTypes(byte[] b, int off, int available, long payloadSize) {
        int limit = off + available;
        long h = SqliteVarint.read(b, off, limit);
        if (h < 1 || h > payloadSize || h > available) {
            throw new Malformed(DamageKind.BAD_LENGTH, off, "record header size " + h + " vs payload "
                    + payloadSize + " (available " + available + ")");
        }
        int hEnd = off + (int) h;
        int p = off + SqliteVarint.length(b, off, limit);
        long[] types = new long[8];
        int n = 0;
        while (p < hEnd) {
            long t = SqliteVarint.read(b, p, hEnd);
            p += SqliteVarint.length(b, p, hEnd);
            long size = SerialType.contentSize(t);
            if (size < 0) {
                throw new Malformed(DamageKind.BAD_RECORD, p, "reserved or invalid serial type " + t);
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new Malformed(DamageKind.BAD_LENGTH, p, "serial type " + t + " claims " + size + " bytes");
            }
            if (n == MAX_COLUMNS) {
                throw new Malformed(DamageKind.BAD_RECORD, p, "more than " + MAX_COLUMNS + " columns");
            }
            if (n == types.length) {
                types = Arrays.copyOf(types, n * 2);
            }
            types[n++] = t;
        }
        if (p != hEnd) {
            throw new Malformed(DamageKind.BAD_VARINT, p, "serial type runs past the record header");
        }
        return Arrays.copyOf(types, n);
    }
}
