package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A version edit: the payload of every logical record in a {@code MANIFEST-*} file. A sequence of tagged fields,
 * each tag a varint32:
 *
 * <table>
 *   <caption>Version edit fields</caption>
 *   <tr><th>Tag</th><th>Field</th><th>Encoding</th></tr>
 *   <tr><td>1</td><td>comparator name</td><td>length-prefixed string</td></tr>
 *   <tr><td>2</td><td>log number</td><td>varint64</td></tr>
 *   <tr><td>3</td><td>next file number</td><td>varint64</td></tr>
 *   <tr><td>4</td><td>last sequence</td><td>varint64</td></tr>
 *   <tr><td>5</td><td>compact pointer</td><td>varint32 level, length-prefixed internal key</td></tr>
 *   <tr><td>6</td><td>deleted file</td><td>varint32 level, varint64 file number</td></tr>
 *   <tr><td>7</td><td>new file</td><td>varint32 level, varint64 number, varint64 size, length-prefixed smallest
 *       and largest internal keys</td></tr>
 *   <tr><td>8</td><td>(large value ref, retired)</td><td>reported as an unknown tag</td></tr>
 *   <tr><td>9</td><td>previous log number</td><td>varint64</td></tr>
 * </table>
 *
 * <p>Salvage rules: an unknown tag or a field that cannot be decoded (truncated, bad varint, internal key shorter
 * than 8 bytes or with an unknown type) is reported and ends decoding; everything decoded before it is kept. A level
 * outside 0-6 (LevelDB's {@code kNumLevels}) or a last sequence over 2<sup>56</sup>-1 is reported but kept, since the
 * field itself decoded. A field repeated in one edit keeps its last value, as LevelDB does.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/db/version_edit.cc">leveldb db/version_edit.cc</a>
 */
public final class VersionEdit {
    /** LevelDB's {@code config::kNumLevels}. */
    public static final int NUM_LEVELS = 7;

    static final int TAG_COMPARATOR = 1;
    static final int TAG_LOG_NUMBER = 2;
    static final int TAG_NEXT_FILE_NUMBER = 3;
    static final int TAG_LAST_SEQUENCE = 4;
    static final int TAG_COMPACT_POINTER = 5;
    static final int TAG_DELETED_FILE = 6;
    static final int TAG_NEW_FILE = 7;
    static final int TAG_PREV_LOG_NUMBER = 9;

    /** A compaction pointer (tag 5): where the next compaction of {@code level} starts. */
    public record CompactPointer(int level, InternalKey key) {
    }

    /** A table removed from a level (tag 6). */
    public record DeletedFile(int level, long number) {
    }

    private String comparator;
    private Long logNumber;
    private Long prevLogNumber;
    private Long nextFileNumber;
    private Long lastSequence;
    private final List<CompactPointer> compactPointers = new ArrayList<>();
    private final List<DeletedFile> deletedFiles = new ArrayList<>();
    private final List<FileMetaData> newFiles = new ArrayList<>();
    private boolean complete = true;

    private VersionEdit() {
    }

    /**
     * Decodes an edit whose extent in the file is unknown: damages carry {@code offset} and length 0. Prefer
     * {@link #decode(LogicalRecord, DamageSink)}.
     */
    public static VersionEdit decode(byte[] payload, String resource, long offset, DamageSink sink) {
        return decode(payload, resource, offset, 0, sink);
    }

    /** Decodes a logical record's payload; damages span the record in the file. */
    public static VersionEdit decode(LogicalRecord record, DamageSink sink) {
        return decode(record.payload(), record.resource(), record.offset(), record.length(), sink);
    }

    /**
     * Decodes an edit; damages are located at {@code [offset, offset+length)} (the whole logical record) and name
     * the payload position in their detail. Never returns null.
     */
    public static VersionEdit decode(byte[] payload, String resource, long offset, long length, DamageSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(sink, "sink");
        VersionEdit e = new VersionEdit();
        ByteCursor in = new ByteCursor(payload);
        while (in.hasRemaining()) {
            int at = in.position();
            int tag;
            try {
                tag = in.readVarint32();
            } catch (Malformed m) {
                e.fail(sink, new Damage(resource, offset, length, m.kind(), null, null,
                        "bad version edit tag at payload +" + at + ": " + m.detail()));
                break;
            }
            String field = fieldName(tag);
            if (field == null) {
                e.fail(sink, new Damage(resource, offset, length, DamageKind.BAD_RECORD, "1-7 or 9",
                        Integer.toUnsignedString(tag), "unknown version edit tag at payload +" + at
                        + " (not a LevelDB MANIFEST, or damaged)"));
                break;
            }
            try {
                e.decodeField(tag, in, resource, offset, length, at, sink);
            } catch (Malformed m) {
                e.fail(sink, new Damage(resource, offset, length, m.kind(), null, null,
                        "bad version edit " + field + " (tag " + tag + ") at payload +" + at + ": " + m.detail()
                        + " at payload +" + m.position()));
                break;
            }
        }
        return e;
    }

    private void decodeField(int tag, ByteCursor in, String resource, long offset, long length, int at,
                             DamageSink sink) {
        switch (tag) {
            case TAG_COMPARATOR -> comparator = new String(WriteBatch.lengthPrefixed(in, "comparator name"),
                    StandardCharsets.UTF_8);
            case TAG_LOG_NUMBER -> logNumber = in.readVarint64();
            case TAG_PREV_LOG_NUMBER -> prevLogNumber = in.readVarint64();
            case TAG_NEXT_FILE_NUMBER -> nextFileNumber = in.readVarint64();
            case TAG_LAST_SEQUENCE -> {
                long v = in.readVarint64();
                lastSequence = v;
                if (Long.compareUnsigned(v, LogFormat.MAX_SEQUENCE) > 0) {
                    fail(sink, new Damage(resource, offset, length, DamageKind.BAD_RECORD,
                            "<= " + LogFormat.MAX_SEQUENCE, Long.toUnsignedString(v),
                            "version edit last sequence is impossible (over 56 bits) at payload +" + at));
                }
            }
            case TAG_COMPACT_POINTER -> {
                int level = in.readVarint32();
                InternalKey key = readInternalKey(in, "compact pointer key");
                checkLevel(level, "compact pointer", resource, offset, length, at, sink);
                compactPointers.add(new CompactPointer(level, key));
            }
            case TAG_DELETED_FILE -> {
                int level = in.readVarint32();
                long number = in.readVarint64();
                checkLevel(level, "deleted file", resource, offset, length, at, sink);
                deletedFiles.add(new DeletedFile(level, number));
            }
            case TAG_NEW_FILE -> {
                int level = in.readVarint32();
                long number = in.readVarint64();
                long size = in.readVarint64();
                InternalKey smallest = readInternalKey(in, "smallest key");
                InternalKey largest = readInternalKey(in, "largest key");
                checkLevel(level, "new file", resource, offset, length, at, sink);
                newFiles.add(new FileMetaData(level, number, size, smallest, largest));
            }
            default -> throw new IllegalStateException("tag " + tag);
        }
    }

    /** A length-prefixed internal key; a decoding failure is positioned in the payload, not in the key. */
    private static InternalKey readInternalKey(ByteCursor in, String what) {
        byte[] raw = WriteBatch.lengthPrefixed(in, what);
        int keyAt = in.position() - raw.length;
        try {
            return InternalKey.decode(raw);
        } catch (Malformed m) {
            throw new Malformed(m.kind(), keyAt + m.position(), what + ": " + m.detail());
        }
    }

    private void checkLevel(int level, String field, String resource, long offset, long length, int at,
                            DamageSink sink) {
        if (level < 0 || level >= NUM_LEVELS) {
            fail(sink, new Damage(resource, offset, length, DamageKind.BAD_RECORD, "0-" + (NUM_LEVELS - 1),
                    Integer.toUnsignedString(level), "version edit " + field + " level out of range at payload +"
                    + at + " (kept; not a LevelDB MANIFEST, or damaged)"));
        }
    }

    private void fail(DamageSink sink, Damage d) {
        complete = false;
        sink.report(d);
    }

    private static String fieldName(int tag) {
        return switch (tag) {
            case TAG_COMPARATOR -> "comparator";
            case TAG_LOG_NUMBER -> "log number";
            case TAG_NEXT_FILE_NUMBER -> "next file number";
            case TAG_LAST_SEQUENCE -> "last sequence";
            case TAG_COMPACT_POINTER -> "compact pointer";
            case TAG_DELETED_FILE -> "deleted file";
            case TAG_NEW_FILE -> "new file";
            case TAG_PREV_LOG_NUMBER -> "prev log number";
            default -> null;
        };
    }

    /**
     * The single edit of a new database's MANIFEST: its comparator, log number, next file number, last sequence and
     * its tables ({@code VersionEdit::EncodeTo} writes these fields in this order).
     */
    public static VersionEdit snapshot(String comparator, long logNumber, long nextFileNumber, long lastSequence,
                                       List<FileMetaData> newFiles) {
        VersionEdit e = new VersionEdit();
        e.comparator = Objects.requireNonNull(comparator, "comparator");
        e.logNumber = logNumber;
        e.nextFileNumber = nextFileNumber;
        e.lastSequence = lastSequence;
        e.newFiles.addAll(newFiles);
        return e;
    }

    /**
     * The encoding {@code VersionEdit::EncodeTo} writes: tags 1, 2, 9, 3, 4, 5, 6, 7 for the fields present, in
     * that order.
     */
    public byte[] encode() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (comparator != null) {
            putVarint(out, TAG_COMPARATOR);
            putLengthPrefixed(out, comparator.getBytes(StandardCharsets.UTF_8));
        }
        putOptional(out, TAG_LOG_NUMBER, logNumber);
        putOptional(out, TAG_PREV_LOG_NUMBER, prevLogNumber);
        putOptional(out, TAG_NEXT_FILE_NUMBER, nextFileNumber);
        putOptional(out, TAG_LAST_SEQUENCE, lastSequence);
        for (CompactPointer p : compactPointers) {
            putVarint(out, TAG_COMPACT_POINTER);
            putVarint(out, p.level());
            putLengthPrefixed(out, p.key().encode());
        }
        for (DeletedFile d : deletedFiles) {
            putVarint(out, TAG_DELETED_FILE);
            putVarint(out, d.level());
            putVarint(out, d.number());
        }
        for (FileMetaData f : newFiles) {
            putVarint(out, TAG_NEW_FILE);
            putVarint(out, f.level());
            putVarint(out, f.number());
            putVarint(out, f.fileSize());
            putLengthPrefixed(out, f.smallest().encode());
            putLengthPrefixed(out, f.largest().encode());
        }
        return out.toByteArray();
    }

    private static void putOptional(java.io.ByteArrayOutputStream out, int tag, Long value) {
        if (value != null) {
            putVarint(out, tag);
            putVarint(out, value);
        }
    }

    private static void putVarint(java.io.ByteArrayOutputStream out, long v) {
        BlockHandle.putVarint64(out, v);
    }

    private static void putLengthPrefixed(java.io.ByteArrayOutputStream out, byte[] b) {
        putVarint(out, b.length);
        out.write(b, 0, b.length);
    }

    /** Comparator name (tag 1), if present. */
    public Optional<String> comparator() {
        return Optional.ofNullable(comparator);
    }

    /** Log number (tag 2), if present. */
    public OptionalLong logNumber() {
        return opt(logNumber);
    }

    /** Previous log number (tag 9), if present. */
    public OptionalLong prevLogNumber() {
        return opt(prevLogNumber);
    }

    /** Next file number (tag 3), if present. */
    public OptionalLong nextFileNumber() {
        return opt(nextFileNumber);
    }

    /** Last sequence number (tag 4), if present. */
    public OptionalLong lastSequence() {
        return opt(lastSequence);
    }

    /** Compaction pointers (tag 5), in file order (unmodifiable). */
    public List<CompactPointer> compactPointers() {
        return Collections.unmodifiableList(compactPointers);
    }

    /** Deleted files (tag 6), in file order (unmodifiable). */
    public List<DeletedFile> deletedFiles() {
        return Collections.unmodifiableList(deletedFiles);
    }

    /** New files (tag 7), in file order (unmodifiable). */
    public List<FileMetaData> newFiles() {
        return Collections.unmodifiableList(newFiles);
    }

    /** True when the whole payload decoded and no damage was reported. */
    public boolean complete() {
        return complete;
    }

    private static OptionalLong opt(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VersionEdit{");
        if (comparator != null) {
            sb.append(" comparator=").append(comparator);
        }
        if (logNumber != null) {
            sb.append(" log=").append(Long.toUnsignedString(logNumber));
        }
        if (prevLogNumber != null) {
            sb.append(" prevLog=").append(Long.toUnsignedString(prevLogNumber));
        }
        if (nextFileNumber != null) {
            sb.append(" nextFile=").append(Long.toUnsignedString(nextFileNumber));
        }
        if (lastSequence != null) {
            sb.append(" lastSeq=").append(Long.toUnsignedString(lastSequence));
        }
        compactPointers.forEach(c -> sb.append(" compact=").append(c));
        deletedFiles.forEach(d -> sb.append(" deleted=").append(d));
        newFiles.forEach(f -> sb.append(" new=").append(f));
        return sb.append(complete ? " }" : " (incomplete) }").toString();
    }
}
