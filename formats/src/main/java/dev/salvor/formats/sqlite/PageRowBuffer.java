package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What {@link PageRows} finds on one page, kept as {@link FoundRow}s (built exactly as {@link RowEmission} builds
 * them) for the thread that hands them to {@link RowEmission#nonLive(FoundRow)} in page order. Its weight (about
 * the bytes the kept values hold) bounds how much a page may keep before it is handed over ({@link OrderedPages}).
 */
final class PageRowBuffer implements NonLiveRows {
    private List<FoundRow> rows = new ArrayList<>();
    private long weight;
    private final long limit;
    private final Consumer<PageRowBuffer> full;

    /** A buffer that keeps everything (one thread reads and emits). */
    PageRowBuffer() {
        this(Long.MAX_VALUE, b -> { });
    }

    /** A buffer that calls {@code full} each time what it keeps weighs more than {@code limit}. */
    PageRowBuffer(long limit, Consumer<PageRowBuffer> full) {
        this.limit = limit;
        this.full = full;
    }

    @Override
    public void nonLive(TableInfo t, String tableName, Long rowid, Record r, List<Integer> unknownStored,
                        RowSite at) {
        add(RowEmission.nonLiveRow(t, tableName, rowid, r, unknownStored, at));
    }

    @Override
    public void indexEntry(String index, List<Object> values, SqliteRow.IndexTarget to, RowSite at) {
        add(RowEmission.indexEntryRow(index, values, to, at));
    }

    void add(FoundRow row) {
        rows.add(row);
        weight += weight(row.values());
        if (weight > limit) {
            full.accept(this);
        }
    }

    /** About the bytes the values of the rows kept so far hold. */
    long weight() {
        return weight;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The rows kept so far, in the order they were found; the buffer is empty afterwards. */
    List<FoundRow> take() {
        List<FoundRow> out = rows;
        rows = new ArrayList<>();
        weight = 0;
        return out;
    }

    /** About the bytes {@code values} hold: text two bytes a character, blobs their length, 16 for the rest. */
    static long weight(List<Object> values) {
        long w = 64;
        for (Object v : values) {
            if (v instanceof String s) {
                w += 40 + 2L * s.length();
            } else if (v instanceof byte[] b) {
                w += 16 + b.length;
            } else {
                w += 16;
            }
        }
        return w;
    }
}
