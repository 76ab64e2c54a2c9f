package dev.salvor.formats.sqlite;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The database text encoding (header offset 56): 1 UTF-8, 2 UTF-16le, 3 UTF-16be. It applies to every TEXT value and
 * to the schema SQL.
 */
public enum TextEncoding {
    UTF_8(1, StandardCharsets.UTF_8),
    UTF_16LE(2, StandardCharsets.UTF_16LE),
    UTF_16BE(3, StandardCharsets.UTF_16BE);

    private final int code;
    private final Charset charset;

    TextEncoding(int code, Charset charset) {
        this.code = code;
        this.charset = charset;
    }

    /** The header code (1, 2 or 3). */
    public int code() {
        return code;
    }

    public Charset charset() {
        return charset;
    }

    /** The encoding for a header code, or {@code null} if the code is not 1, 2 or 3. */
    public static TextEncoding ofCode(long code) {
        for (TextEncoding e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }

    /** Lenient decode (malformed sequences become U+FFFD). */
    public String decode(byte[] b, int off, int len) {
        return new String(b, off, len, charset);
    }

    /**
     * Strict decode: {@code null} when the bytes are not valid text in this encoding (odd UTF-16 length, lone
     * surrogates, invalid UTF-8). Carving uses it to reject candidate records.
     */
    public String decodeStrict(byte[] b, int off, int len) {
        if (this == UTF_8) {
            // Validated in place, then decoded by the String constructor (which has its own ASCII fast path): no
            // decoder, buffers or copies per value. Carving tries many candidates, most of them short texts.
            return wellFormedUtf8(b, off, len) ? new String(b, off, len, StandardCharsets.UTF_8) : null;
        }
        if ((len & 1) != 0) {
            return null;
        }
        // CoderResult instead of the throwing decode(): carving tries many candidates, and exceptions with
        // stack traces would dominate its cost
        CharsetDecoder d = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(len);
        CoderResult r = d.decode(ByteBuffer.wrap(b, off, len), out, true);
        if (r.isError() || d.flush(out).isError()) {
            return null;
        }
        return out.flip().toString();
    }

    /**
     * Whether {@code b[off, off+len)} is well-formed UTF-8 as the Unicode Standard's table 3-7 defines it, which is
     * exactly what the JDK's UTF-8 decoder accepts when it reports malformed input: no overlong forms (C0, C1, E0
     * followed by 80-9F, F0 followed by 80-8F), no UTF-16 surrogates (ED followed by A0-BF), nothing above U+10FFFF
     * (F4 followed by 90-BF, lead bytes F5-FF), no continuation byte without a lead, no sequence cut short.
     */
    static boolean wellFormedUtf8(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int x = b[i];
            if (x >= 0) {
                i++;
                continue;
            }
            x &= 0xff;
            if (x < 0xc2 || x > 0xf4) {
                return false; // a continuation byte without a lead, an overlong 2-byte lead, or past U+10FFFF
            }
            int n = x < 0xe0 ? 1 : x < 0xf0 ? 2 : 3;
            if (i + n >= end) {
                return false; // cut short: the sequence needs bytes i..i+n
            }
            int y = b[i + 1] & 0xff;
            // the second byte's range depends on the lead (table 3-7); later bytes are plain 80-BF
            int lo = x == 0xe0 ? 0xa0 : x == 0xf0 ? 0x90 : 0x80;
            int hi = x == 0xed ? 0x9f : x == 0xf4 ? 0x8f : 0xbf;
            if (y < lo || y > hi) {
                return false;
            }
            for (int k = 2; k <= n; k++) {
                if ((b[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += n + 1;
        }
        return true;
    }
}
