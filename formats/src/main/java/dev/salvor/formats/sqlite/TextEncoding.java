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
        if (this != UTF_8 && (len & 1) != 0) {
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
}
