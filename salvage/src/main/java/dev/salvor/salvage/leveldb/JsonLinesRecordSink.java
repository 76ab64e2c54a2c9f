package dev.salvor.salvage.leveldb;

import dev.salvor.formats.leveldb.Entry;
import dev.salvor.formats.leveldb.EntryUnit;
import dev.salvor.formats.leveldb.RecordSink;
import dev.salvor.formats.leveldb.RecordState;
import dev.salvor.formats.leveldb.ValueType;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.JsonLineWriter;
import dev.salvor.salvage.report.JsonLineWriter.Name;
import dev.salvor.salvage.report.JsonLinesOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Writes LevelDB records as JSON Lines, schema v1:
 * <pre>{"format":"leveldb","file":"000005.ldb","offset":4096,"seq":1234,"op":"put","key":…,"value":…,
 * "state":"live","crc_ok":true, …}</pre>
 * plus {@code unit}, {@code offset_in_block} (tables) or {@code batch_index} (logs), {@code level} when known,
 * {@code copies} and {@code maybe_stale} when they apply, and the members of a layer over LevelDB
 * ({@link RecordMembers}: Chromium's {@code "indexeddb"}, {@code "localstorage"}, {@code "sessionstorage"}). Written by a {@link JsonLineWriter}: the bytes Jackson
 * wrote for these records before.
 */
public final class JsonLinesRecordSink implements RecordSink, AutoCloseable {
    private static final Name FORMAT = Name.of("format");
    private static final JsonLineWriter.Text LEVELDB = JsonLineWriter.Text.of("leveldb");
    private static final JsonLineWriter.Text PUT = JsonLineWriter.Text.of("put");
    private static final JsonLineWriter.Text DELETE = JsonLineWriter.Text.of("delete");
    private static final Name FILE = Name.of("file");
    private static final Name OFFSET = Name.of("offset");
    private static final Name UNIT = Name.of("unit");
    private static final Name OFFSET_IN_BLOCK = Name.of("offset_in_block");
    private static final Name BATCH_INDEX = Name.of("batch_index");
    private static final Name LEVEL = Name.of("level");
    private static final Name SEQ = Name.of("seq");
    private static final Name OP = Name.of("op");
    private static final Name KEY = Name.of("key");
    private static final Name VALUE = Name.of("value");
    private static final Name STATE = Name.of("state");
    private static final Name CRC_OK = Name.of("crc_ok");
    private static final Name MAYBE_STALE = Name.of("maybe_stale");
    private static final Name COPIES = Name.of("copies");
    private static final Name LEFT_OUT = Name.of("left_out");

    private final JsonLinesOutput out;
    private final ImageOffsets imageOffsets;
    private final RecordMembers members;

    public JsonLinesRecordSink(OutputStream out) {
        this(out, ImageOffsets.NONE);
    }

    /** Records that start with {@code image_offset} where {@code imageOffsets} knows the record's place. */
    public JsonLinesRecordSink(OutputStream out, ImageOffsets imageOffsets) {
        this(out, imageOffsets, null);
    }

    /**
     * As {@link #JsonLinesRecordSink(OutputStream, ImageOffsets)}, each record also carrying the members
     * {@code members} describes (a layer over LevelDB: Chromium's stores), written after {@code copies}; null for
     * none.
     */
    public JsonLinesRecordSink(OutputStream out, ImageOffsets imageOffsets, RecordMembers members) {
        this.out = new JsonLinesOutput(out);
        this.imageOffsets = imageOffsets;
        this.members = members;
    }

    /** The layer's members, or null. */
    public RecordMembers members() {
        return members;
    }

    /**
     * What the layer adds to this record (see {@link RecordMembers#describe}); to be called on the merging thread, in
     * merge order, once per record. Null without a layer.
     */
    public Object describe(Entry e, RecordState state) {
        return members == null ? null : members.describe(e, state);
    }

    @Override
    public void accept(Entry e, RecordState state, List<Entry> copies, boolean maybeStale) throws IOException {
        write(e, state, copies, maybeStale, null, describe(e, state));
    }

    /**
     * One record as {@link #accept(Entry, RecordState, List, boolean)} writes it, ending with
     * {@code "left_out":"<reason>"} when {@code leftOut} is not null (what {@code salvor rebuild} left out of the
     * new database, and why).
     */
    public void accept(Entry e, RecordState state, List<Entry> copies, boolean maybeStale, String leftOut)
            throws IOException {
        write(e, state, copies, maybeStale, leftOut, describe(e, state));
    }

    /**
     * Writes one record with the layer's members {@code described} (what {@link #describe} returned for it, or
     * null): the writing half of {@link #accept}, for a writer on another thread ({@link ParallelJsonRecordSink}).
     */
    public void write(Entry e, RecordState state, List<Entry> copies, boolean maybeStale, String leftOut,
                      Object described) throws IOException {
        JsonLineWriter j = out.begin(imageOffsets.of(e.file(), e.offset()));
        j.name(FORMAT);
        j.string(LEVELDB);
        j.name(FILE);
        j.string(e.file());
        j.name(OFFSET);
        j.number(e.offset());
        j.name(UNIT);
        j.string(e.unit().id());
        j.name(e.unit() == EntryUnit.TABLE ? OFFSET_IN_BLOCK : BATCH_INDEX);
        j.number(e.offsetInBlock());
        if (e.level() >= 0) {
            j.name(LEVEL);
            j.number(e.level());
        }
        j.name(SEQ);
        j.number(e.sequence());
        j.name(OP);
        j.string(e.type() == ValueType.VALUE ? PUT : DELETE);
        j.name(KEY);
        j.bytes(e.userKey());
        j.name(VALUE);
        j.bytes(e.type() == ValueType.VALUE ? e.value() : null);
        j.name(STATE);
        j.string(state.id());
        j.name(CRC_OK);
        j.bool(e.crcOk());
        if (maybeStale) {
            j.name(MAYBE_STALE);
            j.bool(true);
        }
        if (!copies.isEmpty()) {
            j.name(COPIES);
            j.beginArray();
            for (Entry c : copies) {
                j.beginObject();
                j.name(FILE);
                j.string(c.file());
                j.name(OFFSET);
                j.number(c.offset());
                j.name(UNIT);
                j.string(c.unit().id());
                j.endObject();
            }
            j.endArray();
        }
        if (described != null) {
            members.write(j, described);
        }
        if (leftOut != null) {
            j.name(LEFT_OUT);
            j.string(leftOut);
        }
        out.end(state.id());
    }

    /** Records written, by state. */
    public Map<String, Long> counts() {
        return out.counts();
    }

    /** Writes what is pending and flushes; the stream stays open. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
