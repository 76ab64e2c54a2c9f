package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.ByteSource;

import java.nio.charset.StandardCharsets;

/**
 * How the events of one file are framed, so that a rebuilt file is laid out as its original: a JSON array
 * ({@code segment-NNNNNN.json}, array exports), JSON Lines, or a CSV export with its header. Each layout says which
 * bytes of the original may frame the events again (whitespace, the array's brackets and commas, CSV line breaks:
 * nothing that could hide an event or damage) and what to write where the original's bytes are not clean.
 *
 * <pre>
 *   ARRAY  ws* '[' ws*  event ( ws* ',' ws* event )*  ws* ']' ws*      defaults "[\n", ",\n", "\n]\n"
 *   LINES  ws*          event ( ws*         event )*  ws*              defaults "",    "\n",  "\n"
 *   CSV    header-line  row   ( (CR|LF)+    row   )*  (CR|LF)*         defaults         "\n",  "\n"
 * </pre>
 * (ws: space, tab, CR, LF as in RFC 8259.)
 */
enum EventFileLayout {
    /** A JSON array of events. */
    ARRAY("[\n", ",\n", "\n]\n", "json-array"),
    /** JSON Lines (one event per line). */
    LINES("", "\n", "\n", "json-lines"),
    /** A CSV export: a header line, then one row per event. */
    CSV("", "\n", "\n", "csv");

    /** Leading bytes examined to tell an array from JSON Lines. */
    static final int PROBE_BYTES = 4096;

    private final byte[] opening;
    private final byte[] separator;
    private final byte[] closing;
    private final String id;

    EventFileLayout(String opening, String separator, String closing, String id) {
        this.opening = opening.getBytes(StandardCharsets.US_ASCII);
        this.separator = separator.getBytes(StandardCharsets.US_ASCII);
        this.closing = closing.getBytes(StandardCharsets.US_ASCII);
        this.id = id;
    }

    /** The layout's name in the report ({@code json-array}, {@code json-lines}, {@code csv}). */
    String id() {
        return id;
    }

    /**
     * The layout of a JSON event file: an array when its first byte other than whitespace (after a UTF-8 BOM) is
     * {@code [}, else JSON Lines.
     */
    static EventFileLayout ofJson(ByteSource src) {
        byte[] head = src.read(0, (int) Math.min(src.size(), PROBE_BYTES));
        int p = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
                && (head[2] & 0xff) == 0xbf ? 3 : 0;
        while (p < head.length && isJsonSpace(head[p])) {
            p++;
        }
        return p < head.length && head[p] == '[' ? ARRAY : LINES;
    }

    /** What goes before the first event: {@code gap} (the original's bytes there) when clean, else the default. */
    byte[] opening(byte[] gap) {
        return switch (this) {
            case ARRAY -> gap != null && spaced(gap, '[') ? gap : opening;
            case LINES -> gap != null && spaced(gap, (byte) 0) ? gap : opening;
            case CSV -> gap != null && lineBreaks(gap, 0) ? gap : opening; // after the header line
        };
    }

    /** What goes between two events that were adjacent in the original: {@code gap} when clean, else the default. */
    byte[] separator(byte[] gap) {
        return switch (this) {
            case ARRAY -> gap != null && spaced(gap, ',') ? gap : separator;
            case LINES -> gap != null && spaced(gap, (byte) 0) ? gap : separator;
            case CSV -> gap != null && lineBreaks(gap, 1) ? gap : separator;
        };
    }

    /**
     * What goes after the last event: {@code tail} (the original's bytes after it up to the end of the file) when
     * clean, which holds only when it was the original's last event too; else the default.
     */
    byte[] closing(byte[] tail) {
        return switch (this) {
            case ARRAY -> tail != null && spaced(tail, ']') ? tail : closing;
            case LINES -> tail != null && spaced(tail, (byte) 0) ? tail : closing;
            case CSV -> tail != null && lineBreaks(tail, 0) ? tail : closing;
        };
    }

    /** A file without events: the original's whole content when it is an empty array / only whitespace. */
    byte[] empty(byte[] whole) {
        return switch (this) {
            case ARRAY -> whole != null && emptyArray(whole) ? whole : "[]\n".getBytes(StandardCharsets.US_ASCII);
            case LINES -> whole != null && spaced(whole, (byte) 0) ? whole : new byte[0];
            case CSV -> new byte[0]; // the header is written by the caller
        };
    }

    static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** {@code ws* structural ws*}, or {@code ws*} when {@code structural} is 0. */
    private static boolean spaced(byte[] b, int structural) {
        int seen = 0;
        for (byte x : b) {
            if (structural != 0 && x == structural) {
                seen++;
            } else if (!isJsonSpace(x)) {
                return false;
            }
        }
        return structural == 0 || seen == 1;
    }

    private static boolean emptyArray(byte[] b) {
        int open = -1;
        int close = -1;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '[' && open < 0) {
                open = i;
            } else if (b[i] == ']' && open >= 0 && close < 0) {
                close = i;
            } else if (!isJsonSpace(b[i])) {
                return false;
            }
        }
        return open >= 0 && close > open;
    }

    /** Only CR and LF, at least {@code min} of them. */
    private static boolean lineBreaks(byte[] b, int min) {
        for (byte x : b) {
            if (x != '\n' && x != '\r') {
                return false;
            }
        }
        return b.length >= min;
    }
}
