package dev.salvor.formats.leveldb;

import java.util.Objects;

/**
 * A table file added to the database by a {@link VersionEdit} (tag 7, "new file").
 *
 * @param level    the LSM level (0-6 in LevelDB)
 * @param number   the file number ({@code NNNNNN.ldb} or {@code NNNNNN.sst})
 * @param fileSize the table's size in bytes when it was written
 * @param smallest the smallest internal key in the table
 * @param largest  the largest internal key in the table
 */
public record FileMetaData(int level, long number, long fileSize, InternalKey smallest, InternalKey largest) {

    /** Checks that the required components are not null. */
    public FileMetaData {
        Objects.requireNonNull(smallest, "smallest");
        Objects.requireNonNull(largest, "largest");
    }
}
