package dev.salvor.formats.v8;

import java.io.IOException;

/**
 * What the decoder needs to know about the blobs of one record: the external object behind a Blob/File index
 * (type, size, name, blob number), where its file is, and its bytes when the whole value was moved into a blob
 * ({@code FF 11 01}). Implementations: {@link BlobDirectory} (the LevelDB backend's blob directory) and any
 * caller-made one (the SQLite backend keeps blobs in its {@code blobs} table). {@link #NONE} knows nothing: indexes
 * decode without their details and blob-wrapped values stay raw with their reason.
 */
public interface BlobResolver {
    /** A resolver that knows no blobs. */
    BlobResolver NONE = new BlobResolver() {
        @Override
        public ExternalObject externalObject(int index) {
            return null;
        }

        @Override
        public byte[] read(int index, int maxBytes) throws IOException {
            throw new IOException("no blob store given for this record (blob index " + index + ")");
        }
    };

    /** The external object at this index of the record's list, or null when unknown. */
    ExternalObject externalObject(int index);

    /** Where the blob's bytes are, for the report (a path, or a table row), or null when unknown. */
    default String location(int index) {
        return null;
    }

    /**
     * The bytes of the blob at this index, at most {@code maxBytes}; an {@link IOException} saying why when the
     * blob is unknown, missing, unreadable or longer.
     */
    byte[] read(int index, int maxBytes) throws IOException;
}
