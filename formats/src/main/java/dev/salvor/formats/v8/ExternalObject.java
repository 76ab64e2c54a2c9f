package dev.salvor.formats.v8;

/**
 * One entry of a record's external-object list (the LevelDB backend's blob-entry record, index id 3, or the
 * SQLite backend's {@code blob_references}/{@code blobs} rows): what a Blob, File or file-system-handle index in
 * the serialized value points at.
 *
 * @param kind         blob, file or file-system-access handle
 * @param blobNumber   the blob's number (names its file under the blob directory), -1 for a handle
 * @param mimeType     the Blob's type, empty when none
 * @param size         its size in bytes, -1 when unknown
 * @param fileName     a File's name, null otherwise
 * @param lastModified a File's last modification in milliseconds since 1970 (UTC), NaN when unknown
 * @param token        a file-system-access handle's serialized token, null otherwise
 */
public record ExternalObject(Kind kind, long blobNumber, String mimeType, long size, String fileName,
                             double lastModified, byte[] token) {
    /** The entry types of Chromium's {@code IndexedDBExternalObject}. */
    public enum Kind {
        BLOB, FILE, FILE_SYSTEM_ACCESS_HANDLE
    }
}
