package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.ChromiumStore;
import dev.salvor.salvage.leveldb.RecordMembers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The record members of a Chromium store detected by {@link ChromiumStore#detect}, or none. */
public final class ChromiumMembers {
    private ChromiumMembers() {
    }

    /**
     * Members for the store {@code detection} names; empty when the database is none of Chromium's.
     *
     * @param blobRoot IndexedDB: the origin's blob directory, or null
     */
    public static Optional<RecordMembers> of(Optional<ChromiumStore.Detection> detection, java.nio.file.Path blobRoot) {
        return of(detection, blobRoot, null);
    }

    /** As {@link #of(Optional, java.nio.file.Path)}, with the blob entries of a pass before (or null). */
    public static Optional<RecordMembers> of(Optional<ChromiumStore.Detection> detection, java.nio.file.Path blobRoot,
                                             BlobEntryIndex blobEntries) {
        return detection.map(d -> switch (d.kind()) {
            case INDEXED_DB -> new IndexedDbJson(blobRoot, true, blobEntries);
            case LOCAL_STORAGE -> WebStorageJson.localStorage();
            case SESSION_STORAGE -> WebStorageJson.sessionStorage();
        });
    }

    /**
     * The blob directory of an IndexedDB LevelDB directory: {@code <origin>.indexeddb.blob} beside
     * {@code <origin>.indexeddb.leveldb}; null when {@code dir} is not named so or the directory is missing.
     */
    public static Path blobRoot(Path dir) {
        if (dir == null || dir.getFileName() == null) {
            return null;
        }
        String name = dir.getFileName().toString();
        if (!name.endsWith(".indexeddb.leveldb")) {
            return null;
        }
        Path blob = dir.resolveSibling(name.substring(0, name.length() - ".leveldb".length()) + ".blob");
        return Files.isDirectory(blob) ? blob : null;
    }
}
