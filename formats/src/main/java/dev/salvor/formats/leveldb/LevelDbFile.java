package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.SourceSet;

/**
 * One file of a LevelDB database, with the role its content (or, failing that, its name) gives it.
 *
 * @param member   the file in its source set (a file on disk or a region of an image)
 * @param fileName the last component of its name ({@code 000005.ldb}), which LevelDB's naming rules apply to
 * @param role     what it is
 * @param number   the file number parsed from the name ({@code 000005.ldb} → 5), or -1
 * @param how      how the role was decided
 */
public record LevelDbFile(SourceSet.Member member, String fileName, FileRole role, long number, Recognition how) {

    /** Display name (relative to the directory the user named, or the file as given). */
    public String name() {
        return member.name();
    }

    /** Size in bytes. */
    public long size() {
        return member.size();
    }
}
