/**
 * IndexedDB values as Chromium stores them: the LevelDB backend's record version, IndexedDB's Snappy and blob
 * wrappers, Blink's envelope and trailer, V8's ValueSerializer (versions 13-16, every tag) and Blink's host objects,
 * on both of Chromium's IndexedDB backends (LevelDB and SQLite), decoded into {@link dev.salvor.formats.v8.JsValue}s
 * and rendered as JSON by {@link dev.salvor.formats.v8.JsonValue} (mapping: docs/browser-values.md).
 *
 * <p>Specs read (not copied): V8 {@code src/objects/value-serializer.cc}; Blink
 * {@code bindings/core/v8/serialization/v8_script_value_deserializer.cc}, {@code serialization_tag.h},
 * {@code serialized_color_params.h}, {@code trailer_reader.cc}, modules' {@code
 * v8_script_value_deserializer_for_modules.cc} and {@code web_crypto_sub_tags.h}; Chromium
 * {@code content/browser/indexed_db} ({@code idb_value_wrapping}, external objects, blob file paths).
 *
 * <p>Entry point: {@link dev.salvor.formats.v8.IndexedDbValue} ({@code decode} for a LevelDB record value,
 * {@code decodeSqlite} for a SQLite backend {@code records.value}, {@code decodeSerialized} for a bare value), with a
 * {@link dev.salvor.formats.v8.BlobResolver} for the record's blobs ({@link dev.salvor.formats.v8.BlobDirectory}
 * over a LevelDB backend blob directory and the record's {@link dev.salvor.formats.v8.ExternalObjects}). Bad bytes
 * never throw: an undecodable value keeps its raw bytes and the reason. Self-contained: it depends on nothing of the
 * other formats but {@code core}.
 */
package dev.salvor.formats.v8;
