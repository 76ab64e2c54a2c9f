package dev.salvor.salvage.report;

import dev.salvor.salvage.JsonBytes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Encodes JSON Lines records straight into a reusable byte buffer: member names encoded once ({@link Name}), numbers
 * written digit by digit, strings char by char, nothing allocated per record (except a double's digits and the
 * re-encoding of raw JSON that is not valid UTF-8). The bytes are those Jackson's {@code UTF8JsonGenerator} writes
 * with its default settings and a {@code MinimalPrettyPrinter("\n")}, which is how salvage records were written
 * before:
 * <ul>
 * <li>no spaces, one record per line, each line ended by a line feed;</li>
 * <li>strings escaped as Jackson escapes them: {@code \"}, {@code \\}, {@code \b \t \n \f \r}, other control
 * characters (below U+0020) as a six-byte backslash-u escape with upper-case hex, and every UTF-16 surrogate too
 * (so a character outside the BMP becomes two escapes); everything else, U+007F and U+2028 included, as UTF-8;</li>
 * <li>doubles as {@link Double#toString}, NaN and infinities as strings (JSON has no literal for them);</li>
 * <li>bytes by the rules of {@link JsonBytes#write}: a string when they are strictly valid UTF-8 (escaped as above,
 * other bytes copied), otherwise {@code {"base64":"…"}}.</li>
 * </ul>
 * The writer places the commas: a value or a name written after a previous member or element gets one.
 *
 * <p>A record may start with a leading {@code "image_offset":N} member ({@link #beginRecord(long)}): carving writes
 * the position of the record in the raw image before the members of the format, without re-reading the line.
 *
 * <p>Not thread-safe: one writer per thread.
 */
public final class JsonLineWriter {
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] BASE64 = ascii("{\"base64\":\"");
    private static final byte[] IMAGE_OFFSET = ascii("{\"image_offset\":");
    private static final int KEPT_SCRATCH = 1 << 20;
    private static final byte[] HEX = ascii("0123456789ABCDEF");
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

    /** A member name, escaped and quoted once: {@code "name":}, and the same after a comma. */
    public static final class Name {
        private final byte[] bytes;
        private final byte[] afterComma;

        private Name(byte[] afterComma) {
            this.afterComma = afterComma;
            this.bytes = Arrays.copyOfRange(afterComma, 1, afterComma.length);
        }

        /** The name {@code name}, escaped as a JSON string. */
        public static Name of(String name) {
            JsonLineWriter w = new JsonLineWriter(16 + 6 * name.length());
            w.put((byte) ',');
            w.writeString(name);
            w.put((byte) ':');
            return new Name(w.toByteArray());
        }
    }

    /** A string value known in advance (a format name, an operation), escaped and quoted once. */
    public static final class Text {
        private final byte[] quoted;

        private Text(byte[] quoted) {
            this.quoted = quoted;
        }

        /** The string {@code text}, escaped as a JSON string. */
        public static Text of(String text) {
            JsonLineWriter w = new JsonLineWriter(16 + 6 * text.length());
            w.writeString(text);
            return new Text(w.toByteArray());
        }
    }

    private byte[] buf;
    private int pos;
    /** Base64 output before it is copied into {@link #buf} (the JDK encoder writes from index 0); reused. */
    private byte[] base64Scratch = new byte[0];
    /** True after a value or a member: the next value or name needs a comma first. */
    private boolean needComma;

    /** A writer whose buffer starts at {@code initialCapacity} bytes (it grows as a record needs). */
    public JsonLineWriter(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** Bytes encoded and not yet drained. */
    public int size() {
        return pos;
    }

    /** Writes what was encoded to {@code out} and starts over (the buffer is kept). */
    public void drainTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    /** The encoded bytes (a copy). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Starts a record: its opening brace. */
    public void beginRecord() {
        put((byte) '{');
        needComma = false;
    }

    /**
     * Starts a record whose first member is {@code "image_offset":imageOffset}, or a plain record when
     * {@code imageOffset} is negative (no position in an image is known).
     */
    public void beginRecord(long imageOffset) {
        if (imageOffset < 0) {
            beginRecord();
            return;
        }
        raw(IMAGE_OFFSET);
        writeLong(imageOffset);
        needComma = true;
    }

    /** Ends a record: its closing brace and the line feed. */
    public void endRecord() {
        ensure(2);
        buf[pos++] = '}';
        buf[pos++] = '\n';
        needComma = false;
    }

    /** Opens an object as a value. */
    public void beginObject() {
        separate();
        put((byte) '{');
        needComma = false;
    }

    /** Closes the innermost object. */
    public void endObject() {
        put((byte) '}');
        needComma = true;
    }

    /** Opens an array as a value. */
    public void beginArray() {
        separate();
        put((byte) '[');
        needComma = false;
    }

    /** Closes the innermost array. */
    public void endArray() {
        put((byte) ']');
        needComma = true;
    }

    /** A member name; its value follows. */
    public void name(Name n) {
        raw(needComma ? n.afterComma : n.bytes);
        needComma = false;
    }

    /** A string (null writes JSON null). */
    public void string(String s) {
        separate();
        if (s == null) {
            raw(NULL);
        } else {
            writeString(s);
        }
        needComma = true;
    }

    /** A string value escaped in advance (no per-record escaping). */
    public void string(Text t) {
        separate();
        raw(t.quoted);
        needComma = true;
    }

    /** An integer. */
    public void number(long v) {
        separate();
        writeLong(v);
        needComma = true;
    }

    /** A double as {@link Double#toString} writes it; NaN and the infinities as strings. */
    public void number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            string(Double.toString(d));
            return;
        }
        separate();
        String s = Double.toString(d);
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i); // digits, '.', '-' and 'E' only
        }
        needComma = true;
    }

    /** {@code true} or {@code false}. */
    public void bool(boolean b) {
        separate();
        raw(b ? TRUE : FALSE);
        needComma = true;
    }

    /** JSON null. */
    public void nullValue() {
        separate();
        raw(NULL);
        needComma = true;
    }

    /**
     * A value that already is JSON text, copied as is when it is valid UTF-8. Other bytes are decoded with
     * replacement characters and encoded again, as Jackson's {@code writeRawValue(new String(json, UTF_8))} did.
     */
    public void rawValue(byte[] json) {
        separate();
        byte[] b = JsonBytes.isUtf8(json) ? json : new String(json, StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_8);
        raw(b);
        needComma = true;
    }

    /** Bytes by the rules of {@link JsonBytes#write}: null, a string when valid UTF-8, else base64. */
    public void bytes(byte[] b) {
        if (b == null) {
            nullValue();
        } else if (JsonBytes.isUtf8(b)) {
            separate();
            writeUtf8String(b);
            needComma = true;
        } else {
            base64Object(b);
        }
    }

    /** {@code {"base64":"…"}}: blobs, and bytes that are not UTF-8 (RFC 4648 with padding). */
    public void base64Object(byte[] b) {
        separate();
        raw(BASE64);
        writeBase64(b);
        ensure(2);
        buf[pos++] = '"';
        buf[pos++] = '}';
        needComma = true;
    }

    private void separate() {
        if (needComma) {
            put((byte) ',');
        }
    }

    private void writeString(String s) {
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
                    p = escape(b, p, c, e);
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

    /** Valid UTF-8 as a string: ASCII escaped as in {@link #writeString}, the other bytes copied. */
    private void writeUtf8String(byte[] s) {
        int n = s.length;
        ensure(6L * n + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            byte c = s[i];
            if (c < 0) {
                b[p++] = c;
            } else {
                byte e = ESCAPE[c];
                if (e == 0) {
                    b[p++] = c;
                } else {
                    p = escape(b, p, c, e);
                }
            }
        }
        b[p++] = '"';
        pos = p;
    }

    /** The escape of ASCII char {@code c} whose {@link #ESCAPE} entry is {@code e}; returns the new position. */
    private static int escape(byte[] b, int p, int c, byte e) {
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
        return p;
    }

    /**
     * RFC 4648 base64 with padding, by {@code java.util.Base64.getEncoder()} (vectorised by the JVM) into a reused
     * scratch array, then copied. A scratch array over {@value #KEPT_SCRATCH} bytes is not kept.
     */
    private void writeBase64(byte[] b) {
        long n = 4L * ((b.length + 2) / 3);
        ensure(n);
        byte[] scratch = base64Scratch.length >= n ? base64Scratch : new byte[(int) n];
        int written = Base64.getEncoder().encode(b, scratch);
        System.arraycopy(scratch, 0, buf, pos, written);
        pos += written;
        if (scratch.length <= KEPT_SCRATCH) {
            base64Scratch = scratch;
        }
    }

    private void writeLong(long v) {
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
        int end = p + digits(v);
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
