package dev.salvor.salvage.leveldb;

import java.nio.file.Path;

/**
 * One file of a LevelDB database as found on disk.
 *
 * @param path   where it is
 * @param name   display name (relative to the directory the user named)
 * @param role   what it is
 * @param number the file number parsed from the name ({@code 000005.ldb} → 5), or -1
 * @param why    how the role was decided ("table magic in footer", "name only: footer damaged", ...)
 */
public record LevelDbFile(Path path, String name, FileRole role, long number, String why) {
}
