package dev.salvor.formats.v8;

/**
 * Decodes IndexedDB values as Chromium stores them, on either backend:
 * <ul>
 *   <li>{@link #decode}: a LevelDB object-store data record's value: a varint record version, then the serialized
 *       value;</li>
 *   <li>{@link #decodeSqlite}: a value of the SQLite backend's {@code records} table, compressed as its
 *       {@code compression_type} says (0 none, 1 zstd, 2 Snappy), no record version;</li>
 *   <li>{@link #decodeSerialized}: a bare serialized value.</li>
 * </ul>
 * The serialized value may be wrapped by IndexedDB (Blink's {@code kRequiresProcessingSSVPseudoVersion}, 17):
 * {@code FF 11 02 <raw Snappy>} is compressed (Chrome 129+, values of 64 KiB and more), {@code FF 11 01 <size
 * varint> <blob index varint>} was moved whole into the record's last blob, whose file may itself be
 * {@code FF 11 02}. Then come the Blink envelope ({@link BlinkEnvelope}) and V8's stream ({@link V8Deserializer})
 * with Blink's host objects ({@link BlinkHostObjects}).
 *
 * <p>Never throws for bad bytes: a value that cannot be decoded comes back with its raw bytes and the reason
 * ({@link DecodedValue#reason()}), so one bad value never stops the records around it.
 */
public final class IndexedDbValue {
    /** Largest value decoded after unwrapping or decompression (a header may claim any size). */
    public static final int DEFAULT_MAX_BYTES = 256 << 20;

    private static final int PSEUDO_VERSION = 0x11;
    private static final int REPLACE_WITH_BLOB = 0x01;
    private static final int COMPRESSED_WITH_SNAPPY = 0x02;

    private IndexedDbValue() {
    }

    /** A LevelDB backend record value: record version varint, then the serialized value. */
    public static DecodedValue decode(byte[] value, BlobResolver blobs) {
        return decode(value, blobs, DEFAULT_MAX_BYTES);
    }

    public static DecodedValue decode(byte[] value, BlobResolver blobs, int maxBytes) {
        State s = new State(value, blobs, maxBytes);
        try {
            V8Cursor in = new V8Cursor(value, 0, value.length);
            s.recordVersion = in.varint64();
            s.unwrap(value, in.position(), "record");
        } catch (UndecodableValueException e) {
            s.fail(e);
        }
        return s.result();
    }

    /**
     * A SQLite backend {@code records.value}, decompressed as {@code compressionType} says: 0 none, 1 zstd, 2 Snappy.
     */
    public static DecodedValue decodeSqlite(byte[] value, long compressionType, BlobResolver blobs) {
        return decodeSqlite(value, compressionType, blobs, DEFAULT_MAX_BYTES);
    }

    public static DecodedValue decodeSqlite(byte[] value, long compressionType, BlobResolver blobs, int maxBytes) {
        State s = new State(value, blobs, maxBytes);
        try {
            if (compressionType == 0) {
                s.unwrap(value, 0, "record");
            } else if (compressionType == 1) {
                s.wrapping = "zstd";
                s.where = "record";
                s.unwrap(ValueDecompressor.zstd(value, 0, value.length, maxBytes), 0, "decompressed");
            } else if (compressionType == 2) {
                s.wrapping = "snappy";
                s.where = "record";
                s.unwrap(ValueDecompressor.snappy(value, 0, value.length, maxBytes), 0, "decompressed");
            } else {
                throw new UndecodableValueException("compression_type: actual=" + compressionType
                        + " vs expected=0 none, 1 zstd or 2 snappy", -1);
            }
        } catch (UndecodableValueException e) {
            s.fail(e);
        }
        return s.result();
    }

    /** A bare serialized value (what Blink's SerializedScriptValue holds), possibly wrapped by IndexedDB. */
    public static DecodedValue decodeSerialized(byte[] value, BlobResolver blobs) {
        State s = new State(value, blobs, DEFAULT_MAX_BYTES);
        try {
            s.unwrap(value, 0, "record");
        } catch (UndecodableValueException e) {
            s.fail(e);
        }
        return s.result();
    }

    /** One decoding: what has been learnt so far, kept for the result even when a later step fails. */
    private static final class State {
        final byte[] raw;
        final BlobResolver blobs;
        final int maxBytes;
        long recordVersion = -1;
        String wrapping = "none";
        String where = "record";
        BlinkEnvelope envelope;
        JsValue value;
        String reason;
        long reasonOffset = -1;
        int unwraps;

        State(byte[] raw, BlobResolver blobs, int maxBytes) {
            this.raw = raw;
            this.blobs = blobs == null ? BlobResolver.NONE : blobs;
            this.maxBytes = maxBytes;
        }

        /** Removes IndexedDB's wrappers (each at most once: a blob, then Snappy), then decodes. */
        void unwrap(byte[] data, int start, String in) throws UndecodableValueException {
            where = in;
            if (data.length - start >= 3 && (data[start] & 0xff) == 0xff && data[start + 1] == PSEUDO_VERSION
                    && (data[start + 2] == REPLACE_WITH_BLOB || data[start + 2] == COMPRESSED_WITH_SNAPPY)) {
                if (++unwraps > 2) {
                    throw new UndecodableValueException("IndexedDB wrapper: actual=a third wrapper vs expected=at "
                            + "most a blob holding a Snappy value", start);
                }
                if (data[start + 2] == COMPRESSED_WITH_SNAPPY) {
                    wrapping = wrapping.equals("blob") ? "blob+snappy" : "snappy";
                    byte[] plain = ValueDecompressor.snappy(data, start + 3, data.length - start - 3, maxBytes);
                    unwrap(plain, 0, "decompressed");
                    return;
                }
                if (!wrapping.equals("none")) {
                    throw new UndecodableValueException("IndexedDB wrapper: actual=a blob wrapper inside "
                            + wrapping + " vs expected=a blob wrapper only outermost", start);
                }
                wrapping = "blob";
                V8Cursor c = new V8Cursor(data, start + 3, data.length);
                long size = c.varint64();
                long index = c.varint32();
                if (size > maxBytes) {
                    throw new UndecodableValueException("blob-wrapped value size: actual=" + size
                            + " vs expected=at most " + maxBytes, start + 3);
                }
                byte[] blob;
                try {
                    blob = blobs.read((int) Math.min(index, Integer.MAX_VALUE), (int) size);
                } catch (java.io.IOException e) {
                    throw new UndecodableValueException("blob-wrapped value: actual=blob " + index
                            + " not readable vs expected=its " + size + " bytes (" + e.getMessage() + ")", start + 3);
                }
                if (blob.length != size) {
                    throw new UndecodableValueException("blob-wrapped value: actual=" + blob.length
                            + " bytes in blob " + index + " vs expected=" + size, start + 3);
                }
                unwrap(blob, 0, "blob");
                return;
            }
            envelope = BlinkEnvelope.read(data, start, data.length);
            V8Cursor v8 = new V8Cursor(data, envelope.v8Start(), envelope.v8End());
            BlinkHostObjects host = new BlinkHostObjects(envelope.blinkVersion(), blobs);
            value = new V8Deserializer(v8, envelope.v8Version(), host).readValue();
        }

        void fail(UndecodableValueException e) {
            value = null;
            reason = e.getMessage();
            reasonOffset = e.offset();
        }

        DecodedValue result() {
            return new DecodedValue(value, reason, reason == null ? -1 : reasonOffset, reason == null ? null : where,
                    raw, recordVersion, wrapping, envelope == null ? 0 : envelope.blinkVersion(),
                    envelope == null ? 0 : envelope.v8Version(), envelope == null ? null : envelope.trailer());
        }
    }
}
