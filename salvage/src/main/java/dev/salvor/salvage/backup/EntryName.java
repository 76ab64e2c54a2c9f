package dev.salvor.salvage.backup;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The one rule for a path inside a backup (a tar entry name or a manifest {@code path}): relative, {@code /}
 * separators, each segment a plain file name. The same rule is applied when a backup is written (so a backup never
 * holds a name its restore would refuse) and when an archive is read (so a hostile name never reaches the file
 * system).
 *
 * <table>
 *   <caption>What a name may not contain</caption>
 *   <tr><th>refused</th><th>why</th></tr>
 *   <tr><td>empty name, leading {@code /}, empty segment ({@code a//b}), trailing {@code /} on a file</td>
 *       <td>absolute paths and ambiguous spellings of one path</td></tr>
 *   <tr><td>{@code .} or {@code ..} segment</td><td>traversal out of the target ({@code ../x}, {@code a/../../x})</td></tr>
 *   <tr><td>{@code \} or {@code :}</td><td>Windows separators and drive letters ({@code C:\x}), NTFS streams</td></tr>
 *   <tr><td>NUL, control characters (U+0000..U+001F, U+007F), U+FFFD</td>
 *       <td>names cut short by C APIs, forged log lines, bytes that were not UTF-8</td></tr>
 *   <tr><td>a segment over 255 bytes or a name over 4096 bytes (UTF-8)</td><td>file-system limits</td></tr>
 * </table>
 *
 * <p>Two names that differ only by case or Unicode normalisation ({@link #foldKey}) are duplicates: on a
 * case-insensitive or normalising file system the second would overwrite the first.
 */
public final class EntryName {
    /** Longest name accepted, in UTF-8 bytes (Linux {@code PATH_MAX}). */
    public static final int MAX_NAME_BYTES = 4096;
    /** Longest segment accepted, in UTF-8 bytes (Linux {@code NAME_MAX}). */
    public static final int MAX_SEGMENT_BYTES = 255;

    private EntryName() {
    }

    /**
     * Why {@code name} is not a safe relative path, or null when it is.
     *
     * @param name a path with {@code /} separators, without a trailing {@code /}
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty name";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "name longer than " + MAX_NAME_BYTES + " bytes";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                return "backslash in name";
            }
            if (c == ':') {
                return "colon in name (drive letter or alternate stream)";
            }
            if (c < 0x20 || c == 0x7f) {
                return c == 0 ? "NUL in name" : "control character U+" + String.format("%04X", (int) c) + " in name";
            }
            if (c == '\uFFFD') {
                return "replacement character in name (the name was not valid UTF-8)";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    return "lone surrogate in name";
                }
                i++;
            }
        }
        for (String seg : name.split("/", -1)) {
            if (seg.isEmpty()) {
                return "empty path segment";
            }
            if (seg.equals(".") || seg.equals("..")) {
                return "'" + seg + "' segment (path traversal)";
            }
            if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "path segment longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }

    /** True when {@link #problem} finds nothing. */
    public static boolean isSafe(String name) {
        return problem(name) == null;
    }

    /**
     * The key under which two names collide on a case-insensitive or normalising file system: NFC, then case-folded
     * (upper then lower case, so that e.g. {@code ß}/{@code SS} and {@code ſ}/{@code s} meet).
     */
    public static String foldKey(String name) {
        String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
        return nfc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /** Quotes a name for a message, escaping control characters so a hostile name cannot forge output lines. */
    public static String quote(String name) {
        if (name == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(name.length(), 300);
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (name.length() > n) {
            sb.append("…");
        }
        return sb.append('\'').toString();
    }
}
