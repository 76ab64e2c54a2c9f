package dev.salvor.formats.leveldb;

import java.io.IOException;
import java.util.List;

/** Receives classified LevelDB records in internal-key order. */
public interface RecordSink {

    /**
     * One record.
     *
     * @param entry      the copy reported (the first one found in file order among identical copies)
     * @param state      what the copy is among the versions of its key
     * @param copies     other physical copies of the same write (a log record and its flushed table entry, a
     *                   table and its compaction output), possibly empty
     * @param maybeStale true when a newer version of the key may have been lost in a damaged unit
     */
    void accept(Entry entry, RecordState state, List<Entry> copies, boolean maybeStale) throws IOException;
}
