package dev.salvor.salvage.leveldb;

import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.salvage.report.JsonLineWriter;

import java.util.List;

/**
 * Members a layer over LevelDB adds to each salvaged record (Chromium's IndexedDB, Local and Session Storage: the
 * record's key and value decoded), in two steps so that serial and parallel writers give the same bytes:
 * {@link #describe} runs on the merging thread, record by record in merge order (a layer may learn from earlier
 * records, e.g. metadata that names later ones); {@link #write} renders what it returned, on whichever thread writes.
 */
public interface RecordMembers {
    /** What to add to this record (immutable, or never changed again), or null for nothing. */
    Object describe(Entry entry, RecordState state);

    /** Writes the members for {@code described} (a value {@link #describe} returned) into the open record. */
    void write(JsonLineWriter json, Object described);

    /** Observations once every record was described (e.g. orphan Session Storage maps). */
    List<String> notes();
}
