package dev.salvor.formats.carve;

/**
 * One confirmed artifact found in an image.
 *
 * @param kind        what was found
 * @param offset      byte offset of its first byte in the image
 * @param length      its length in bytes
 * @param confirmedBy how it was confirmed (the checks that passed, in words)
 * @param damage      number of damage reports the confirming parser made over the whole extent (0 = intact)
 */
public record Artifact(Kind kind, long offset, long length, String confirmedBy, int damage) {

    /** The kinds of artifact the carver recognises. */
    public enum Kind {
        /** A LevelDB table file ({@code .ldb}), found by its footer magic. */
        LEVELDB_TABLE("leveldb-table", "ldb"),
        /** A run of LevelDB log blocks ({@code .log}). */
        LEVELDB_LOG("leveldb-log", "log"),
        /** A run of LevelDB table blocks without footer (a fragment of a table), written as a footerless table. */
        LEVELDB_BLOCKS("leveldb-blocks", "ldb"),
        /** A run of hash-chained JSON events whose hashes verify ({@code .jsonl}; a whole array segment as is). */
        JSONLOG_EVENTS("jsonlog-events", "jsonl"),
        /** A SQLite main database file. */
        SQLITE_DATABASE("sqlite-database", "sqlite"),
        /** A SQLite write-ahead log: its header and the frames that verify. */
        SQLITE_WAL("sqlite-wal", "sqlite-wal"),
        /** A SQLite rollback journal: its header(s) and the page records whose checksums hold. */
        SQLITE_JOURNAL("sqlite-journal", "sqlite-journal"),
        /** A run of consecutive SQLite b-tree pages of one page size outside any carved database (no header). */
        SQLITE_PAGES("sqlite-pages", "sqlite-pages");

        private final String id;
        private final String extension;

        Kind(String id, String extension) {
            this.id = id;
            this.extension = extension;
        }

        /** Stable id used in the manifest. */
        public String id() {
            return id;
        }

        /** File name extension of the carved file. */
        public String extension() {
            return extension;
        }
    }

    /** End offset (exclusive) in the image. */
    public long end() {
        return offset + length;
    }
}
