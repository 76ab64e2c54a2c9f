package dev.salvor.formats.leveldb;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The database version a MANIFEST describes, built by applying its version edits in order (as
 * {@code VersionSet::Recover} does): the comparator, the last sequence, the next file number and the set of live
 * table files with their level and size.
 */
public final class ManifestState {
    private String comparator;
    private long lastSequence = -1;
    private long nextFileNumber = -1;
    private long logNumber = -1;
    private long prevLogNumber = -1;
    private long edits;
    private final Map<Long, FileMetaData> liveFiles = new TreeMap<>();

    /** The state before the first edit: nothing known, no live file. */
    public ManifestState() {
    }

    /** Applies one edit. */
    public void apply(VersionEdit e) {
        edits++;
        e.comparator().ifPresent(c -> comparator = c);
        e.lastSequence().ifPresent(v -> lastSequence = v);
        e.nextFileNumber().ifPresent(v -> nextFileNumber = v);
        e.logNumber().ifPresent(v -> logNumber = v);
        e.prevLogNumber().ifPresent(v -> prevLogNumber = v);
        e.deletedFiles().forEach(d -> liveFiles.remove(d.number()));
        for (FileMetaData f : e.newFiles()) {
            liveFiles.put(f.number(), f);
        }
    }

    public String comparator() {
        return comparator;
    }

    public long lastSequence() {
        return lastSequence;
    }

    public long nextFileNumber() {
        return nextFileNumber;
    }

    public long logNumber() {
        return logNumber;
    }

    public long prevLogNumber() {
        return prevLogNumber;
    }

    public long edits() {
        return edits;
    }

    /** Live table files by number. */
    public Map<Long, FileMetaData> liveFiles() {
        return liveFiles;
    }

    /** Level of each live table, by file number. */
    public Map<Long, Integer> levels() {
        Map<Long, Integer> m = new HashMap<>();
        liveFiles.forEach((n, f) -> m.put(n, f.level()));
        return m;
    }

    /** True unless a comparator other than LevelDB's bytewise one is named. */
    public boolean bytewise() {
        return comparator == null || comparator.equals("leveldb.BytewiseComparator");
    }
}
