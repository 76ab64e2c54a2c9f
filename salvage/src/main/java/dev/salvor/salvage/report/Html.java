package dev.salvor.salvage.report;

import java.util.Locale;

/**
 * Text for the HTML report. Every string that comes from the evidence (file names, damage details, keys, notes) is
 * hostile: it goes through {@link #text} before it reaches the page, so that markup in it shows as text and
 * invisible characters show as what they are.
 */
final class Html {
    private Html() {
    }

    /**
     * {@code s} as HTML text, fit for element content and quoted attribute values: {@code & < > " '} as entities;
     * control characters (C0 including TAB, CR and LF, DEL, C1), the bidirectional overrides and isolates (which can
     * make a name ending in U+202E and {@code gpj.exe} read as one ending in {@code exe.jpg}) and lone surrogates as
     * a visible {@code \\uXXXX}.
     * {@code null} becomes the empty string.
     */
    static String text(Object o) {
        if (o == null) {
            return "";
        }
        String s = String.valueOf(o);
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = replacement(s, i, c);
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (rep != null) {
                sb.append(rep);
            } else if (sb != null) {
                sb.append(c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (sb != null) {
                    sb.append(s.charAt(i + 1));
                }
                i++;
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String replacement(String s, int i, char c) {
        switch (c) {
            case '&':
                return "&amp;";
            case '<':
                return "&lt;";
            case '>':
                return "&gt;";
            case '"':
                return "&quot;";
            case '\'':
                return "&#39;";
            default:
                break;
        }
        boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
        boolean bidi = c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x061c;
        boolean loneSurrogate = (Character.isHighSurrogate(c) && (i + 1 >= s.length()
                || !Character.isLowSurrogate(s.charAt(i + 1)))) || (Character.isLowSurrogate(c)
                && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1))));
        if (control || bidi || loneSurrogate) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }

    /** {@code 0x} and at least {@code digits} lower-case hex digits. */
    static String hex(long v, int digits) {
        String h = Long.toHexString(v);
        return h.length() >= digits ? "0x" + h : "0x" + "0".repeat(digits - h.length()) + h;
    }

    /** Hex digits enough for every offset of a file of {@code size} bytes (at least 4). */
    static int hexDigits(long size) {
        return Math.max(4, Long.toHexString(Math.max(0, size - 1)).length());
    }

    /** {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 512 B}, {@code 4.0 KiB}, {@code 53.9 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
