package dev.salvor.salvage.leveldb;

/**
 * A run option: the LevelDB files of the input are loose tables and logs (carved out of an image), not a database
 * directory. They have no CURRENT or MANIFEST of their own, so the absence of those is not damage of what was read.
 */
public enum LooseFiles {
    /** Tables and logs carved out of a raw image. */
    CARVED
}
