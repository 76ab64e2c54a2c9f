package dev.salvor.formats.v8;

/**
 * One IndexedDB value after decoding, or the reason it could not be: never both, never neither.
 *
 * @param value         the JavaScript value, null when undecodable
 * @param reason        why it could not be decoded (salvor's error style), null when decoded
 * @param reasonOffset  offset of the byte that did not fit, relative to {@link #reasonIn()}; -1 when none
 * @param reasonIn      which bytes {@link #reasonOffset} counts in: "record" (the stored value), "blob" (the blob
 *                      holding a wrapped value), "decompressed" (after Snappy or zstd)
 * @param raw           the stored bytes exactly as given (kept for an undecodable value; also for a decoded one)
 * @param recordVersion the LevelDB backend's record version varint, -1 when none (SQLite backend, bare values)
 * @param wrapping      how IndexedDB wrapped the serialized value: "none", "snappy" ({@code FF 11 02}), "blob"
 *                      ({@code FF 11 01}), "blob+snappy" (a blob file that is itself {@code FF 11 02}); the
 *                      SQLite backend's compression shows as "zstd" or "snappy"
 * @param blinkVersion  Blink's envelope version, 0 when the value has no separate envelope (before version 16)
 * @param v8Version     V8's serialization format version, 0 when not reached
 * @param trailer       the Blink trailer (version 21+): offset and size, or null when absent or empty
 */
public record DecodedValue(JsValue value, String reason, long reasonOffset, String reasonIn, byte[] raw,
                           long recordVersion, String wrapping, int blinkVersion, int v8Version,
                           BlinkEnvelope.Trailer trailer) {

    /** True when {@link #value()} holds the decoded value. */
    public boolean decoded() {
        return value != null;
    }

    /** The JSON of the value (docs/browser-values.md), or of the undecodable marker with its reason and bytes. */
    public String json() {
        return JsonValue.toJson(this);
    }
}
