package dev.salvor.formats.v8;

/**
 * The headers in front of V8's stream in a Blink {@code SerializedScriptValue}: {@code FF <Blink version>}, from
 * version 21 a trailer pointer {@code FE <offset u64 big-endian> <size u32 big-endian>}, then V8's own
 * {@code FF <V8 version>}. Before Blink version 16 there was one header whose version both used (Blink's
 * {@code kMinVersionForSeparateEnvelope}). The trailer, when its offset is not 0, lies at that offset from the
 * start and ends the V8 data; it lists the interfaces the value needs ({@code A0 <count u32 BE> <tags>}).
 *
 * @param blinkVersion the envelope's version, 0 without a separate envelope
 * @param v8Version    V8's version
 * @param v8Start      where V8's values begin (after both headers)
 * @param v8End        where they end (the trailer's offset, or the end of the data)
 * @param trailer      the trailer, null when absent or empty
 */
public record BlinkEnvelope(int blinkVersion, int v8Version, int v8Start, int v8End, Trailer trailer) {
    /** Blink's {@code kMinVersionForSeparateEnvelope}. */
    static final int SEPARATE_ENVELOPE = 16;
    /** Blink's {@code TrailerReader::kMinWireFormatVersion}: the trailer pointer follows the version. */
    static final int TRAILER_VERSION = 21;

    /**
     * The trailer of a version-21+ value.
     *
     * @param offset     its offset from the start of the serialized value
     * @param size       its size in bytes
     * @param interfaces the serialization tags of the interfaces it says the value needs (as characters), empty
     *                   when none or unreadable
     */
    public record Trailer(long offset, long size, String interfaces) {
    }

    /** Reads the headers of the serialized value {@code data[start, end)}. */
    static BlinkEnvelope read(byte[] data, int start, int end) throws UndecodableValueException {
        V8Cursor in = new V8Cursor(data, start, end);
        int tag = in.readByte();
        if (tag != 0xff) {
            throw new UndecodableValueException("serialized value: actual=first byte 0x" + Integer.toHexString(tag)
                    + " vs expected=0xff (version tag)", start);
        }
        long first = in.varint32();
        if (first < SEPARATE_ENVELOPE) {
            return new BlinkEnvelope(0, (int) first, in.position(), end, null);
        }
        Trailer trailer = null;
        int v8End = end;
        if (first >= TRAILER_VERSION) {
            int at = in.position();
            if (in.readByte() != 0xfe) {
                throw new UndecodableValueException("Blink envelope version " + first
                        + ": actual=no trailer pointer vs expected=0xfe after the version", at);
            }
            long offset = 0;
            for (int i = 0; i < 8; i++) {
                offset = (offset << 8) | in.readByte();
            }
            long size = 0;
            for (int i = 0; i < 4; i++) {
                size = (size << 8) | in.readByte();
            }
            if (offset != 0 || size != 0) {
                long length = end - start;
                if (offset < 0 || offset > length || size > length - offset) {
                    throw new UndecodableValueException("Blink trailer: actual=offset " + offset + " size " + size
                            + " vs expected=inside the value's " + length + " bytes", at);
                }
                v8End = start + (int) offset;
                trailer = new Trailer(offset, size, interfaces(data, start + (int) offset, (int) size));
            }
        }
        int at = in.position();
        int v8Tag = in.readByte();
        if (v8Tag != 0xff) {
            throw new UndecodableValueException("V8 header after Blink envelope " + first + ": actual=0x"
                    + Integer.toHexString(v8Tag) + " vs expected=0xff", at);
        }
        long v8 = in.varint32();
        return new BlinkEnvelope((int) first, (int) v8, in.position(), v8End, trailer);
    }

    /** The trailer's interface list ({@code A0}, a u32 big-endian count, one tag byte each), best effort. */
    private static String interfaces(byte[] data, int off, int size) {
        if (size < 5 || (data[off] & 0xff) != 0xa0) {
            return "";
        }
        long count = 0;
        for (int i = 1; i <= 4; i++) {
            count = (count << 8) | (data[off + i] & 0xff);
        }
        if (count > size - 5) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append((char) (data[off + 5 + i] & 0xff));
        }
        return b.toString();
    }
}
