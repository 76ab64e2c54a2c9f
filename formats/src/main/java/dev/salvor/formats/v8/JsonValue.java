package dev.salvor.formats.v8;

import dev.salvor.formats.v8.JsValue.JsArray;
import dev.salvor.formats.v8.JsValue.JsArrayBuffer;
import dev.salvor.formats.v8.JsValue.JsArrayBufferView;
import dev.salvor.formats.v8.JsValue.JsBigInt;
import dev.salvor.formats.v8.JsValue.JsBoolean;
import dev.salvor.formats.v8.JsValue.JsBytes;
import dev.salvor.formats.v8.JsValue.JsDate;
import dev.salvor.formats.v8.JsValue.JsError;
import dev.salvor.formats.v8.JsValue.JsHostObject;
import dev.salvor.formats.v8.JsValue.JsList;
import dev.salvor.formats.v8.JsValue.JsMap;
import dev.salvor.formats.v8.JsValue.JsNumber;
import dev.salvor.formats.v8.JsValue.JsObject;
import dev.salvor.formats.v8.JsValue.JsObjectValue;
import dev.salvor.formats.v8.JsValue.JsRegExp;
import dev.salvor.formats.v8.JsValue.JsSet;
import dev.salvor.formats.v8.JsValue.JsString;
import dev.salvor.formats.v8.JsValue.JsWrapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a decoded value as JSON text, with the mapping documented in docs/browser-values.md for what JSON lacks:
 * <ul>
 *   <li>strings, finite numbers, booleans, null, plain objects and arrays without holes: themselves;</li>
 *   <li>everything else an object with a {@code "$type"} member: {@code undefined}, {@code number} (NaN,
 *       Infinity, -Infinity, -0 as "value"), {@code bigint} (decimal "value"), {@code Date} ("ms", "iso"),
 *       {@code RegExp} ("source", "flags"), {@code Map} ("entries": [[k, v]...]), {@code Set} ("values"),
 *       {@code Array} when it has holes or non-index properties ("length", "elements" by index, "properties"),
 *       wrappers ({@code Boolean Number String BigInt}, "value"), {@code ArrayBuffer} ("byteLength", "base64",
 *       "maxByteLength" when resizable), typed arrays ("length", "values", "byteOffset" when not 0,
 *       "lengthTracking", "bufferMaxByteLength"), {@code DataView} ("byteOffset", "byteLength", "base64"),
 *       {@code Error} ("name", "message", "stack", "cause"), Blink host objects by interface name;</li>
 *   <li>an object met a second time (a cycle or a shared reference) is {@code {"$ref": "#/json/pointer"}}, the
 *       RFC 6901 pointer (after "#") to where it was rendered first;</li>
 *   <li>an object key starting with "$" gets one more "$", so user keys never look like the mapping's;</li>
 *   <li>an undecodable value is {@code {"$type": "undecodable", "reason", "offset", "in", "base64"}}.</li>
 * </ul>
 * Rendering is iterative in nothing but its own recursion, bounded by the decoder's nesting limit.
 */
public final class JsonValue {
    private final StringBuilder out;
    private final Map<JsObjectValue, Path> seen = new IdentityHashMap<>();

    /**
     * Where a value is rendered: its parent and its member name or array index. Kept as a chain and turned into
     * text only for a {@code $ref}, so rendering builds no pointer strings for the values nobody refers to.
     */
    private static final class Path {
        final Path parent;
        final String key;
        final long index;

        Path(Path parent, String key, long index) {
            this.parent = parent;
            this.key = key;
            this.index = index;
        }

        Path child(String k) {
            return new Path(this, k, -1);
        }

        Path child(long i) {
            return new Path(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return "#";
            }
            return ptr(parent.toString(), key != null ? key : Long.toString(index));
        }
    }

    private static final Path ROOT = new Path(null, null, -1);

    private JsonValue(StringBuilder out) {
        this.out = out;
    }

    /** The JSON text of a decoded value, or of the undecodable marker. */
    public static String toJson(DecodedValue v) {
        StringBuilder b = new StringBuilder(64);
        appendTo(v, b);
        return b.toString();
    }

    /** The JSON text of a value. */
    public static String toJson(JsValue v) {
        StringBuilder b = new StringBuilder(64);
        new JsonValue(b).value(v, ROOT);
        return b.toString();
    }

    /** The JSON as UTF-8 bytes (lone surrogates are escaped, so the bytes are always valid UTF-8). */
    public static byte[] toUtf8(DecodedValue v) {
        return toJson(v).getBytes(StandardCharsets.UTF_8);
    }

    public static void appendTo(DecodedValue v, StringBuilder b) {
        JsonValue w = new JsonValue(b);
        if (v.decoded()) {
            w.value(v.value(), ROOT);
            return;
        }
        b.append("{\"$type\":\"undecodable\",\"reason\":");
        w.string(v.reason());
        b.append(",\"offset\":").append(v.reasonOffset());
        b.append(",\"in\":");
        w.string(v.reasonIn() == null ? "record" : v.reasonIn());
        b.append(",\"base64\":\"").append(Base64.getEncoder().encodeToString(v.raw())).append("\"}");
    }

    private void value(JsValue v, Path path) {
        if (v instanceof JsString s) {
            string(s.value());
        } else if (v instanceof JsNumber n) {
            number(n.value());
        } else if (v instanceof JsBoolean b) {
            out.append(b.value() ? "true" : "false");
        } else if (v == JsValue.NULL) {
            out.append("null");
        } else if (v == JsValue.UNDEFINED || v == JsValue.HOLE) {
            out.append("{\"$type\":\"").append(v == JsValue.HOLE ? "hole" : "undefined").append("\"}");
        } else if (v instanceof JsBigInt b) {
            bigint(b.value());
        } else if (v instanceof JsBytes b) {
            out.append('"').append(Base64.getEncoder().encodeToString(b.bytes())).append('"');
        } else if (v instanceof JsList l) {
            List<JsValue> items = l.items();
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(items.get(i), path.child(i));
            }
            out.append(']');
        } else if (v instanceof JsObjectValue o) {
            Path first = seen.get(o);
            if (first != null) {
                out.append("{\"$ref\":");
                string(first.toString());
                out.append('}');
                return;
            }
            if (o.id() >= 0) {
                seen.put(o, path);
            }
            object(o, path);
        } else {
            throw new IllegalStateException("unknown value class " + v.getClass());
        }
    }

    private void object(JsObjectValue o, Path path) {
        if (o instanceof JsObject obj) {
            out.append('{');
            members(obj.properties(), path, true);
            out.append('}');
        } else if (o instanceof JsArray a) {
            array(a, path);
        } else if (o instanceof JsDate d) {
            double ms = d.millis();
            out.append("{\"$type\":\"Date\",\"ms\":");
            number(ms);
            out.append(",\"iso\":");
            String iso = iso(ms);
            if (iso == null) {
                out.append("null");
            } else {
                string(iso);
            }
            out.append('}');
        } else if (o instanceof JsRegExp r) {
            out.append("{\"$type\":\"RegExp\",\"source\":");
            string(r.source());
            out.append(",\"flags\":");
            string(RegExpFlags.letters(r.flags()));
            out.append('}');
        } else if (o instanceof JsMap m) {
            out.append("{\"$type\":\"Map\",\"entries\":[");
            Path base = path.child("entries");
            for (int i = 0; i < m.entries().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                Path p = base.child(i);
                out.append('[');
                value(m.entries().get(i)[0], p.child(0));
                out.append(',');
                value(m.entries().get(i)[1], p.child(1));
                out.append(']');
            }
            out.append("]}");
        } else if (o instanceof JsSet s) {
            out.append("{\"$type\":\"Set\",\"values\":[");
            Path base = path.child("values");
            for (int i = 0; i < s.values().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(s.values().get(i), base.child(i));
            }
            out.append("]}");
        } else if (o instanceof JsWrapper w) {
            out.append("{\"$type\":");
            string(w.kind());
            out.append(",\"value\":");
            if (w.value() instanceof JsBigInt b) {
                string(b.value().toString());
            } else {
                value(w.value(), path.child("value"));
            }
            out.append('}');
        } else if (o instanceof JsArrayBuffer b) {
            out.append("{\"$type\":\"ArrayBuffer\",\"byteLength\":").append(b.bytes().length);
            out.append(",\"base64\":\"").append(Base64.getEncoder().encodeToString(b.bytes())).append('"');
            if (b.resizable()) {
                out.append(",\"maxByteLength\":").append(b.maxByteLength());
            }
            out.append('}');
        } else if (o instanceof JsArrayBufferView v) {
            view(v);
        } else if (o instanceof JsError e) {
            out.append("{\"$type\":\"Error\",\"name\":");
            string(e.name());
            if (e.message() != null) {
                out.append(",\"message\":");
                string(e.message());
            }
            if (e.stack() != null) {
                out.append(",\"stack\":");
                string(e.stack());
            }
            if (e.cause() != null) {
                out.append(",\"cause\":");
                value(e.cause(), path.child("cause"));
            }
            out.append('}');
        } else if (o instanceof JsHostObject h) {
            out.append('{');
            boolean first = true;
            if (h.type() != null) {
                out.append("\"$type\":");
                string(h.type());
                first = false;
            }
            for (Map.Entry<String, JsValue> m : h.members().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(m.getKey());
                out.append(':');
                value(m.getValue(), path.child(m.getKey()));
            }
            out.append('}');
        } else {
            throw new IllegalStateException("unknown object class " + o.getClass());
        }
    }

    private void members(Map<String, JsValue> props, Path path, boolean leading) {
        boolean first = leading;
        for (Map.Entry<String, JsValue> m : props.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            String key = escapeKey(m.getKey());
            string(key);
            out.append(':');
            value(m.getValue(), path.child(key));
        }
    }

    private void array(JsArray a, Path path) {
        Map<Long, JsValue> elements = a.elements();
        if (elements.size() == a.length() && a.properties().isEmpty()) {
            out.append('[');
            long i = 0;
            for (JsValue e : elements.values()) {
                if (i > 0) {
                    out.append(',');
                }
                value(e, path.child(i));
                i++;
            }
            out.append(']');
            return;
        }
        out.append("{\"$type\":\"Array\",\"length\":").append(a.length()).append(",\"elements\":{");
        Path base = path.child("elements");
        boolean first = true;
        for (Map.Entry<Long, JsValue> e : elements.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            String key = Long.toString(e.getKey());
            string(key);
            out.append(':');
            value(e.getValue(), base.child(e.getKey()));
        }
        out.append("},\"properties\":{");
        members(a.properties(), path.child("properties"), true);
        out.append("}}");
    }

    private void view(JsArrayBufferView v) {
        byte[] b = v.buffer().bytes();
        int off = v.byteOffset();
        ViewKind k = v.kind();
        // A length-tracking view (flag bit 0) covers its buffer from its offset to the end, whatever length was
        // written (V8 writes 0); the rest of its length is whole elements.
        int len = v.lengthTracking() ? (b.length - off) / k.elementSize() * k.elementSize() : v.byteLength();
        out.append("{\"$type\":\"").append(k.jsName()).append('"');
        if (k == ViewKind.DATA_VIEW) {
            out.append(",\"byteOffset\":").append(off).append(",\"byteLength\":").append(len);
            out.append(",\"base64\":\"");
            out.append(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(b, off, off + len)));
            out.append("\"}");
            return;
        }
        int n = len / k.elementSize();
        out.append(",\"length\":").append(n).append(",\"values\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            int p = off + i * k.elementSize();
            switch (k) {
                case INT8 -> out.append(b[p]);
                case UINT8, UINT8_CLAMPED -> out.append(b[p] & 0xff);
                case INT16 -> out.append((short) le(b, p, 2));
                case UINT16 -> out.append(le(b, p, 2));
                case INT32 -> out.append((int) le(b, p, 4));
                case UINT32 -> out.append(le(b, p, 4));
                case FLOAT16 -> number(half((int) le(b, p, 2)));
                case FLOAT32 -> number(Float.intBitsToFloat((int) le(b, p, 4)));
                case FLOAT64 -> number(Double.longBitsToDouble(le(b, p, 8)));
                case BIGINT64 -> string(Long.toString(le(b, p, 8)));
                case BIGUINT64 -> string(Long.toUnsignedString(le(b, p, 8)));
                default -> throw new IllegalStateException(k.name());
            }
        }
        out.append(']');
        if (off != 0) {
            out.append(",\"byteOffset\":").append(off);
        }
        if (v.lengthTracking()) {
            out.append(",\"lengthTracking\":true");
        }
        if (v.buffer().resizable()) {
            out.append(",\"bufferMaxByteLength\":").append(v.buffer().maxByteLength());
        }
        out.append('}');
    }

    private static long le(byte[] b, int p, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }

    /** IEEE 754 binary16 to double. */
    static double half(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1f;
        int frac = h & 0x3ff;
        double v;
        if (exp == 0) {
            v = frac * Math.pow(2, -24);
        } else if (exp == 31) {
            v = frac == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = (1 + frac / 1024.0) * Math.pow(2, exp - 15);
        }
        return sign == 1 ? -v : v;
    }

    private void number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d) || (d == 0 && 1 / d < 0)) {
            out.append("{\"$type\":\"number\",\"value\":\"")
                    .append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : "-0")
                    .append("\"}");
            return;
        }
        out.append(JsNumbers.toJsString(d));
    }

    private void bigint(BigInteger b) {
        out.append("{\"$type\":\"bigint\",\"value\":\"").append(b).append("\"}");
    }

    /** Date.prototype.toISOString's text, or null for an invalid date (NaN or beyond ±8.64e15 ms). */
    public static String iso(double ms) {
        if (Double.isNaN(ms) || Math.abs(ms) > 8.64e15) {
            return null;
        }
        long t = (long) ms;
        LocalDateTime d = LocalDateTime.ofEpochSecond(Math.floorDiv(t, 1000L), (int) Math.floorMod(t, 1000L) * 1_000_000,
                ZoneOffset.UTC);
        int y = d.getYear();
        StringBuilder b = new StringBuilder(27);
        if (y >= 0 && y <= 9999) {
            pad(b, y, 4);
        } else {
            b.append(y < 0 ? '-' : '+');
            pad(b, Math.abs(y), 6);
        }
        pad(b.append('-'), d.getMonthValue(), 2);
        pad(b.append('-'), d.getDayOfMonth(), 2);
        pad(b.append('T'), d.getHour(), 2);
        pad(b.append(':'), d.getMinute(), 2);
        pad(b.append(':'), d.getSecond(), 2);
        pad(b.append('.'), d.getNano() / 1_000_000, 3);
        return b.append('Z').toString();
    }

    private static void pad(StringBuilder b, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        b.append(s);
    }

    static String escapeKey(String key) {
        return key.startsWith("$") ? "$" + key : key;
    }

    /** Appends one RFC 6901 reference token to a pointer. */
    static String ptr(String path, String token) {
        if (token.indexOf('~') < 0 && token.indexOf('/') < 0) {
            return path + "/" + token;
        }
        return path + "/" + token.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON string: quotes, backslash and controls escaped, lone surrogates as {@code \\uXXXX}. */
    private void string(String s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> hex(c);
                }
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    out.append(c).append(s.charAt(++i));
                } else {
                    hex(c);
                }
            } else if (Character.isLowSurrogate(c)) {
                hex(c);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private void hex(char c) {
        out.append("\\u");
        String h = Integer.toHexString(c);
        for (int i = h.length(); i < 4; i++) {
            out.append('0');
        }
        out.append(h);
    }
}
