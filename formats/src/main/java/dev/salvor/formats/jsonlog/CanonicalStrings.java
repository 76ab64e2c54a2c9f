package dev.salvor.formats.jsonlog;

import java.nio.charset.StandardCharsets;

/**
 * Reading back string bodies already in RFC 8785 form (UTF-8, with only the JCS escapes <code>\" \\ \b \t \n \f
 * \r</code> and lower-case <code>&#92;u00xx</code> for other controls): as Java strings for the top-level members
 * handed to callers, and one code point at a time for ordering member names.
 */
final class CanonicalStrings {
    private CanonicalStrings() {
    }

    /** The value of a hexadecimal digit, or -1. */
    static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A canonical string body ({@code b[from, to)}, without quotes) as a Java string. */
    static String decode(byte[] b, int from, int to) {
        int bs = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') {
                bs = i;
                break;
            }
        }
        if (bs < 0) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(to - from);
        sb.append(new String(b, from, bs - from, StandardCharsets.UTF_8));
        int i = bs;
        while (i < to) {
            int start = i;
            while (i < to && b[i] != '\\') {
                i++;
            }
            if (i > start) {
                sb.append(new String(b, start, i - start, StandardCharsets.UTF_8));
            }
            if (i >= to) {
                break;
            }
            byte e = b[i + 1];
            switch (e) {
                case 'b' -> sb.append('\b');
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'f' -> sb.append('\f');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    sb.append((char) ((hexValue(b[i + 4]) << 4) | hexValue(b[i + 5])));
                    i += 4;
                }
                default -> sb.append((char) e);
            }
            i += 2;
        }
        return sb.toString();
    }
}
