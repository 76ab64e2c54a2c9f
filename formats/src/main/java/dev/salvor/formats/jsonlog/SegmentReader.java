package dev.salvor.formats.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tolerant streaming reader of one event-log segment: a JSON array of event objects ({@code segment-NNNNNN.json})
 * or JSON Lines (one object per line; concatenated objects are accepted too).
 *
 * <p>Layout recognised (RFC 8259):
 * <pre>
 *   [BOM]? ws* '[' ws* ( event ws* ( ',' ws* event ws* )* )? ']' ws*        array segment
 *   [BOM]? ( ws* event )* ws*                                               JSON Lines
 *   event := '{' ... '}'   (one object; its bytes are returned verbatim)
 * </pre>
 *
 * <p>Every complete event is returned with its byte offset, length and exact bytes, in file order
 * ({@link SegmentEvent}). A valid event is canonicalised straight from the read window by the RFC 8785 byte engine
 * (strict UTF-8, bounded by {@link Options#maxEventBytes()}, {@link Options#maxNestingDepth()} and
 * {@link Options#maxStringBytes()}), and its canonical form hashed once. Anything else goes the general way:
 * framing by a byte scanner (string/escape aware, bracket-matched, same bounds), then a strict UTF-8 check and the
 * canonicaliser on the framed bytes ({@link JsonCanonicalizer}), then the damage rules below. Both ways accept exactly
 * the same events. Nothing is ever invented: an event is only returned if its own bytes form a complete object.
 *
 * <p>Damage and resynchronisation (each rule also commented where applied):
 * <ul>
 *   <li>A complete object whose content is ambiguous or over a limit (duplicate names, lone surrogate,
 *       {@code 1E400}, invalid UTF-8, string or nesting over the limits) is returned as
 *       {@link SegmentEvent.Status#REJECTED} with a damage; reading continues right after it.</li>
 *   <li>An object that never closes (torn tail), contains bytes that cannot occur in JSON ({@code CORRUPTED!},
 *       NUL), or is not valid JSON is damage. If it was torn inside its last member and that member is the hash,
 *       it is kept as {@link SegmentEvent.Status#TORN_HASH} when the surviving hash digits prove the content
 *       complete. Then the reader resynchronises: it tries every later <code>{"</code> as an event start, with a fresh
 *       scanner state (a torn string must not invert the meaning of the following bytes), and accepts the first
 *       complete, valid object carrying the chain's id and hash members (so a payload object of the torn event
 *       is not mistaken for an event). A candidate that nests deeper than the limit skips every candidate up to
 *       where it failed (bounds the work on 100k-deep input to one pass).</li>
 *   <li>Bytes where an event or separator is expected (garbage, trailing data after {@code ]}) are
 *       {@link DamageKind#UNRECOGNISED}, zero runs {@link DamageKind#ZEROED} (preallocated tail), an unclosed array
 *       {@link DamageKind#TRUNCATED}; a leading UTF-8 BOM is reported and skipped.</li>
 * </ul>
 * Thread-safe: the reader is immutable; each {@link #read} call keeps its own state.
 *
 * <p>Spec: https://www.rfc-editor.org/rfc/rfc8259, https://jsonlines.org/
 */
public final class SegmentReader {

    /**
     * Reader settings.
     *
     * @param fields            chain member names (the hash member is left out of the canonical form; id and hash
     *                          members make a resynchronisation candidate plausible)
     * @param maxEventBytes     largest event accepted; larger objects are damage ({@link DamageKind#LIMIT_EXCEEDED})
     * @param maxStringBytes    longest string inside an event (Jackson {@code maxStringLength})
     * @param maxNestingDepth   deepest nesting inside an event (Jackson {@code maxNestingDepth})
     * @param minTornHashDigits surviving hash digits needed to keep a {@link SegmentEvent.Status#TORN_HASH} event
     */
    public record Options(ChainFields fields, int maxEventBytes, int maxStringBytes, int maxNestingDepth,
                          int minTornHashDigits) {

        public Options {
            if (maxEventBytes <= 0 || maxStringBytes <= 0 || maxNestingDepth <= 0 || minTornHashDigits < 16
                    || minTornHashDigits > 64) {
                throw new IllegalArgumentException("bad segment reader options");
            }
        }

        /** 4 MiB events, 1 MiB strings, {@link Limits#DEFAULT} nesting, 32 torn-hash digits. */
        public static Options defaults(ChainFields fields) {
            return new Options(fields, 4 << 20, 1 << 20, Limits.DEFAULT.maxNestingDepth(), 32);
        }

        public Options withMaxEventBytes(int v) {
            return new Options(fields, v, maxStringBytes, maxNestingDepth, minTornHashDigits);
        }

        public Options withMaxStringBytes(int v) {
            return new Options(fields, maxEventBytes, v, maxNestingDepth, minTornHashDigits);
        }

        public Options withMaxNestingDepth(int v) {
            return new Options(fields, maxEventBytes, maxStringBytes, v, minTornHashDigits);
        }
    }

    /** How the segment was laid out. */
    public enum Layout {
        /** A JSON array of events. */
        ARRAY,
        /** JSON Lines (or concatenated objects). */
        LINES,
        /** No structure recognised (empty, or only damage before the first event). */
        UNKNOWN
    }

    /**
     * What a read found.
     *
     * @param layout  array or lines
     * @param events  events returned (all statuses)
     * @param damages damages reported
     */
    public record Summary(Layout layout, int events, int damages) {
    }

    private final Options options;
    private final JsonCanonicalizer canonicalizer;
    private final byte[] hashKey;
    private final byte[][] captureKeys;
    private final String[] keptNames;

    public SegmentReader(Options options) {
        this.options = options;
        JsonFactory f = JsonCanonicalizer.newFactory(options.maxNestingDepth(), options.maxStringBytes());
        this.canonicalizer = new JsonCanonicalizer(f);
        ChainFields cf = options.fields();
        this.hashKey = JcsEngine.keyBytes(cf.hash());
        this.captureKeys = new byte[][] {JcsEngine.keyBytes(cf.id()), JcsEngine.keyBytes(cf.prev())};
        this.keptNames = new String[] {cf.hash(), cf.id(), cf.prev()};
    }

    /** The settings. */
    public Options options() {
        return options;
    }

    /** The canonicaliser used for events (same limits as the reader). */
    public JsonCanonicalizer canonicalizer() {
        return canonicalizer;
    }

    /** Reads every event of {@code src} in file order into {@code out}; damage goes to {@code sink}. */
    public Summary read(ByteSource src, DamageSink sink, Consumer<SegmentEvent> out) {
        Run r = new Run(src, sink, out);
        try {
            return r.run();
        } finally {
            r.release();
        }
    }

    /** Convenience: every event of {@code src}; damage goes to {@code sink}. */
    public List<SegmentEvent> readAll(ByteSource src, DamageSink sink) {
        List<SegmentEvent> list = new ArrayList<>();
        read(src, sink, list::add);
        return list;
    }

    /** Bytes read ahead for the fast path (events up to this size need one window). */
    private static final int FAST_WINDOW = 1 << 20;
    /** Largest window kept for the next read on the same thread. */
    private static final int CACHED_WINDOW_MAX = 4 << 20;

    /** One window per thread, reused from segment to segment (no large allocation per file). */
    private final ThreadLocal<byte[][]> windows = ThreadLocal.withInitial(() -> new byte[1][]);

    // ---- framing scanner results
    private static final int END = 0;          // balanced object; pos = one past '}'
    private static final int UNTERMINATED = 1; // input ended inside the object; pos = size
    private static final int INVALID = 2;      // a byte that cannot occur there; pos = that byte
    private static final int TOO_LONG = 3;     // over maxEventBytes; pos = where the limit was hit
    private static final int TOO_DEEP = 4;     // over maxNestingDepth; pos = the bracket that went over

    /** State of one read. */
    private final class Run {
        private final ByteSource src;
        private final String name;
        private final long size;
        private final DamageSink sink;
        private final Consumer<SegmentEvent> out;
        private final JcsEngine engine = canonicalizer.engine();
        private byte[] win;
        private long winBase = -1;
        private int winLen;
        private int index;
        private int damages;
        private int scanKind;
        private long scanPos;
        private String scanDetail;
        private Layout layout = Layout.UNKNOWN;
        private final boolean[] isObject;

        Run(ByteSource src, DamageSink sink, Consumer<SegmentEvent> out) {
            this.src = src;
            this.name = src.name();
            this.size = src.size();
            this.sink = sink;
            this.out = out;
            this.isObject = new boolean[options.maxNestingDepth() + 2];
            byte[][] cached = windows.get();
            this.win = cached[0] != null ? cached[0] : new byte[1 << 16];
            cached[0] = null; // a nested read on this thread gets its own
        }

        /** Gives the window back to this thread's cache (unless it grew large). */
        void release() {
            if (win.length <= CACHED_WINDOW_MAX) {
                windows.get()[0] = win;
            }
        }

        private int at(long pos) {
            if (pos < winBase || pos >= winBase + winLen) {
                winBase = pos;
                winLen = (int) Math.min(win.length, size - pos);
                src.read(pos, win, 0, winLen);
            }
            return win[(int) (pos - winBase)] & 0xff;
        }

        /** Makes the window hold [pos, pos + want) (want &lt;= size - pos), growing it when needed. */
        private void load(long pos, int want) {
            if (pos >= winBase && pos + want <= winBase + winLen) {
                return;
            }
            if (want > win.length) {
                win = new byte[Math.max(want, Math.min(options.maxEventBytes(), win.length * 2))];
            }
            winBase = pos;
            winLen = (int) Math.min(win.length, size - pos);
            src.read(pos, win, 0, winLen);
        }

        /**
         * Fast path for the common case, a valid event: canonicalises the object at {@code p} straight from the
         * window (one pass: no framing scan, no copy before parsing), hashing its canonical form. Returns the offset
         * after it, or -1 when it is not a valid event - then the general path below frames, classifies and
         * resynchronises exactly as if this had not been tried (a valid object is exactly what the framing scanner
         * delimits and the strict parser accepts).
         */
        private long fastEvent(long p) {
            long limit = Math.min(size, p + options.maxEventBytes());
            int want = (int) Math.min(limit - p, FAST_WINDOW);
            while (true) {
                load(p, want);
                int off = (int) (p - winBase);
                int stop = (int) Math.min(winLen, limit - winBase);
                int after;
                try {
                    after = engine.run(win, off, stop, hashKey, captureKeys, false, false);
                } catch (Malformed m) {
                    if (m.kind() == DamageKind.TRUNCATED && winBase + stop < limit) {
                        want = (int) Math.min(limit - p, 2L * (stop - off));
                        continue; // the window ended inside the event: read more
                    }
                    return -1;
                }
                byte[] raw = java.util.Arrays.copyOfRange(win, off, after);
                String sha = EventHash.sha256Hex(engine.out(), 0, engine.length());
                JsonCanonicalizer.Scalar[] cap = engine.captured();
                JsonCanonicalizer.Scalar[] kept = {engine.omitted(), cap[0], cap[1]};
                JsonCanonicalizer.Canonical c = new JsonCanonicalizer.Canonical(canonicalizer, raw,
                        options.fields().hash(), sha, keptNames, kept);
                emit(p, raw, SegmentEvent.Status.OK, c, storedHash(c), null);
                return p + raw.length;
            }
        }

        private long skipWs(long p) {
            while (p < size) {
                int b = at(p);
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    break;
                }
                p++;
            }
            return p;
        }

        private void damage(long off, long len, DamageKind kind, String expected, String actual, String detail) {
            damages++;
            sink.report(new Damage(name, off, len, kind, expected, actual, detail));
        }

        Summary run() {
            long p = 0;
            if (size >= 3 && at(0) == 0xef && at(1) == 0xbb && at(2) == 0xbf) {
                damage(0, 3, DamageKind.UNRECOGNISED, "'[' or '{'", "EF BB BF",
                        "UTF-8 byte order mark before the JSON text (RFC 8259 section 8.1 forbids it; skipped)");
                p = 3;
            }
            p = skipWs(p);
            if (p >= size) {
                return new Summary(layout, index, damages);
            }
            int first = at(p);
            if (first == '[') {
                layout = Layout.ARRAY;
                readArray(p + 1);
            } else {
                layout = first == '{' ? Layout.LINES : Layout.UNKNOWN;
                readLines(p);
            }
            return new Summary(layout, index, damages);
        }

        /** Array body after '['. */
        private void readArray(long p) {
            boolean expectEvent = true;   // after '[' or ','
            boolean sawComma = false;
            while (true) {
                p = skipWs(p);
                if (p >= size) {
                    damage(p, 0, DamageKind.TRUNCATED, "']'", "end of file",
                            "array not closed (file truncated after the last complete event)");
                    return;
                }
                int b = at(p);
                if (b == '{') {
                    if (!expectEvent) {
                        damage(p, 0, DamageKind.BAD_STRUCTURE, "','", "'{'", "missing ',' between events");
                    }
                    long next = event(p);
                    if (next < 0) {
                        return; // damage ran to the end of the file
                    }
                    p = next;
                    expectEvent = false;
                    sawComma = false;
                } else if (b == ',' && !expectEvent) {
                    p++;
                    expectEvent = true;
                    sawComma = true;
                } else if (b == ']') {
                    if (sawComma) {
                        damage(p - 1, 1, DamageKind.BAD_STRUCTURE, "event", "','", "trailing ',' before ']'");
                    }
                    trailing(p + 1);
                    return;
                } else {
                    // Garbage where an event or a separator belongs: resynchronise at the next plausible event.
                    long next = resync(p, p, DamageKind.UNRECOGNISED, "bytes that are not an event or a separator");
                    if (next < 0) {
                        return;
                    }
                    p = next;
                    expectEvent = false;
                    sawComma = false;
                }
            }
        }

        /** JSON Lines (also concatenated objects). */
        private void readLines(long p) {
            while (true) {
                p = skipWs(p);
                if (p >= size) {
                    return;
                }
                if (at(p) == '{') {
                    long next = event(p);
                    if (next < 0) {
                        return;
                    }
                    p = next;
                } else {
                    long next = resync(p, p, DamageKind.UNRECOGNISED, "bytes that are not an event");
                    if (next < 0) {
                        return;
                    }
                    p = next;
                }
            }
        }

        /** After the closing ']': only whitespace may follow. */
        private void trailing(long p) {
            p = skipWs(p);
            if (p >= size) {
                return;
            }
            // Anything after the array is damage; events found there (a second array appended, a log written on
            // top of an old one) are still returned.
            long next = resync(p, p, DamageKind.UNRECOGNISED, "data after the end of the array");
            while (next >= 0) {
                next = skipWs(next);
                if (next >= size) {
                    return;
                }
                next = resync(next, next, DamageKind.UNRECOGNISED, "data after the end of the array");
            }
        }

        /**
         * Reads the event starting at {@code p} ('{'). Returns the offset after it (or after the damage and the
         * next resynchronised event), or -1 when the rest of the file is damage.
         */
        private long event(long p) {
            long fast = fastEvent(p);
            if (fast >= 0) {
                return fast;
            }
            scan(p);
            if (scanKind == END) {
                long end = scanPos;
                byte[] raw = src.read(p, (int) (end - p));
                Object r = parse(raw);
                if (r instanceof JsonCanonicalizer.Canonical c) {
                    emit(p, raw, SegmentEvent.Status.OK, c, storedHash(c), null);
                    return end;
                }
                Malformed m = (Malformed) r;
                if (m.kind() != DamageKind.BAD_STRUCTURE && m.kind() != DamageKind.TRUNCATED) {
                    // A well-delimited object whose content cannot be hashed: keep its place, go on after it.
                    Damage d = new Damage(name, p, raw.length, m.kind(), null, null,
                            "event rejected: " + m.detail() + " at +" + m.position());
                    damages++;
                    sink.report(d);
                    emit(p, raw, SegmentEvent.Status.REJECTED, null, null, d);
                    return end;
                }
                // Balanced but not JSON: the span may swallow later events (a torn event followed by complete
                // ones can balance by accident), so resynchronise inside it.
                return failed(p, end, DamageKind.BAD_STRUCTURE, "event is not valid JSON: " + m.detail()
                        + " at +" + m.position(), p + 1);
            }
            DamageKind kind = switch (scanKind) {
                case UNTERMINATED -> DamageKind.TRUNCATED;
                case TOO_LONG, TOO_DEEP -> DamageKind.LIMIT_EXCEEDED;
                default -> DamageKind.BAD_STRUCTURE;
            };
            return failed(p, scanPos, kind, scanDetail, scanKind == TOO_DEEP ? scanPos : p + 1);
        }

        /** An event at {@code p} failed: salvage a torn hash if possible, then resynchronise. */
        private long failed(long p, long failAt, DamageKind kind, String detail, long resumeFrom) {
            long afterTorn = tornHash(p, failAt);
            long damageStart = afterTorn > 0 ? afterTorn : p;
            return resync(damageStart, Math.max(resumeFrom, damageStart), kind,
                    (afterTorn > 0 ? "event torn inside its hash member (content kept): " : "") + detail);
        }

        /**
         * Searches from {@code from} for the next plausible event; reports [{@code damageStart}, event) as damage
         * and returns the offset after that event, or reports [{@code damageStart}, EOF) and returns -1.
         */
        private long resync(long damageStart, long from, DamageKind kind, String detail) {
            long q = from;
            while (true) {
                q = nextCandidate(q);
                if (q < 0) {
                    reportRegion(damageStart, size, kind, detail);
                    return -1;
                }
                scan(q);
                if (scanKind == END) {
                    long end = scanPos;
                    byte[] raw = src.read(q, (int) (end - q));
                    Object r = parse(raw);
                    // Resync rule: accept only a complete, valid object with the chain's id and hash members.
                    if (r instanceof JsonCanonicalizer.Canonical c
                            && c.scalar(options.fields().id()) != null
                            && c.scalar(options.fields().hash()) != null) {
                        reportRegion(damageStart, q, kind, detail);
                        emit(q, raw, SegmentEvent.Status.OK, c, storedHash(c), null);
                        return end;
                    }
                    q++;
                } else if (scanKind == TOO_DEEP) {
                    // Every candidate before the failure point nests at least as deep: skip them all.
                    q = scanPos;
                } else {
                    q++;
                }
            }
        }

        /** Next offset >= q holding '{' followed (after whitespace) by '"', or -1. */
        private long nextCandidate(long q) {
            for (; q < size; q++) {
                if (at(q) == '{') {
                    long r = skipWs(q + 1);
                    if (r < size && at(r) == '"') {
                        return q;
                    }
                }
            }
            return -1;
        }

        /** Reports a damaged region, splitting off a trailing run of zero bytes (preallocated, never written). */
        private void reportRegion(long start, long end, DamageKind kind, String detail) {
            if (end <= start) {
                return;
            }
            long z = end;
            while (z > start && at(z - 1) == 0) {
                z--;
            }
            if (z > start) {
                damage(start, z - start, kind, null, null, detail);
            }
            if (z < end) {
                damage(z, end - z, DamageKind.ZEROED, null, null,
                        "zero bytes (preallocated or zero-filled tail, never written)");
            }
        }

        private void emit(long off, byte[] raw, SegmentEvent.Status st, JsonCanonicalizer.Canonical c, String hash,
                          Damage problem) {
            out.accept(new SegmentEvent(name, index++, off, raw.length, raw, st, c, hash, problem));
        }

        private String storedHash(JsonCanonicalizer.Canonical c) {
            JsonCanonicalizer.Scalar s = c.scalar(options.fields().hash());
            return s != null && s.isString() ? s.text() : null;
        }

        /** Strict UTF-8 check then Jackson + JCS; returns a Canonical or the Malformed. */
        private Object parse(byte[] raw) {
            int bad = Utf8.firstInvalid(raw, 0, raw.length);
            if (bad >= 0) {
                return new Malformed(DamageKind.BAD_RECORD, bad, "invalid UTF-8 byte 0x"
                        + Integer.toHexString(raw[bad] & 0xff));
            }
            try {
                return canonicalizer.canonicalize(raw, 0, raw.length, options.fields().hash());
            } catch (Malformed m) {
                return m;
            }
        }

        /**
         * The framing scanner: from '{' at {@code p}, finds the matching '}' honouring strings and escapes.
         * Sets scanKind/scanPos/scanDetail. Rejects bytes that cannot appear outside strings in JSON and raw
         * control characters inside strings (JSON escapes them), so a torn string cannot swallow the next line.
         */
        private void scan(long p) {
            int depth = 0;
            boolean inString = false;
            boolean escape = false;
            long limit = Math.min(size, p + options.maxEventBytes());
            for (long i = p; i < limit; i++) {
                int b = at(i);
                if (inString) {
                    if (escape) {
                        escape = false;
                    } else if (b == '\\') {
                        escape = true;
                    } else if (b == '"') {
                        inString = false;
                    } else if (b < 0x20) {
                        setScan(INVALID, i, String.format("raw control byte 0x%02x inside a string", b));
                        return;
                    }
                    continue;
                }
                switch (b) {
                    case '{', '[' -> {
                        if (++depth > options.maxNestingDepth()) {
                            setScan(TOO_DEEP, i, "nesting deeper than " + options.maxNestingDepth());
                            return;
                        }
                        isObject[depth] = b == '{';
                    }
                    case '}', ']' -> {
                        if (isObject[depth] != (b == '}')) {
                            setScan(INVALID, i, "'" + (char) b + "' closes a" + (isObject[depth] ? "n object"
                                    : "n array"));
                            return;
                        }
                        if (--depth == 0) {
                            setScan(END, i + 1, null);
                            return;
                        }
                    }
                    case '"' -> inString = true;
                    case ' ', '\t', '\n', '\r', ':', ',', '-', '+', '.', 'e', 'E', 't', 'r', 'u', 'f', 'a', 'l', 's',
                         'n', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                    }
                    default -> {
                        setScan(INVALID, i, b == 0 ? "zero byte inside an event"
                                : String.format("byte 0x%02x cannot occur outside a JSON string", b));
                        return;
                    }
                }
            }
            if (limit < size) {
                setScan(TOO_LONG, limit, "event longer than " + options.maxEventBytes() + " bytes (or never closed)");
            } else {
                setScan(UNTERMINATED, size, "event not closed before the end of the file (torn write)");
            }
        }

        private void setScan(int kind, long pos, String detail) {
            scanKind = kind;
            scanPos = pos;
            scanDetail = detail;
        }

        /**
         * Torn-hash salvage. For the failed object at {@code p} (failure at {@code failAt}), splits the intact
         * prefix into top-level members; if the last, unfinished member is the hash member, canonicalises the
         * members before it, and keeps the event when the SHA-256 of that content starts with the surviving hash
         * digits (at least {@link Options#minTornHashDigits()}). Returns the offset after the last surviving hash
         * digit, or -1 when nothing was salvaged.
         */
        private long tornHash(long p, long failAt) {
            long limit = Math.min(failAt, Math.min(size, p + options.maxEventBytes()));
            if (limit <= p + 1) {
                return -1;
            }
            byte[] raw = src.read(p, (int) (limit - p));
            // Split at top-level commas (depth 1, outside strings).
            int depth = 0;
            boolean inString = false;
            boolean escape = false;
            int lastComma = -1;
            for (int i = 0; i < raw.length; i++) {
                int b = raw[i] & 0xff;
                if (inString) {
                    if (escape) {
                        escape = false;
                    } else if (b == '\\') {
                        escape = true;
                    } else if (b == '"') {
                        inString = false;
                    }
                    continue;
                }
                if (b == '"') {
                    inString = true;
                } else if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                    if (depth <= 0) {
                        break; // the object closed: the failure is elsewhere (Jackson), not a torn member
                    }
                } else if (b == ',' && depth == 1) {
                    lastComma = i;
                }
            }
            int memberStart = lastComma < 0 ? 1 : lastComma + 1;
            byte[] key = ("\"" + options.fields().hash() + "\"").getBytes(StandardCharsets.UTF_8);
            int k = memberStart;
            while (k < raw.length && isWs(raw[k])) {
                k++;
            }
            if (k + key.length > raw.length || !startsWith(raw, k, key)) {
                return -1;
            }
            int v = k + key.length;
            while (v < raw.length && isWs(raw[v])) {
                v++;
            }
            if (v >= raw.length || raw[v] != ':') {
                return -1;
            }
            v++;
            while (v < raw.length && isWs(raw[v])) {
                v++;
            }
            if (v >= raw.length || raw[v] != '"') {
                return -1;
            }
            int h = v + 1;
            int e = h;
            while (e < raw.length && e - h < 64 && isHexLower(raw[e])) {
                e++;
            }
            String prefix = new String(raw, h, e - h, StandardCharsets.US_ASCII);
            if (prefix.length() < options.minTornHashDigits()) {
                return -1;
            }
            byte[] content = new byte[lastComma < 0 ? 2 : lastComma + 1];
            System.arraycopy(raw, 0, content, 0, content.length - 1);
            content[content.length - 1] = '}';
            Object r = parse(content);
            if (!(r instanceof JsonCanonicalizer.Canonical c)) {
                return -1;
            }
            String actual = c.sha256Hex();
            if (!actual.startsWith(prefix)) {
                return -1;
            }
            byte[] kept = java.util.Arrays.copyOf(raw, e);
            Damage d = new Damage(name, p, kept.length, DamageKind.TRUNCATED, "complete event", prefix.length()
                    + " of 64 hash digits", "event torn inside its hash member; content before it is complete"
                    + " (its SHA-256 starts with the surviving digits)");
            damages++;
            sink.report(d);
            emit(p, kept, SegmentEvent.Status.TORN_HASH, c, prefix, d);
            return p + e;
        }
    }

    private static boolean isWs(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean isHexLower(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
    }

    private static boolean startsWith(byte[] a, int off, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (a[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
