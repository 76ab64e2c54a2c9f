package dev.salvor.formats.v8;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JavaScript value as V8's ValueSerializer and Blink wrote it: the model {@link V8Deserializer} builds and
 * {@link JsonValue} renders. Primitives are immutable; objects (everything V8 gives an object id) are
 * {@link JsObjectValue}s, filled while they are read, so a back-reference ({@code ^id}) can point at an object that
 * is still open: cycles are the same Java object reached twice.
 */
public abstract class JsValue {
    JsValue() {
    }

    /** {@code undefined}. */
    public static final JsValue UNDEFINED = new Oddball("undefined");
    /** {@code null}. */
    public static final JsValue NULL = new Oddball("null");
    /** The hole of a dense array ({@code -}): an index that has no element. */
    public static final JsValue HOLE = new Oddball("hole");
    public static final JsValue TRUE = new JsBoolean(true);
    public static final JsValue FALSE = new JsBoolean(false);

    /** undefined, null, the hole. */
    public static final class Oddball extends JsValue {
        private final String name;

        Oddball(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final class JsBoolean extends JsValue {
        private final boolean value;

        JsBoolean(boolean value) {
            this.value = value;
        }

        public boolean value() {
            return value;
        }
    }

    /** A number: V8 writes small integers as {@code I}/{@code U} and others as doubles; JavaScript has one type. */
    public static final class JsNumber extends JsValue {
        private final double value;

        public JsNumber(double value) {
            this.value = value;
        }

        public double value() {
            return value;
        }
    }

    public static final class JsBigInt extends JsValue {
        private final BigInteger value;

        public JsBigInt(BigInteger value) {
            this.value = value;
        }

        public BigInteger value() {
            return value;
        }
    }

    /** A string; UTF-16 code units as JavaScript sees them (a lone surrogate stays one). */
    public static final class JsString extends JsValue {
        private final String value;

        public JsString(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** Everything V8 numbers with an object id (objects, arrays, dates, maps, buffers, errors, host objects). */
    public abstract static class JsObjectValue extends JsValue {
        private final int id;

        JsObjectValue(int id) {
            this.id = id;
        }

        /** The object id V8 gave it in serialization order (the target of {@code ^} back-references). */
        public int id() {
            return id;
        }
    }

    /** A plain object: its own enumerable properties in serialization order, keys as JavaScript strings. */
    public static final class JsObject extends JsObjectValue {
        final Map<String, JsValue> properties = new LinkedHashMap<>();

        JsObject(int id) {
            super(id);
        }

        public Map<String, JsValue> properties() {
            return properties;
        }
    }

    /**
     * An array, dense ({@code A}: elements by position, {@link #HOLE} where none) or sparse ({@code a}: only the
     * indexes present). {@link #elements()} maps each present index to its value in ascending order either way;
     * {@link #properties()} holds the non-index properties.
     */
    public static final class JsArray extends JsObjectValue {
        private final long length;
        private final boolean sparse;
        final Map<Long, JsValue> elements = new java.util.TreeMap<>();
        final Map<String, JsValue> properties = new LinkedHashMap<>();

        JsArray(int id, long length, boolean sparse) {
            super(id);
            this.length = length;
            this.sparse = sparse;
        }

        public long length() {
            return length;
        }

        /** True when written as a sparse array ({@code a}), false for a dense one ({@code A}). */
        public boolean sparse() {
            return sparse;
        }

        public Map<Long, JsValue> elements() {
            return elements;
        }

        public Map<String, JsValue> properties() {
            return properties;
        }
    }

    /** A Date: milliseconds since 1970-01-01 UTC, NaN for an invalid date. */
    public static final class JsDate extends JsObjectValue {
        private final double millis;

        JsDate(int id, double millis) {
            super(id);
            this.millis = millis;
        }

        public double millis() {
            return millis;
        }
    }

    /** A RegExp: its source and V8's flag bits ({@link RegExpFlags}). */
    public static final class JsRegExp extends JsObjectValue {
        private final String source;
        private final int flags;

        JsRegExp(int id, String source, int flags) {
            super(id);
            this.source = source;
            this.flags = flags;
        }

        public String source() {
            return source;
        }

        public int flags() {
            return flags;
        }
    }

    /** A Map: its entries in insertion order. */
    public static final class JsMap extends JsObjectValue {
        final List<JsValue[]> entries = new ArrayList<>();

        JsMap(int id) {
            super(id);
        }

        public List<JsValue[]> entries() {
            return entries;
        }
    }

    /** A Set: its values in insertion order. */
    public static final class JsSet extends JsObjectValue {
        final List<JsValue> values = new ArrayList<>();

        JsSet(int id) {
            super(id);
        }

        public List<JsValue> values() {
            return values;
        }
    }

    /** A primitive wrapper object: {@code new Number(1)}, {@code new String("s")}, {@code Object(1n)}... */
    public static final class JsWrapper extends JsObjectValue {
        private final String kind;
        private final JsValue value;

        JsWrapper(int id, String kind, JsValue value) {
            super(id);
            this.kind = kind;
            this.value = value;
        }

        /** Boolean, Number, String or BigInt. */
        public String kind() {
            return kind;
        }

        public JsValue value() {
            return value;
        }
    }

    /** An ArrayBuffer, fixed ({@code B}) or resizable ({@code ~}, with its maximum length). */
    public static final class JsArrayBuffer extends JsObjectValue {
        private final byte[] bytes;
        private final long maxByteLength;

        JsArrayBuffer(int id, byte[] bytes, long maxByteLength) {
            super(id);
            this.bytes = bytes;
            this.maxByteLength = maxByteLength;
        }

        public byte[] bytes() {
            return bytes;
        }

        public boolean resizable() {
            return maxByteLength >= 0;
        }

        /** The maximum byte length of a resizable buffer, -1 for a fixed one. */
        public long maxByteLength() {
            return maxByteLength;
        }
    }

    /** A typed array or DataView over a buffer ({@code V} after the buffer). */
    public static final class JsArrayBufferView extends JsObjectValue {
        private final ViewKind kind;
        private final JsArrayBuffer buffer;
        private final int byteOffset;
        private final int byteLength;
        private final int flags;

        JsArrayBufferView(int id, ViewKind kind, JsArrayBuffer buffer, int byteOffset, int byteLength, int flags) {
            super(id);
            this.kind = kind;
            this.buffer = buffer;
            this.byteOffset = byteOffset;
            this.byteLength = byteLength;
            this.flags = flags;
        }

        public ViewKind kind() {
            return kind;
        }

        public JsArrayBuffer buffer() {
            return buffer;
        }

        public int byteOffset() {
            return byteOffset;
        }

        public int byteLength() {
            return byteLength;
        }

        /** True when the view tracks the length of a resizable buffer (flag bit 0, format version 14+). */
        public boolean lengthTracking() {
            return (flags & 1) != 0;
        }

        /** True when the view is backed by a resizable buffer (flag bit 1). */
        public boolean backedByResizable() {
            return (flags & 2) != 0;
        }
    }

    /** An Error: its prototype's name, and message, stack and cause when written. */
    public static final class JsError extends JsObjectValue {
        String name = "Error";
        String message;
        String stack;
        JsValue cause;

        JsError(int id) {
            super(id);
        }

        public String name() {
            return name;
        }

        /** The message, or null when the error had none. */
        public String message() {
            return message;
        }

        public String stack() {
            return stack;
        }

        /** The cause, or null when the error had none. */
        public JsValue cause() {
            return cause;
        }
    }

    /**
     * A Blink host object (Blob, File, CryptoKey, DOMPoint, ImageData...): its interface name and its members in
     * a fixed order, each a {@link JsValue} (byte arrays become {@link JsBytes}).
     */
    public static final class JsHostObject extends JsObjectValue {
        private final String type;
        final Map<String, JsValue> members = new LinkedHashMap<>();

        JsHostObject(int id, String type) {
            super(id);
            this.type = type;
        }

        public String type() {
            return type;
        }

        public Map<String, JsValue> members() {
            return members;
        }

        JsHostObject put(String name, JsValue value) {
            members.put(name, value);
            return this;
        }

        JsHostObject put(String name, String value) {
            return put(name, new JsString(value));
        }

        JsHostObject put(String name, double value) {
            return put(name, new JsNumber(value));
        }
    }

    /** Raw bytes inside a host object (key data, pixels, a blob file's content): rendered as base64. */
    public static final class JsBytes extends JsValue {
        private final byte[] bytes;

        JsBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        public byte[] bytes() {
            return bytes;
        }
    }

    /** A list of values inside a host object (a FileList's files, a matrix's numbers, key usages). */
    public static final class JsList extends JsValue {
        final List<JsValue> items;

        JsList(List<JsValue> items) {
            this.items = items;
        }

        public List<JsValue> items() {
            return items;
        }
    }
}
