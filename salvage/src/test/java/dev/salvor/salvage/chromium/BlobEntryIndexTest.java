package dev.salvor.salvage.chromium;

import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.formats.v8.ExternalObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which blob-entry version belongs to which data version of one IndexedDB key: the oldest blob entry at or after
 * the data version's sequence and before the key's next data version (given by the writing pass); a deletion there
 * means no external objects. Only blob entries are kept.
 */
class BlobEntryIndexTest {
    /** Encoded IndexedDB key (a string "k" in the LevelDB backend's encoding: type 1, length 1, UTF-16BE). */
    private static final byte[] KEY = {1, 1, 0, 'k'};

    private static byte[] key(int indexId) {
        byte[] k = new byte[4 + KEY.length];
        k[0] = 0;            // one byte each for database, object store and index ids
        k[1] = 1;
        k[2] = 1;
        k[3] = (byte) indexId;
        System.arraycopy(KEY, 0, k, 4, KEY.length);
        return k;
    }

    /** A blob-entry value holding one Blob: type 0, blob number, MIME type "t" (UTF-16BE), size. */
    private static byte[] blob(int number, int size) {
        return new byte[]{0, (byte) number, 1, 0, 't', (byte) size};
    }

    private static Entry entry(byte[] key, long seq, byte[] value) {
        return new Entry(key, seq, value == null ? ValueType.DELETION : ValueType.VALUE, value, "000003.log",
                EntryUnit.LOG, 0, 0, true, -1);
    }

    @Test
    void eachDataVersionOwnsTheBlobEntryWrittenWithIt() throws Exception {
        BlobEntryIndex index = new BlobEntryIndex();
        // data versions 30, 20, 10 are not kept: the writing pass knows each version's newer one
        index.accept(entry(key(1), 30, new byte[]{9}), RecordState.LIVE, List.of(), false);
        for (Entry e : List.of(entry(key(3), 31, blob(5, 50)), entry(key(3), 21, null), entry(key(3), 11, blob(4, 40)))) {
            index.accept(e, RecordState.LIVE, List.of(), false);
        }
        List<ExternalObject> first = index.objectsOf(key(1), 10, 20);
        assertEquals(1, first.size());
        assertEquals(4, first.get(0).blobNumber());
        assertEquals(40, first.get(0).size());
        assertTrue(index.objectsOf(key(1), 20, 30).isEmpty(), "the second version's blob entry was deleted");
        assertEquals(5, index.objectsOf(key(1), 30, Long.MAX_VALUE).get(0).blobNumber());
        assertTrue(index.objectsOf(key(1), 40, Long.MAX_VALUE).isEmpty(), "no blob entry after the newest version");
    }

    @Test
    void aBlobEntryBeyondTheNextDataVersionIsNotTaken() throws Exception {
        BlobEntryIndex index = new BlobEntryIndex();
        index.accept(entry(key(3), 21, blob(5, 50)), RecordState.LIVE, List.of(), false);
        assertTrue(index.objectsOf(key(1), 10, 20).isEmpty(), "version 10 had no blob entry of its own");
        assertEquals(5, index.objectsOf(key(1), 20, Long.MAX_VALUE).get(0).blobNumber());
    }

    @Test
    void keysThatAreNotChromiumsAndUndecodableEntriesGiveNothing() throws Exception {
        BlobEntryIndex index = new BlobEntryIndex();
        index.accept(entry(new byte[0], 1, new byte[]{1}), RecordState.LIVE, List.of(), false);
        index.accept(entry(new byte[]{(byte) 0xE0}, 2, new byte[]{1}), RecordState.LIVE, List.of(), false);
        index.accept(entry(key(1), 10, new byte[]{7}), RecordState.LIVE, List.of(), false);
        index.accept(entry(key(3), 11, new byte[]{0, (byte) 0x80}), RecordState.LIVE, List.of(), false); // cut varint
        assertTrue(index.objectsOf(key(1), 10, Long.MAX_VALUE).isEmpty());
        assertTrue(index.objectsOf(new byte[0], 1, Long.MAX_VALUE).isEmpty());
    }
}
