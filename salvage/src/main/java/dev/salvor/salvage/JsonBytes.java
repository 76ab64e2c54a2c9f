package dev.salvor.salvage;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Bytes in JSON Lines schema v1: a JSON string when the bytes are valid UTF-8, otherwise {@code {"base64": "..."}}.
 * The two forms are distinguishable, so the original bytes can always be rebuilt exactly. Salvage records are
 * written by {@link dev.salvor.salvage.report.JsonLineWriter#bytes}, which follows these rules byte for byte;
 * {@link #write} is the same for a Jackson generator.
 */
public final class JsonBytes {
    private JsonBytes() {
    }

    /** Writes {@code b} (null writes JSON null). */
    public static void write(JsonGenerator g, byte[] b) throws IOException {
        if (b == null) {
            g.writeNull();
            return;
        }
        if (isUtf8(b)) {
            // Escapes straight from the bytes: no decode to a String and encode back.
            g.writeUTF8String(b, 0, b.length);
        } else {
            writeBase64(g, b);
        }
    }

    /** Writes {@code {"base64": "…"}} (blobs, and bytes that are not UTF-8). */
    public static void writeBase64(JsonGenerator g, byte[] b) throws IOException {
        g.writeStartObject();
        g.writeFieldName("base64");
        byte[] enc = Base64.getEncoder().encode(b); // pure ASCII, nothing to escape
        g.writeRawUTF8String(enc, 0, enc.length);
        g.writeEndObject();
    }

    /** The string if {@code b} is strictly valid UTF-8, else null. */
    public static String utf8OrNull(byte[] b) {
        return isUtf8(b) ? new String(b, StandardCharsets.UTF_8) : null;
    }

    /**
     * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
     * Such bytes could not round-trip through a JSON string, so they are written as base64 instead.
     */
    public static boolean isUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            if (c < 0xc2) {
                return false; // continuation byte or overlong 2-byte lead
            }
            if (c < 0xe0) {
                if (i + 1 >= n || (b[i + 1] & 0xc0) != 0x80) {
                    return false;
                }
                i += 2;
            } else if (c < 0xf0) {
                if (i + 2 >= n || (b[i + 1] & 0xc0) != 0x80 || (b[i + 2] & 0xc0) != 0x80) {
                    return false;
                }
                int b1 = b[i + 1] & 0xff;
                if ((c == 0xe0 && b1 < 0xa0) || (c == 0xed && b1 >= 0xa0)) {
                    return false; // overlong, or a UTF-16 surrogate
                }
                i += 3;
            } else if (c < 0xf5) {
                if (i + 3 >= n || (b[i + 1] & 0xc0) != 0x80 || (b[i + 2] & 0xc0) != 0x80
                        || (b[i + 3] & 0xc0) != 0x80) {
                    return false;
                }
                int b1 = b[i + 1] & 0xff;
                if ((c == 0xf0 && b1 < 0x90) || (c == 0xf4 && b1 >= 0x90)) {
                    return false; // overlong, or above U+10FFFF
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    /** A short printable rendering for human messages: the UTF-8 text, or hex when it is not text. */
    public static String display(byte[] b, int max) {
        String s = utf8OrNull(b);
        if (s != null && s.chars().noneMatch(c -> c < 0x20)) {
            return s.length() > max ? s.substring(0, max) + "…" : s;
        }
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < b.length && i < max / 2; i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return b.length > max / 2 ? sb.append('…').toString() : sb.toString();
    }
}
