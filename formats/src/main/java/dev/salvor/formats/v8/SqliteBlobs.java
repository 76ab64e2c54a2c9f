package dev.salvor.formats.v8;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The blobs of one SQLite backend record: the rows of its {@code blob_references} (by {@code record_row_id}, in
 * {@code row_id} order: the order of the value's Blob/File/handle indexes) joined with their {@code blobs} rows.
 * A {@code blobs} row holds the external object inline: {@code object_type} (0 Blob, 1 File, 2
 * file-system-access handle), {@code mime_type}, {@code size_bytes}, {@code file_name} (UTF-8),
 * {@code last_modified} (microseconds since 1601-01-01 UTC) and {@code bytes} (the content, or a handle's token;
 * content over 5 MiB continues in {@code overflow_blob_chunks}, which the caller appends in {@code chunk_index}
 * order before building this).
 */
public final class SqliteBlobs implements BlobResolver {
    /**
     * One {@code blobs} row.
     *
     * @param rowId        its row id (shown as the blob's location)
     * @param objectType   0 Blob, 1 File, 2 file-system-access handle
     * @param mimeType     may be null
     * @param size         may be null
     * @param fileName     UTF-8 bytes, may be null
     * @param lastModified microseconds since 1601, may be null
     * @param bytes        the content (overflow chunks appended), may be null when lost
     */
    public record Blob(long rowId, long objectType, String mimeType, Long size, byte[] fileName, Long lastModified,
                       byte[] bytes) {
        ExternalObject externalObject() {
            if (objectType == 2) {
                return new ExternalObject(ExternalObject.Kind.FILE_SYSTEM_ACCESS_HANDLE, -1, "", -1, null, Double.NaN,
                        bytes);
            }
            boolean file = objectType == 1;
            return new ExternalObject(file ? ExternalObject.Kind.FILE : ExternalObject.Kind.BLOB, rowId,
                    mimeType == null ? "" : mimeType, size == null ? -1 : size,
                    file && fileName != null ? new String(fileName, StandardCharsets.UTF_8) : null,
                    file && lastModified != null
                            ? (lastModified - ExternalObjects.WINDOWS_TO_UNIX_MICROS) / 1000.0 : Double.NaN,
                    null);
        }
    }

    private final List<Blob> blobs;

    /** The record's blobs in index order. */
    public SqliteBlobs(List<Blob> blobs) {
        this.blobs = List.copyOf(blobs);
    }

    @Override
    public ExternalObject externalObject(int index) {
        return index >= 0 && index < blobs.size() ? blobs.get(index).externalObject() : null;
    }

    @Override
    public String location(int index) {
        return index >= 0 && index < blobs.size() ? "blobs row " + blobs.get(index).rowId() : null;
    }

    @Override
    public byte[] read(int index, int maxBytes) throws IOException {
        if (index < 0 || index >= blobs.size()) {
            throw new IOException("blob index " + index + ": actual=not among the record's " + blobs.size()
                    + " blob references");
        }
        byte[] b = blobs.get(index).bytes();
        if (b == null) {
            throw new IOException("blobs row " + blobs.get(index).rowId() + ": no bytes");
        }
        if (b.length > maxBytes) {
            throw new IOException("blobs row " + blobs.get(index).rowId() + ": actual=" + b.length
                    + " bytes vs expected=at most " + maxBytes);
        }
        return b;
    }
}
