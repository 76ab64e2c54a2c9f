package dev.salvor.formats.v8;

/**
 * Where Chromium's LevelDB backend keeps a blob's file, relative to the origin's blob directory
 * ({@code <origin>.indexeddb.blob/}, or {@code WebStorage/<bucket id>/IndexedDB/...} for a non-default bucket):
 * {@code <database id hex>/<(blob number & 0xff00) >> 8 as two hex digits>/<blob number hex>}, lowercase, as
 * Chromium's {@code GetBlobFileNameForKey} builds it. The directory is the second-lowest byte of the number, not
 * its upper bits: blob 0x10000 is in {@code 00/}, blob 0x1234 in {@code 12/}.
 */
public final class BlobPaths {
    private BlobPaths() {
    }

    /** The blob's path relative to the blob directory, with '/' separators. */
    public static String relative(long databaseId, long blobNumber) {
        return Long.toHexString(databaseId) + "/" + directory(blobNumber) + "/" + Long.toHexString(blobNumber);
    }

    /** The two-hex-digit directory of a blob number. */
    public static String directory(long blobNumber) {
        String h = Long.toHexString((blobNumber & 0xff00) >> 8);
        return h.length() == 1 ? "0" + h : h;
    }
}
