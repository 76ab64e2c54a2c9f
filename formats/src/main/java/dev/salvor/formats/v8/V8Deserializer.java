package dev.salvor.formats.v8;

import dev.salvor.formats.v8.JsValue.JsArray;
import dev.salvor.formats.v8.JsValue.JsArrayBuffer;
import dev.salvor.formats.v8.JsValue.JsArrayBufferView;
import dev.salvor.formats.v8.JsValue.JsBigInt;
import dev.salvor.formats.v8.JsValue.JsDate;
import dev.salvor.formats.v8.JsValue.JsError;
import dev.salvor.formats.v8.JsValue.JsMap;
import dev.salvor.formats.v8.JsValue.JsNumber;
import dev.salvor.formats.v8.JsValue.JsObject;
import dev.salvor.formats.v8.JsValue.JsObjectValue;
import dev.salvor.formats.v8.JsValue.JsRegExp;
import dev.salvor.formats.v8.JsValue.JsSet;
import dev.salvor.formats.v8.JsValue.JsString;
import dev.salvor.formats.v8.JsValue.JsWrapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one value of V8's ValueSerializer format (the part after {@code FF <version>}), versions 13 to 16 (older
 * ones as far as they agree), into a {@link JsValue}. The rules follow V8's {@code ValueDeserializer}:
 * <ul>
 *   <li>objects get ids in the order their tags are read ({@code o A a D y x n z s R ; ' B ~ V r \}); a
 *       back-reference {@code ^id} returns the object with that id, which may still be open (a cycle);</li>
 *   <li>an ArrayBuffer followed by {@code V} is the buffer of a typed array or DataView, which gets the next id;</li>
 *   <li>objects end with their property count (after <code>{</code>), arrays with property count and length, maps with
 *       twice their entry count, sets with their size: each must match what was read;</li>
 *   <li>{@code \} hands the bytes to the embedder (Blink: {@link BlinkHostObjects}); before version 13 every
 *       unknown tag did.</li>
 * </ul>
 * Nothing is allocated from a count before the bytes behind it are known to exist, and nesting is bounded
 * ({@link #MAX_DEPTH}) so a hostile value ends in a reason, not a stack overflow.
 */
public final class V8Deserializer {
    /** Deepest nesting of objects read; V8 itself stops at its stack limit, far deeper than real data goes. */
    public static final int MAX_DEPTH = 400;

    /** Reads a Blink host object after {@code \} (or after an unknown tag before version 13). */
    interface HostObjectReader {
        JsValue read(V8Cursor in, int id, int v8Version) throws UndecodableValueException;
    }

    private final V8Cursor in;
    private final int version;
    private final HostObjectReader host;
    private final List<JsObjectValue> objects = new ArrayList<>();
    private int nextId;
    private int depth;

    V8Deserializer(V8Cursor in, int version, HostObjectReader host) {
        this.in = in;
        this.version = version;
        this.host = host;
    }

    /** Reads the one top-level value. */
    JsValue readValue() throws UndecodableValueException {
        return readObject();
    }

    private JsValue readObject() throws UndecodableValueException {
        if (++depth > MAX_DEPTH) {
            throw new UndecodableValueException("nesting: actual=more than " + MAX_DEPTH + " levels vs expected=at most "
                    + MAX_DEPTH, in.position());
        }
        try {
            JsValue v = readObjectInternal();
            // An ArrayBuffer (read or referenced) followed by V is the buffer of a view: the view is the value.
            if (v instanceof JsArrayBuffer buffer && in.peekTag() == 'V') {
                in.readTag();
                v = readView(buffer);
            }
            return v;
        } finally {
            depth--;
        }
    }

    private JsValue readObjectInternal() throws UndecodableValueException {
        int at = in.position();
        int tag = in.readTag();
        switch (tag) {
            case '?': // kVerifyObjectCount: a count V8 once checked; ignored
                in.varint32();
                return readObject();
            case '_':
                return JsValue.UNDEFINED;
            case '0':
                return JsValue.NULL;
            case 'T':
                return JsValue.TRUE;
            case 'F':
                return JsValue.FALSE;
            case 'I':
                return new JsNumber(in.zigZag32());
            case 'U':
                return new JsNumber(in.varint32());
            case 'N':
                return new JsNumber(in.doubleLE());
            case 'Z':
                return readBigInt();
            case 'S':
                return new JsString(in.utf8(in.varint32()));
            case '"':
                return new JsString(in.latin1(in.varint32()));
            case 'c':
                return new JsString(in.utf16le(in.varint32()));
            case '^':
                return reference(at);
            case 'o':
                return readJsObject();
            case 'a':
                return readSparseArray();
            case 'A':
                return readDenseArray();
            case 'D': {
                int id = nextId++;
                return register(new JsDate(id, in.doubleLE()));
            }
            case 'y':
            case 'x':
            case 'n':
            case 'z':
            case 's':
                return readWrapper(tag);
            case 'R':
                return readRegExp(at);
            case ';':
                return readMap(at);
            case '\'':
                return readSet(at);
            case 'B':
                return readArrayBuffer(false);
            case '~':
                return readArrayBuffer(true);
            case 'r':
                return readError(at);
            case '\\':
                return readHost();
            case 't':
            case 'u':
            case 'p':
            case 'w':
            case 'm':
                throw new UndecodableValueException("tag '" + (char) tag + "': actual=a transferred or shared object "
                        + "(ArrayBuffer transfer, SharedArrayBuffer, shared object or WebAssembly) vs expected=a value "
                        + "IndexedDB can store", at);
            default:
                if (version < 13) {
                    // Before version 13 there was no host-object tag: every unknown tag was the embedder's.
                    in.seek(at);
                    return readHostAt(at);
                }
                throw new UndecodableValueException("tag: actual=0x" + Integer.toHexString(tag)
                        + " vs expected=a V8 serialization tag", at);
        }
    }

    private JsValue reference(int at) throws UndecodableValueException {
        long id = in.varint32();
        if (id >= objects.size() || objects.get((int) id) == null) {
            throw new UndecodableValueException("back-reference: actual=object id " + id + " vs expected=one of the "
                    + objects.size() + " objects read so far", at);
        }
        return objects.get((int) id);
    }

    private <T extends JsObjectValue> T register(T value) {
        int id = value.id();
        while (objects.size() <= id) {
            objects.add(null);
        }
        objects.set(id, value);
        return value;
    }

    private JsBigInt readBigInt() throws UndecodableValueException {
        long bitfield = in.varint32();
        // V8's bitfield: bit 0 the sign, bits 1-30 the length of the little-endian digits in bytes.
        int byteLength = (int) ((bitfield >>> 1) & 0x3fffffff);
        byte[] digits = in.bytes(byteLength, "BigInt digits");
        byte[] be = new byte[digits.length + 1];
        for (int i = 0; i < digits.length; i++) {
            be[be.length - 1 - i] = digits[i];
        }
        BigInteger magnitude = new BigInteger(be);
        return new JsBigInt((bitfield & 1) != 0 ? magnitude.negate() : magnitude);
    }

    private JsObject readJsObject() throws UndecodableValueException {
        JsObject object = register(new JsObject(nextId++));
        long count = readProperties('{', object.properties, null);
        int at = in.position();
        long expected = in.varint32();
        if (expected != count) {
            throw new UndecodableValueException("object property count: actual=" + count + " read vs expected="
                    + expected + " (written after '{')", at);
        }
        return object;
    }

    private JsArray readSparseArray() throws UndecodableValueException {
        long length = in.varint32();
        JsArray array = register(new JsArray(nextId++, length, true));
        long count = readProperties('@', array.properties, array);
        checkArrayEnd(count, length, '@');
        return array;
    }

    private JsArray readDenseArray() throws UndecodableValueException {
        int at = in.position();
        long length = in.varint32();
        // Each element takes at least one byte: a longer array than the bytes left cannot be real (V8's own check).
        if (length > in.remaining()) {
            throw new UndecodableValueException("dense array length: actual=" + length + " vs expected=at most "
                    + in.remaining() + " (bytes left)", at);
        }
        JsArray array = register(new JsArray(nextId++, length, false));
        for (long i = 0; i < length; i++) {
            if (in.peekTag() == '-') {
                in.readTag();
                continue;
            }
            JsValue element = readObject();
            if (version < 11 && element == JsValue.UNDEFINED) {
                continue; // before version 11 the hole was written as undefined
            }
            array.elements.put(i, element);
        }
        long count = readProperties('$', array.properties, array);
        checkArrayEnd(count, length, '$');
        return array;
    }

    private void checkArrayEnd(long count, long length, char end) throws UndecodableValueException {
        int at = in.position();
        long expectedCount = in.varint32();
        long expectedLength = in.varint32();
        if (expectedCount != count || expectedLength != length) {
            throw new UndecodableValueException("array end '" + end + "': actual=" + count + " properties, length "
                    + length + " vs expected=" + expectedCount + " properties, length " + expectedLength, at);
        }
    }

    /**
     * Key/value pairs up to the end tag. Keys are strings or numbers (V8 refuses anything else); for arrays an
     * array-index key goes to the elements, others to the properties.
     */
    private long readProperties(int endTag, java.util.Map<String, JsValue> properties, JsArray array)
            throws UndecodableValueException {
        long count = 0;
        while (true) {
            int tag = in.peekTag();
            if (tag == endTag) {
                in.readTag();
                return count;
            }
            int at = in.position();
            JsValue key = readObject();
            String name;
            long index = -1;
            if (key instanceof JsString s) {
                name = s.value();
                index = JsNumbers.arrayIndex(name);
            } else if (key instanceof JsNumber n) {
                name = JsNumbers.toJsString(n.value());
                index = JsNumbers.arrayIndex(name);
            } else {
                throw new UndecodableValueException("property key: actual=" + describe(key)
                        + " vs expected=a string or a number", at);
            }
            JsValue value = readObject();
            if (array != null && index >= 0) {
                array.elements.put(index, value);
            } else {
                properties.put(name, value);
            }
            count++;
        }
    }

    private JsWrapper readWrapper(int tag) throws UndecodableValueException {
        int id = nextId++;
        JsWrapper w = switch (tag) {
            case 'y' -> new JsWrapper(id, "Boolean", JsValue.TRUE);
            case 'x' -> new JsWrapper(id, "Boolean", JsValue.FALSE);
            case 'n' -> new JsWrapper(id, "Number", new JsNumber(in.doubleLE()));
            case 'z' -> new JsWrapper(id, "BigInt", readBigInt());
            default -> new JsWrapper(id, "String", new JsString(readString()));
        };
        return register(w);
    }

    /** A string where V8 expects one (regexp source, error message): any string tag from version 12 on. */
    private String readString() throws UndecodableValueException {
        if (version < 12) {
            return in.utf8(in.varint32());
        }
        int at = in.position();
        int tag = in.readTag();
        return switch (tag) {
            case 'S' -> in.utf8(in.varint32());
            case '"' -> in.latin1(in.varint32());
            case 'c' -> in.utf16le(in.varint32());
            default -> throw new UndecodableValueException("string: actual=tag 0x" + Integer.toHexString(tag)
                    + " vs expected=a string tag (S, \", c)", at);
        };
    }

    private JsRegExp readRegExp(int at) throws UndecodableValueException {
        int id = nextId++;
        String source = readString();
        long flags = in.varint32();
        if ((flags & ~RegExpFlags.ALL) != 0) {
            throw new UndecodableValueException("RegExp flags: actual=0x" + Long.toHexString(flags)
                    + " vs expected=bits of 0x" + Integer.toHexString(RegExpFlags.ALL), at);
        }
        return register(new JsRegExp(id, source, (int) flags));
    }

    private JsMap readMap(int at) throws UndecodableValueException {
        JsMap map = register(new JsMap(nextId++));
        long length = 0;
        while (in.peekTag() != ':') {
            if (in.atEnd()) {
                throw new UndecodableValueException("Map: actual=end of data vs expected=':' after its entries", at);
            }
            JsValue key = readObject();
            JsValue value = readObject();
            map.entries.add(new JsValue[] {key, value});
            length += 2;
        }
        in.readTag();
        int endAt = in.position();
        long expected = in.varint32();
        if (expected != length) {
            throw new UndecodableValueException("Map length: actual=" + length + " vs expected=" + expected
                    + " (keys plus values)", endAt);
        }
        return map;
    }

    private JsSet readSet(int at) throws UndecodableValueException {
        JsSet set = register(new JsSet(nextId++));
        while (in.peekTag() != ',') {
            if (in.atEnd()) {
                throw new UndecodableValueException("Set: actual=end of data vs expected=',' after its values", at);
            }
            set.values.add(readObject());
        }
        in.readTag();
        int endAt = in.position();
        long expected = in.varint32();
        if (expected != set.values.size()) {
            throw new UndecodableValueException("Set size: actual=" + set.values.size() + " vs expected=" + expected,
                    endAt);
        }
        return set;
    }

    private JsArrayBuffer readArrayBuffer(boolean resizable) throws UndecodableValueException {
        int id = nextId++;
        int at = in.position();
        long byteLength = in.varint64();
        long max = -1;
        if (resizable) {
            max = in.varint64();
            if (byteLength > max) {
                throw new UndecodableValueException("resizable ArrayBuffer: actual=byteLength " + byteLength
                        + " vs expected=at most maxByteLength " + max, at);
            }
        }
        return register(new JsArrayBuffer(id, in.bytes(byteLength, "ArrayBuffer"), max));
    }

    private JsArrayBufferView readView(JsArrayBuffer buffer) throws UndecodableValueException {
        int at = in.position();
        int sub = (int) in.varint32();
        long byteOffset = in.varint64();
        long byteLength = in.varint64();
        int bufferLength = buffer.bytes().length;
        if (byteOffset > bufferLength || byteLength > bufferLength - byteOffset) {
            throw new UndecodableValueException("ArrayBufferView: actual=offset " + byteOffset + " length "
                    + byteLength + " vs expected=inside its buffer of " + bufferLength + " bytes", at);
        }
        long flags = version >= 14 ? in.varint32() : 0;
        int id = nextId++;
        ViewKind kind = ViewKind.of(sub);
        if (kind == null) {
            throw new UndecodableValueException("ArrayBufferView sub-tag: actual=0x" + Integer.toHexString(sub)
                    + " vs expected=one of bBCwWdDhfFqQ?", at);
        }
        if (byteOffset % kind.elementSize() != 0 || byteLength % kind.elementSize() != 0) {
            throw new UndecodableValueException(kind.jsName() + ": actual=offset " + byteOffset + " length "
                    + byteLength + " vs expected=multiples of its element size " + kind.elementSize(), at);
        }
        return register(new JsArrayBufferView(id, kind, buffer, (int) byteOffset, (int) byteLength, (int) flags));
    }

    /**
     * An Error: an optional prototype sub-tag (E R F S T U), then message {@code m}, stack {@code s} and cause
     * {@code c} as written, up to {@code .}. V8 reads them in that order; each is accepted once, in any order, so a
     * writer that reorders them still decodes.
     */
    private JsError readError(int at) throws UndecodableValueException {
        JsError error = register(new JsError(nextId++));
        boolean prototype = false;
        boolean message = false;
        boolean stack = false;
        boolean cause = false;
        while (true) {
            int tagAt = in.position();
            int tag = (int) in.varint32();
            String name = switch (tag) {
                case 'E' -> "EvalError";
                case 'R' -> "RangeError";
                case 'F' -> "ReferenceError";
                case 'S' -> "SyntaxError";
                case 'T' -> "TypeError";
                case 'U' -> "URIError";
                default -> null;
            };
            if (name != null && !prototype && !message && !stack && !cause) {
                prototype = true;
                error.name = name;
            } else if (tag == 'm' && !message) {
                message = true;
                error.message = readString();
            } else if (tag == 's' && !stack) {
                stack = true;
                error.stack = readString();
            } else if (tag == 'c' && !cause) {
                cause = true;
                error.cause = readObject();
            } else if (tag == '.') {
                return error;
            } else {
                throw new UndecodableValueException("Error sub-tag: actual=0x" + Integer.toHexString(tag)
                        + " vs expected=one of E R F S T U m s c . (each once)", tagAt);
            }
        }
    }

    private JsValue readHost() throws UndecodableValueException {
        return readHostAt(in.position());
    }

    private JsValue readHostAt(int at) throws UndecodableValueException {
        int id = nextId++;
        if (host == null) {
            throw new UndecodableValueException("host object: actual=a host object vs expected=none (no embedder)", at);
        }
        JsValue v = host.read(in, id, version);
        if (v instanceof JsObjectValue o && o.id() == id) {
            register(o);
        }
        return v;
    }

    static String describe(JsValue v) {
        if (v instanceof JsObjectValue) {
            return "an object (" + v.getClass().getSimpleName() + ")";
        }
        return v.getClass().getSimpleName() + " " + v;
    }
}
