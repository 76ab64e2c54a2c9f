package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes {@link SqliteRow}s as JSON Lines schema v1 straight into a reusable byte buffer: field names pre-encoded,
 * numbers and strings written digit by digit and char by char, nothing allocated per row (except
 * a REAL's digits). Byte for byte what Jackson's {@code UTF8JsonGenerator} wrote for the same row (one object
 * per line, no spaces; strings escaped as Jackson escapes them: {@code \"}, {@code \\}, {@code \b \t \n \f \r},
 * other control characters as a six-byte backslash-u escape with upper-case hex, every UTF-16 surrogate
 * too (so a character outside the BMP becomes two escapes), everything else as UTF-8;
 * REALs as {@link Double#toString}, NaN and infinities as strings; blobs as {@code {"base64": "…"}}).
 *
 * <p>Not thread-safe: one encoder per thread.
 */
final class SqliteRowJson {
    private static final byte[] FORMAT = ascii("{\"format\":\"sqlite\",\"file\":");
    private static final byte[] TABLE = ascii(",\"table\":");
    private static final byte[] ROWID = ascii(",\"rowid\":");
    private static final byte[] VALUES = ascii(",\"values\":[");
    private static final byte[] STATE = ascii("],\"state\":");
    private static final byte[] SOURCE = ascii(",\"source\":");
    private static final byte[] PAGE = ascii(",\"page\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] WAL_FRAME = ascii(",\"wal_frame\":");
    private static final byte[] UNKNOWN = ascii(",\"unknown_columns\":[");
    private static final byte[] NULL = ascii("null");
    private static final byte[] BASE64 = ascii("{\"base64\":\"");
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    private static final byte[] B64 = ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));
    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];
    /** Per ASCII char: 0 written as is, else the char after the backslash ('u' for the six-byte form). */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
        for (int c = 0; c < 32; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\f'] = 'f';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
    }

    private byte[] buf;
    private int pos;

    SqliteRowJson(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** Bytes encoded so far. */
    int size() {
        return pos;
    }

    /** Writes what was encoded to {@code out} and starts over (the buffer is kept). */
    void drainTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    /** The encoded bytes (a copy). */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Appends {@code r} as one JSON object and a line feed. */
    void row(SqliteRow r) {
        raw(FORMAT);
        string(r.file());
        raw(TABLE);
        string(r.table());
        raw(ROWID);
        if (r.rowid() == null) {
            raw(NULL);
        } else {
            number(r.rowid());
        }
        raw(VALUES);
        List<Object> values = r.values();
        for (int i = 0, n = values.size(); i < n; i++) {
            if (i > 0) {
                put((byte) ',');
            }
            value(values.get(i));
        }
        raw(STATE);
        string(r.stateId());
        raw(SOURCE);
        string(r.sourceId());
        raw(PAGE);
        number(r.page());
        raw(OFFSET);
        number(r.offset());
        if (r.walFrame() != null) {
            raw(WAL_FRAME);
            number(r.walFrame());
        }
        List<Integer> unknown = r.unknownColumns();
        if (unknown != null && !unknown.isEmpty()) {
            raw(UNKNOWN);
            for (int i = 0, n = unknown.size(); i < n; i++) {
                if (i > 0) {
                    put((byte) ',');
                }
                number(unknown.get(i));
            }
            put((byte) ']');
        }
        put((byte) '}');
        put((byte) '\n');
    }

    private void value(Object v) {
        if (v == null) {
            raw(NULL);
        } else if (v instanceof Long l) {
            number(l);
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                string(d.toString()); // JSON has no NaN/Infinity literals
            } else {
                latin1(Double.toString(d));
            }
        } else if (v instanceof byte[] b) {
            // a blob is not text, even when its bytes are valid UTF-8 (same form as JsonBytes.writeBase64)
            raw(BASE64);
            base64(b);
            put((byte) '"');
            put((byte) '}');
        } else {
            string(String.valueOf(v));
        }
    }

    private void string(String s) {
        if (s == null) {
            raw(NULL);
            return;
        }
        int n = s.length();
        ensure(6L * n + 2); // the longest form of a char is six bytes (a backslash-u escape)
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPE[c];
                if (e == 0) {
                    b[p++] = (byte) c;
                } else {
                    b[p++] = '\\';
                    if (e == 'u') {
                        b[p++] = 'u';
                        b[p++] = '0';
                        b[p++] = '0';
                        b[p++] = HEX[c >> 4];
                        b[p++] = HEX[c & 0xf];
                    } else {
                        b[p++] = e;
                    }
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (c >= 0xd800 && c <= 0xdfff) {
                b[p++] = '\\';
                b[p++] = 'u';
                b[p++] = HEX[c >> 12];
                b[p++] = HEX[(c >> 8) & 0xf];
                b[p++] = HEX[(c >> 4) & 0xf];
                b[p++] = HEX[c & 0xf];
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        b[p++] = '"';
        pos = p;
    }

    /** RFC 4648 base64 with padding, as {@code java.util.Base64.getEncoder()} writes it. */
    private void base64(byte[] b) {
        int n = b.length;
        ensure(4L * ((n + 2) / 3));
        byte[] o = buf;
        int p = pos;
        int i = 0;
        for (; i + 3 <= n; i += 3) {
            int x = (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
            o[p++] = B64[x >>> 18];
            o[p++] = B64[(x >>> 12) & 0x3f];
            o[p++] = B64[(x >>> 6) & 0x3f];
            o[p++] = B64[x & 0x3f];
        }
        if (i < n) {
            int x = (b[i] & 0xff) << 16 | (i + 1 < n ? (b[i + 1] & 0xff) << 8 : 0);
            o[p++] = B64[x >>> 18];
            o[p++] = B64[(x >>> 12) & 0x3f];
            o[p++] = i + 1 < n ? B64[(x >>> 6) & 0x3f] : (byte) '=';
            o[p++] = '=';
        }
        pos = p;
    }

    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            raw(MIN_LONG);
            return;
        }
        ensure(20);
        byte[] b = buf;
        int p = pos;
        if (v < 0) {
            b[p++] = '-';
            v = -v;
        }
        if (v < 10) {
            b[p++] = (byte) ('0' + v);
            pos = p;
            return;
        }
        int digits = digits(v);
        int end = p + digits;
        int q = end;
        // two digits per division while the value needs a long, then per int division
        while (v > Integer.MAX_VALUE) {
            long d = v / 100;
            int r = (int) (v - d * 100);
            v = d;
            b[--q] = DIGIT_ONES[r];
            b[--q] = DIGIT_TENS[r];
        }
        int x = (int) v;
        while (x >= 100) {
            int d = x / 100;
            int r = x - d * 100;
            x = d;
            b[--q] = DIGIT_ONES[r];
            b[--q] = DIGIT_TENS[r];
        }
        if (x >= 10) {
            b[--q] = DIGIT_ONES[x];
            b[--q] = DIGIT_TENS[x];
        } else {
            b[--q] = (byte) ('0' + x);
        }
        pos = end;
    }

    /** Decimal digits of {@code v >= 0}. */
    private static int digits(long v) {
        long p = 10;
        for (int i = 1; i < 19; i++) {
            if (v < p) {
                return i;
            }
            p *= 10;
        }
        return 19;
    }

    private void latin1(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(long more) {
        if ((long) pos + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) pos + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new OutOfMemoryError("a JSON line longer than 2 GB");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
