package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.EsNumber;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;
import dev.salvor.formats.jsonlog.JsonCanonicalizer.ByteBuf;
import dev.salvor.formats.jsonlog.JsonCanonicalizer.Canonical;
import dev.salvor.formats.jsonlog.JsonCanonicalizer.Scalar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.salvor.formats.jsonlog.JsonCanonicalizer.abbreviate;
import static dev.salvor.formats.jsonlog.JsonCanonicalizer.checkSurrogates;
import static dev.salvor.formats.jsonlog.JsonCanonicalizer.pos;
import static dev.salvor.formats.jsonlog.JsonCanonicalizer.writeString;

/**
 * RFC 8785 canonical form from a stream of Jackson tokens: a second implementation of the rules of
 * {@link JsonCanonicalizer}, independent of the byte engine ({@link JcsEngine}), that the tests use to cross-check
 * it. Straightforward rather than fast: each container's canonical text is built in its own buffer, an object's
 * members are collected and sorted with {@link String#compareTo} (UTF-16 code units) when it closes.
 * No recursion: open containers are kept on an explicit stack, whose depth the parser's constraints bound.
 */
final class JcsTokenCanonicalizer {
    private JcsTokenCanonicalizer() {
    }

    /** One open container on the explicit stack. */
    private static final class Frame {
        final boolean object;
        final String keyInParent;
        final ByteBuf buf;          // arrays: the canonical text so far
        final List<Member> members; // objects: members, sorted when the object closes
        String pendingKey;
        int count;

        Frame(boolean object, String keyInParent) {
            this.object = object;
            this.keyInParent = keyInParent;
            this.buf = object ? null : new ByteBuf(64);
            if (!object) {
                buf.put((byte) '[');
            }
            this.members = object ? new ArrayList<>() : null;
        }
    }

    private record Member(String key, byte[] value, int position) {
    }

    /**
     * Canonicalises the next value of {@code p} (positioned before it or on its first token), leaving out the
     * top-level member {@code omitTopLevel}; see {@link JsonCanonicalizer#canonicalize(JsonParser, String)}.
     */
    static Canonical canonicalize(JsonParser p, String omitTopLevel) throws IOException {
        JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
        if (t == null) {
            throw new Malformed(DamageKind.BAD_STRUCTURE, pos(p.currentLocation()), "no JSON value");
        }
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        Map<String, Scalar> top = t == JsonToken.START_OBJECT ? new LinkedHashMap<>() : Collections.emptyMap();
        boolean omittedSeen = false;
        byte[] result = null;
        while (true) {
            Frame f = stack.peek();
            if (t == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                checkSurrogates(name, p);
                if (stack.size() == 1 && name.equals(omitTopLevel)) {
                    if (omittedSeen) {
                        throw new Malformed(DamageKind.BAD_RECORD, pos(p.currentTokenLocation()),
                                "duplicate member name \"" + abbreviate(name) + "\" (hash input ambiguous)");
                    }
                    omittedSeen = true;
                    JsonToken v = p.nextToken();
                    top.put(name, scalarOf(p, v));
                    if (v == JsonToken.VALUE_STRING) {
                        checkSurrogates(p.getText(), p);
                    }
                    p.skipChildren();
                    t = p.nextToken();
                    continue;
                }
                f.pendingKey = name;
                t = p.nextToken();
                continue;
            }
            byte[] complete = null;
            String completeKey = f != null && f.object ? f.pendingKey : null;
            switch (t) {
                case START_OBJECT, START_ARRAY -> {
                    String key = f != null && f.object ? f.pendingKey : null;
                    if (f != null && stack.size() == 1 && f.object) {
                        top.put(key, new Scalar(t, null));
                    }
                    stack.push(new Frame(t == JsonToken.START_OBJECT, key));
                }
                case END_OBJECT -> {
                    Frame o = stack.pop();
                    completeKey = o.keyInParent;
                    complete = closeObject(o);
                }
                case END_ARRAY -> {
                    Frame a = stack.pop();
                    completeKey = a.keyInParent;
                    a.buf.put((byte) ']');
                    complete = a.buf.toArray();
                }
                default -> {
                    if (f != null && f.object && stack.size() == 1) {
                        top.put(f.pendingKey, scalarOf(p, t));
                    }
                    complete = scalar(p, t);
                }
            }
            if (complete != null) {
                // A finished value: attach it to the enclosing container, or it is the result.
                Frame parent = stack.peek();
                if (parent == null) {
                    result = complete;
                    break;
                }
                if (parent.object) {
                    parent.members.add(new Member(completeKey, complete, pos(p.currentTokenLocation())));
                } else {
                    if (parent.count > 0) {
                        parent.buf.put((byte) ',');
                    }
                    parent.buf.put(complete);
                    parent.count++;
                }
            }
            t = p.nextToken();
            if (t == null) {
                throw new Malformed(DamageKind.TRUNCATED, pos(p.currentLocation()), "JSON value ends early");
            }
        }
        return new Canonical(result, top);
    }

    private static byte[] closeObject(Frame o) {
        List<Member> ms = o.members;
        ms.sort((a, b) -> a.key.compareTo(b.key));
        ByteBuf out = new ByteBuf(64);
        out.put((byte) '{');
        for (int i = 0; i < ms.size(); i++) {
            Member m = ms.get(i);
            if (i > 0) {
                if (ms.get(i - 1).key.equals(m.key)) {
                    throw new Malformed(DamageKind.BAD_RECORD, m.position,
                            "duplicate member name \"" + abbreviate(m.key) + "\" (hash input ambiguous)");
                }
                out.put((byte) ',');
            }
            writeString(m.key, out);
            out.put((byte) ':');
            out.put(m.value);
        }
        out.put((byte) '}');
        return out.toArray();
    }

    private static Scalar scalarOf(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT, START_ARRAY -> new Scalar(t, null);
            default -> new Scalar(t, p.getText());
        };
    }

    private static byte[] scalar(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> {
                String s = p.getText();
                checkSurrogates(s, p);
                ByteBuf b = new ByteBuf(s.length() + 2);
                writeString(s, b);
                yield b.toArray();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p.getText(), p).getBytes(StandardCharsets.US_ASCII);
            case VALUE_TRUE -> "true".getBytes(StandardCharsets.US_ASCII);
            case VALUE_FALSE -> "false".getBytes(StandardCharsets.US_ASCII);
            case VALUE_NULL -> "null".getBytes(StandardCharsets.US_ASCII);
            default -> throw new Malformed(DamageKind.BAD_STRUCTURE, pos(p.currentTokenLocation()),
                    "unexpected token " + t);
        };
    }

    /** A JSON number literal in ECMAScript form; never rounds through anything but one IEEE-754 conversion. */
    static String number(String text, JsonParser p) {
        int digits = text.length() - (text.startsWith("-") ? 1 : 0);
        boolean plainInt = digits <= 15 && text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        if (plainInt) {
            return Long.toString(Long.parseLong(text)); // < 10^15 < 2^53: exact; "-0" -> "0"
        }
        double d = Double.parseDouble(text); // correctly rounded (round half even)
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new Malformed(DamageKind.BAD_RECORD, p == null ? 0 : pos(p.currentTokenLocation()),
                    "number outside the IEEE-754 double range: " + abbreviate(text));
        }
        return EsNumber.format(d);
    }
}
