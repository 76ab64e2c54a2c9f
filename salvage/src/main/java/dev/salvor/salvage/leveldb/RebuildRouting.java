package dev.salvor.salvage.leveldb;

import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.FileMetaData;
import dev.salvor.formats.leveldb.LogFormat;
import dev.salvor.formats.leveldb.RecordSink;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.SortedRunWriter;
import dev.salvor.formats.leveldb.TableStyle;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.JsonBytes;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder.RebuildRefused;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes each salvaged record, received in internal-key order (a key's versions newest first), to the new database
 * or to the left-out JSON Lines:
 * <ul>
 *   <li>the key's {@code live} version (its newest trusted version, a value) is written with its sequence number;
 *   </li>
 *   <li>with {@code --include-unverified}, a key's newest {@code unverified} version (from a block whose checksum
 *       failed, newer than any trusted version) decides the key instead: a value is written, a deletion leaves the
 *       key out;</li>
 *   <li>everything else is left out with its reason: {@code superseded}, {@code deleted}, {@code unverified}
 *       (not asked for), {@code superseded_by_unverified} / {@code deleted_by_unverified} (an unverified version
 *       decided the key), {@code out_of_order} (a key that would break the table's order: never expected from the
 *       salvager's merge, kept out rather than written wrong).</li>
 * </ul>
 * Every record is counted by state exactly as {@code salvage} counts it. The database directory is created at the
 * first written record (or at {@link #finish()}), after the comparator is known to be one salvor can order. The new
 * database's last sequence is the largest sequence of a verified record (or of a record written).
 */
final class RebuildRouting implements RecordSink {
    /** Keys flagged {@code maybe_stale} listed in the report, at most. */
    static final int STALE_KEYS_LISTED = 1000;

    /** The comparator check, run before anything is written. */
    interface ComparatorCheck {
        LevelDbRebuilder.ComparatorName get() throws RebuildRefused;
    }

    private final RebuildTarget target;
    private final JsonLinesRecordSink leftOut;
    private final TableStyle style;
    private final ComparatorCheck check;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, Long> leftOutCounts = new LinkedHashMap<>();
    private final List<Object> staleKeys = new ArrayList<>();
    private LevelDbRebuilder.ComparatorName comparator;
    private SortedRunWriter writer;
    private List<FileMetaData> tables = List.of();
    private byte[] currentKey;
    /** The current key's version is decided: written, or hidden by a deletion. */
    private boolean decided;
    /** How it was decided, when by an unverified version: "superseded_by_unverified" or "deleted_by_unverified". */
    private String decidedByUnverified;
    private boolean currentKeyStale;
    private byte[] lastWritten;
    private long staleCount;
    private long written;
    private long lastSequence;

    RebuildRouting(RebuildTarget target, JsonLinesRecordSink leftOut, TableStyle style, ComparatorCheck check) {
        this.target = target;
        this.leftOut = leftOut;
        this.style = style;
        this.check = check;
    }

    @Override
    public void accept(Entry e, RecordState state, List<Entry> copies, boolean maybeStale) throws IOException {
        if (comparator == null) {
            comparator = check.get();
        }
        counts.merge(state.id(), 1L, Long::sum);
        if (e.crcOk()) {
            lastSequence = Math.max(lastSequence, e.sequence()); // an unverified sequence may be any 56-bit junk
        }
        if (currentKey == null || !comparator.order().sameKey(currentKey, e.userKey())) {
            currentKey = e.userKey();
            decided = false;
            decidedByUnverified = null;
            currentKeyStale = false;
        }
        if (maybeStale && !currentKeyStale) {
            currentKeyStale = true;
            staleCount++;
            if (staleKeys.size() < STALE_KEYS_LISTED) {
                staleKeys.add(keyForReport(e.userKey()));
            }
        }
        String reason = route(e, state);
        if (reason == null) {
            write(e);
        } else {
            leftOutCounts.merge(reason, 1L, Long::sum);
            leftOut.accept(e, state, copies, maybeStale, reason);
        }
    }

    /** Null to write the record, else why it is left out. */
    private String route(Entry e, RecordState state) {
        boolean unverifiedDecides = state == RecordState.UNVERIFIED && target.options().includeUnverified();
        if (state != RecordState.LIVE && !unverifiedDecides) {
            return state.id();
        }
        if (decided) {
            return decidedByUnverified != null ? decidedByUnverified : "superseded";
        }
        decided = true;
        if (unverifiedDecides) {
            decidedByUnverified = e.type() == ValueType.VALUE ? "superseded_by_unverified" : "deleted_by_unverified";
            if (e.type() == ValueType.DELETION) {
                return "deleted";
            }
        }
        if (lastWritten != null && comparator.order().compare(e.userKey(), lastWritten) <= 0
                || e.sequence() < 0 || e.sequence() > LogFormat.MAX_SEQUENCE) {
            return "out_of_order";
        }
        return null;
    }

    private void write(Entry e) throws IOException {
        if (writer == null) {
            open();
        }
        writer.put(e.userKey(), e.sequence(), e.value());
        lastSequence = Math.max(lastSequence, e.sequence());
        lastWritten = e.userKey();
        written++;
    }

    private void open() throws IOException {
        if (comparator == null) {
            comparator = check.get();
        }
        writer = new SortedRunWriter(target.database(), style.compression(), style.bloomFilter(), comparator.order());
    }

    /** Writes the MANIFEST and CURRENT (an empty database when nothing was written) and the counts. */
    void finish() throws IOException {
        if (writer == null) {
            open();
        }
        tables = writer.finish(comparator.name(), lastSequence);
        target.written(written);
        leftOutCounts.forEach(target::leftOut);
    }

    /** Closes a table left open by a failed run (the command removes the staging directory). */
    void abandon() {
        if (writer != null) {
            writer.abandon();
        }
    }

    /** Records by state, as {@code salvage} counts them. */
    Map<String, Long> counts() {
        return counts;
    }

    List<FileMetaData> tables() {
        return tables;
    }

    LevelDbRebuilder.ComparatorName comparator() {
        return comparator;
    }

    long lastSequence() {
        return lastSequence;
    }

    long maybeStaleCount() {
        return staleCount;
    }

    List<Object> maybeStaleKeys() {
        return staleKeys;
    }

    /** A key as records show it: the text when it is UTF-8, else {@code {"base64": ...}}. */
    private static Object keyForReport(byte[] key) {
        if (JsonBytes.isUtf8(key)) {
            return new String(key, StandardCharsets.UTF_8);
        }
        return Map.of("base64", Base64.getEncoder().encodeToString(key));
    }
}
