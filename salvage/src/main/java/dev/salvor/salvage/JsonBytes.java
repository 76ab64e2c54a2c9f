package dev.salvor.salvage;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Bytes in JSON Lines schema v1: a JSON string when the bytes are valid UTF-8, otherwise {@code {"base64": "..."}}.
 * The two forms are distinguishable, so the original bytes can always be rebuilt exactly.
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
        String s = utf8OrNull(b);
        if (s != null) {
            g.writeString(s);
        } else {
            g.writeStartObject();
            g.writeStringField("base64", Base64.getEncoder().encodeToString(b));
            g.writeEndObject();
        }
    }

    /** The string if {@code b} is strictly valid UTF-8 (no replacement), else null. */
    public static String utf8OrNull(byte[] b) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer cb = d.decode(ByteBuffer.wrap(b));
            return cb.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
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
