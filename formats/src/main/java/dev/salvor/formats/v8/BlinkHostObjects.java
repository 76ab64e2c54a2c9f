package dev.salvor.formats.v8;

import dev.salvor.formats.v8.JsValue.JsBytes;
import dev.salvor.formats.v8.JsValue.JsHostObject;
import dev.salvor.formats.v8.JsValue.JsList;
import dev.salvor.formats.v8.JsValue.JsNumber;
import dev.salvor.formats.v8.JsValue.JsString;
import java.util.ArrayList;
import java.util.List;

/**
 * Blink's host objects (the bytes after V8's {@code \}): a Blink serialization tag, then fields as Blink's
 * {@code V8ScriptValueDeserializer} (core and modules) reads them. Integers are varints, strings
 * ("WebCoreString") a varint byte count plus UTF-8, doubles 8 bytes little-endian. Blob and File indexes are
 * resolved through the record's {@link BlobResolver}. Tags only a transfer (postMessage) can produce decode to
 * their index so a value that holds one is still shown; a tag Blink does not define ends the value with a reason.
 */
final class BlinkHostObjects implements V8Deserializer.HostObjectReader {
    private final int blinkVersion;
    private final BlobResolver blobs;

    /**
     * @param blinkVersion the Blink envelope's version (0 when the value had no separate envelope: then the V8
     *                     version stands for both, as in Blink)
     */
    BlinkHostObjects(int blinkVersion, BlobResolver blobs) {
        this.blinkVersion = blinkVersion;
        this.blobs = blobs;
    }

    @Override
    public JsValue read(V8Cursor in, int id, int v8Version) throws UndecodableValueException {
        int version = blinkVersion != 0 ? blinkVersion : v8Version;
        int at = in.position();
        int tag = in.readTag();
        switch (tag) {
            case 'b':
                return new JsHostObject(id, "Blob").put("uuid", str(in)).put("type", str(in))
                        .put("size", in.varint64());
            case 'i':
                return blobIndex(id, "Blob", u32(in));
            case 'f':
                return readFile(in, id, version);
            case 'e':
                return blobIndex(id, "File", u32(in));
            case 'l':
            case 'L':
                return readFileList(in, id, version, tag == 'L', at);
            case 'g':
                return readImageBitmap(in, id, version, at);
            case '#':
                return readImageData(in, id, version, at);
            case 'Q':
            case 'W':
                return doubles(in, new JsHostObject(id, tag == 'Q' ? "DOMPoint" : "DOMPointReadOnly"),
                        "x", "y", "z", "w");
            case 'E':
            case 'R':
                return doubles(in, new JsHostObject(id, tag == 'E' ? "DOMRect" : "DOMRectReadOnly"),
                        "x", "y", "width", "height");
            case 'T': {
                JsHostObject quad = new JsHostObject(id, "DOMQuad");
                for (String p : new String[] {"p1", "p2", "p3", "p4"}) {
                    quad.put(p, doubles(in, new JsHostObject(-1, null), "x", "y", "z", "w"));
                }
                return quad;
            }
            case 'Y':
            case 'U':
                return matrix(in, id, tag == 'Y' ? "DOMMatrix" : "DOMMatrixReadOnly", 16);
            case 'I':
            case 'O':
                return matrix(in, id, tag == 'I' ? "DOMMatrix" : "DOMMatrixReadOnly", 6);
            case 'K':
                return CryptoKeys.read(in, id, at);
            case 'k':
                return new JsHostObject(id, "RTCCertificate").put("privateKeyPem", str(in))
                        .put("certificatePem", str(in));
            case 'x': {
                JsHostObject e = new JsHostObject(id, "DOMException").put("name", str(in)).put("message", str(in));
                String stack = in.utf8(in.varint32());
                if (!stack.isEmpty()) {
                    e.put("stack", stack);
                }
                return e;
            }
            case 'n':
            case 'N':
                return new JsHostObject(id, tag == 'n' ? "FileSystemFileHandle" : "FileSystemDirectoryHandle")
                        .put("name", str(in)).put("tokenIndex", u32(in));
            case 'd':
                return new JsHostObject(id, "DOMFileSystem").put("fileSystemType", u32(in)).put("name", str(in))
                        .put("rootUrl", str(in));
            case 'c':
                return new JsHostObject(id, "CropTarget").put("id", str(in));
            case 'D':
                return new JsHostObject(id, "RestrictionTarget").put("id", str(in));
            case 'G':
                return index(in, id, "ImageBitmap");
            case 'M':
                return index(in, id, "MessagePort");
            case 'h':
                return index(in, id, "MojoHandle");
            case 'r':
                return index(in, id, "ReadableStream");
            case 'w':
                return index(in, id, "WritableStream");
            case 'm':
                return index(in, id, "TransformStream");
            case 'A':
                return index(in, id, "RTCEncodedAudioFrame");
            case 'V':
                return index(in, id, "RTCEncodedVideoFrame");
            case 'a':
                return index(in, id, "AudioData");
            case 'v':
                return index(in, id, "VideoFrame");
            case 'y':
                return index(in, id, "EncodedAudioChunk");
            case 'z':
                return index(in, id, "EncodedVideoChunk");
            case 'S':
                return index(in, id, "MediaSourceHandle");
            case 'H': {
                JsHostObject c = new JsHostObject(id, "OffscreenCanvas");
                for (String m : new String[] {"width", "height", "canvasId", "clientId", "sinkId", "filterQuality"}) {
                    c.put(m, u32(in));
                }
                return c;
            }
            default:
                throw new UndecodableValueException("Blink host object tag: actual=0x" + Integer.toHexString(tag)
                        + " vs expected=a tag Blink serializes (version " + version + ")", at);
        }
    }

    private static String str(V8Cursor in) throws UndecodableValueException {
        return in.utf8(in.varint32());
    }

    private static long u32(V8Cursor in) throws UndecodableValueException {
        return in.varint32();
    }

    private static JsHostObject index(V8Cursor in, int id, String type) throws UndecodableValueException {
        return new JsHostObject(id, type).put("transferIndex", u32(in));
    }

    private static JsHostObject doubles(V8Cursor in, JsHostObject o, String... names)
            throws UndecodableValueException {
        for (String n : names) {
            o.put(n, in.doubleLE());
        }
        return o;
    }

    private static JsHostObject matrix(V8Cursor in, int id, String type, int n) throws UndecodableValueException {
        List<JsValue> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(new JsNumber(in.doubleLE()));
        }
        return new JsHostObject(id, type).put("is2D", n == 6 ? JsValue.TRUE : JsValue.FALSE)
                .put("values", new JsList(values));
    }

    /** A Blob or File stored beside the value: index into the record's external objects, resolved when known. */
    private JsHostObject blobIndex(int id, String type, long index) {
        JsHostObject o = new JsHostObject(id, type);
        ExternalObject e = index <= Integer.MAX_VALUE ? blobs.externalObject((int) index) : null;
        if (e != null) {
            if (e.fileName() != null) {
                o.put("name", e.fileName());
            }
            o.put("type", e.mimeType());
            if (e.size() >= 0) {
                o.put("size", e.size());
            }
            if (e.fileName() != null && !Double.isNaN(e.lastModified())) {
                o.put("lastModified", e.lastModified());
            }
        }
        o.put("index", index);
        if (e != null && e.blobNumber() >= 0) {
            o.put("blobNumber", e.blobNumber());
        }
        String where = index <= Integer.MAX_VALUE ? blobs.location((int) index) : null;
        if (where != null) {
            o.put("path", where);
        }
        return o;
    }

    /** A File written whole (not as an index): path, name, relative path, uuid, type, snapshot, visibility. */
    private static JsHostObject readFile(V8Cursor in, int id, int version) throws UndecodableValueException {
        JsHostObject f = new JsHostObject(id, "File");
        f.put("path", str(in));
        if (version >= 4) {
            f.put("name", str(in));
            f.put("relativePath", str(in));
        }
        f.put("uuid", str(in));
        f.put("type", str(in));
        long hasSnapshot = version >= 4 ? u32(in) : 0;
        if (hasSnapshot != 0) {
            f.put("size", in.varint64());
            double lastModified = in.doubleLE();
            f.put("lastModified", version < 8 ? lastModified * 1000 : lastModified);
        }
        if (version >= 7) {
            f.put("userVisible", u32(in) != 0 ? JsValue.TRUE : JsValue.FALSE);
        }
        return f;
    }

    private JsHostObject readFileList(V8Cursor in, int id, int version, boolean indexes, int at)
            throws UndecodableValueException {
        long length = u32(in);
        // Every file takes at least one byte: a longer list than the bytes left cannot be real.
        if (length > in.remaining()) {
            throw new UndecodableValueException("FileList length: actual=" + length + " vs expected=at most "
                    + in.remaining() + " (bytes left)", at);
        }
        List<JsValue> files = new ArrayList<>((int) length);
        for (long i = 0; i < length; i++) {
            files.add(indexes ? blobIndex(-1, "File", u32(in)) : readFile(in, -1, version));
        }
        return new JsHostObject(id, "FileList").put("files", new JsList(files));
    }

    private static final String[] COLOR_SPACES = {"srgb", "srgb", "rec2020", "display-p3", "rec2100-hlg",
        "rec2100-pq", "srgb-linear"};
    private static final String[] IMAGE_DATA_FORMATS = {"rgba-unorm8", "rgba-float16", "rgba-float32"};
    private static final String[] BITMAP_FORMATS = {"native8", "f16", "rgba8", "bgra8", "rgbx8"};

    private static String named(String[] names, long v, String what) {
        return v >= 0 && v < names.length ? names[(int) v] : what + "-" + v;
    }

    /**
     * From Blink version 18, image settings are (tag, value) pairs up to tag 0: 1 color space, 2 canvas pixel
     * format, 3 ImageData storage format, 4 origin clean, 5 premultiplied, 6 opacity, 7 parametric color space
     * (16 doubles), 8 orientation.
     */
    private static void imageSettings(V8Cursor in, JsHostObject o, boolean bitmap, int at)
            throws UndecodableValueException {
        for (int n = 0; ; n++) {
            if (n > 16) {
                throw new UndecodableValueException("image settings: actual=more than 16 vs expected=a 0 tag", at);
            }
            long tag = u32(in);
            switch ((int) Math.min(tag, 99)) {
                case 0:
                    return;
                case 1:
                    o.put("colorSpace", named(COLOR_SPACES, u32(in), "colorspace"));
                    break;
                case 2:
                    o.put("pixelFormat", named(BITMAP_FORMATS, u32(in), "format"));
                    break;
                case 3:
                    o.put("pixelFormat", named(IMAGE_DATA_FORMATS, u32(in), "format"));
                    break;
                case 4:
                    o.put("originClean", u32(in) != 0 ? JsValue.TRUE : JsValue.FALSE);
                    break;
                case 5:
                    o.put("premultiplied", u32(in) != 0 ? JsValue.TRUE : JsValue.FALSE);
                    break;
                case 6:
                    o.put("opaque", u32(in) != 0 ? JsValue.TRUE : JsValue.FALSE);
                    break;
                case 7: {
                    List<JsValue> p = new ArrayList<>(16);
                    for (int i = 0; i < 16; i++) {
                        p.add(new JsNumber(in.doubleLE()));
                    }
                    o.put("parametricColorSpace", new JsList(p));
                    break;
                }
                case 8:
                    o.put("orientation", u32(in));
                    break;
                default:
                    throw new UndecodableValueException((bitmap ? "ImageBitmap" : "ImageData")
                            + " setting tag: actual=" + tag + " vs expected=0..8", at);
            }
        }
    }

    private static JsHostObject readImageData(V8Cursor in, int id, int version, int at)
            throws UndecodableValueException {
        JsHostObject o = new JsHostObject(id, "ImageData");
        if (version >= 18) {
            imageSettings(in, o, false, at);
        }
        long width = u32(in);
        long height = u32(in);
        byte[] pixels = in.bytes(in.varint64(), "ImageData pixels");
        JsHostObject out = new JsHostObject(id, "ImageData").put("width", width).put("height", height);
        out.members.putIfAbsent("colorSpace", new JsString("srgb"));
        out.members.putAll(o.members);
        return out.put("base64", new JsBytes(pixels));
    }

    private static JsHostObject readImageBitmap(V8Cursor in, int id, int version, int at)
            throws UndecodableValueException {
        JsHostObject o = new JsHostObject(id, "ImageBitmap");
        if (version >= 18) {
            imageSettings(in, o, true, at);
        } else {
            o.put("originClean", u32(in) != 0 ? JsValue.TRUE : JsValue.FALSE);
            o.put("premultiplied", u32(in) != 0 ? JsValue.TRUE : JsValue.FALSE);
        }
        long width = u32(in);
        long height = u32(in);
        byte[] pixels = in.bytes(u32(in), "ImageBitmap pixels");
        JsHostObject out = new JsHostObject(id, "ImageBitmap").put("width", width).put("height", height);
        out.members.putAll(o.members);
        return out.put("base64", new JsBytes(pixels));
    }
}
