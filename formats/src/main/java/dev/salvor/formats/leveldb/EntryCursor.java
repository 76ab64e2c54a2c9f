package dev.salvor.formats.leveldb;

/** A source of entries in internal-key order, for the k-way merge. */
interface EntryCursor {

    /** The next entry without consuming it, or null at the end. */
    Entry peek();

    /** Consumes and returns the next entry (null at the end). */
    Entry next();
}
