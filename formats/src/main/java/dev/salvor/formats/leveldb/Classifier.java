package dev.salvor.formats.leveldb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies every version of one user key, given newest first (internal-key order):
 * <ul>
 *   <li>the newest trusted version is {@code live} if it is a value, {@code deleted} if it is a deletion marker;</li>
 *   <li>when the newest trusted version is a deletion, every older version is {@code deleted} too (the values the
 *       marker hid); otherwise older versions are {@code superseded};</li>
 *   <li>versions whose unit failed its checksum are never live: {@code superseded}/{@code deleted} when a newer
 *       trusted version exists, else {@code unverified};</li>
 *   <li>identical trusted copies of one write (same sequence, type, key, value) are reported once, with the other
 *       copies listed.</li>
 * </ul>
 */
final class Classifier {
    private Classifier() {
    }

    static void classify(List<Entry> group, boolean maybeStale, RecordSink sink) throws IOException {
        Entry newest = null;
        for (Entry e : group) {
            if (e.crcOk()) {
                newest = e;
                break;
            }
        }
        boolean deletedNow = newest != null && newest.type() == ValueType.DELETION;
        int i = 0;
        while (i < group.size()) {
            Entry e = group.get(i);
            List<Entry> copies = new ArrayList<>(0);
            int j = i + 1;
            if (e.crcOk()) {
                while (j < group.size() && group.get(j).crcOk() && group.get(j).sameWrite(e)) {
                    copies.add(group.get(j));
                    j++;
                }
            }
            RecordState state;
            if (!e.crcOk()) {
                state = newest != null && newest.sequence() > e.sequence() ? (deletedNow ? RecordState.DELETED
                        : RecordState.SUPERSEDED) : RecordState.UNVERIFIED;
            } else if (newest != null && e.sequence() == newest.sequence() && e.sameWrite(newest)) {
                state = deletedNow ? RecordState.DELETED : RecordState.LIVE;
            } else {
                state = deletedNow ? RecordState.DELETED : RecordState.SUPERSEDED;
            }
            sink.accept(e, state, copies, maybeStale);
            i = j;
        }
    }
}
