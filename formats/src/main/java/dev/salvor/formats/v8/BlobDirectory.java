package dev.salvor.formats.v8;

import dev.salvor.formats.core.ByteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The blobs of one LevelDB backend record: its external objects (from its blob-entry record) and the origin's blob
 * directory, where each blob is a file at {@link BlobPaths#relative}. Files are opened read-only through
 * {@link ByteSource} and read only up to the size the caller allows.
 */
public final class BlobDirectory implements BlobResolver {
    private final Path root;
    private final long databaseId;
    private final List<ExternalObject> objects;

    /**
     * @param root       the blob directory ({@code <origin>.indexeddb.blob}), or null when there is none
     * @param databaseId the record's database id
     * @param objects    the record's external objects, in index order
     */
    public BlobDirectory(Path root, long databaseId, List<ExternalObject> objects) {
        this.root = root;
        this.databaseId = databaseId;
        this.objects = List.copyOf(objects);
    }

    @Override
    public ExternalObject externalObject(int index) {
        return index >= 0 && index < objects.size() ? objects.get(index) : null;
    }

    @Override
    public String location(int index) {
        ExternalObject o = externalObject(index);
        if (o == null || o.blobNumber() < 0) {
            return null;
        }
        String rel = BlobPaths.relative(databaseId, o.blobNumber());
        return root == null ? rel : root.resolve(rel).toString();
    }

    @Override
    public byte[] read(int index, int maxBytes) throws IOException {
        ExternalObject o = externalObject(index);
        if (o == null) {
            throw new IOException("blob index " + index + ": actual=not in the record's " + objects.size()
                    + " external objects");
        }
        if (root == null || o.blobNumber() < 0) {
            throw new IOException("blob index " + index + ": no blob directory or no blob number");
        }
        Path file = root.resolve(BlobPaths.relative(databaseId, o.blobNumber()));
        if (!Files.isRegularFile(file)) {
            throw new IOException("blob file missing: " + file);
        }
        try (ByteSource src = ByteSource.open(file)) {
            long size = src.size();
            if (size > maxBytes) {
                throw new IOException("blob file " + file + ": actual=" + size + " bytes vs expected=at most "
                        + maxBytes);
            }
            byte[] b = new byte[(int) size];
            src.read(0, b, 0, b.length);
            return b;
        }
    }
}
