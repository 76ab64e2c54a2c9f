package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A write batch: the payload of every logical record in a LevelDB {@code .log} file.
 *
 * <table>
 *   <caption>Write batch</caption>
 *   <tr><th>Offset</th><th>Size</th><th>Field</th></tr>
 *   <tr><td>0</td><td>8</td><td>sequence number of the first entry (fixed64 LE)</td></tr>
 *   <tr><td>8</td><td>4</td><td>count of entries (fixed32 LE)</td></tr>
 *   <tr><td>12</td><td>...</td><td>entries: tag 1 Put = varint32 key length, key, varint32 value length, value;
 *       tag 0 Delete = varint32 key length, key</td></tr>
 * </table>
 *
 * <p>Entry {@code i} has sequence number {@code sequence + i}. Decoding is salvage-style: damage is reported and the
 * entries decoded before it are kept. Sequence numbers are never used to drop anything (the MANIFEST's last sequence
 * can run ahead of the live log); numbers above 2<sup>56</sup>-1 are only flagged.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/db/write_batch.cc">leveldb db/write_batch.cc</a>
 */
public final class WriteBatch {
    /** Size of the sequence + count header. */
    public static final int HEADER_SIZE = 12;

    private static final int TAG_DELETE = 0;
    private static final int TAG_PUT = 1;

    private final long sequence;
    private final int count;
    private final List<BatchEntry> entries;
    private final boolean complete;

    private WriteBatch(long sequence, int count, List<BatchEntry> entries, boolean complete) {
        this.sequence = sequence;
        this.count = count;
        this.entries = Collections.unmodifiableList(entries);
        this.complete = complete;
    }

    /**
     * Decodes a batch whose extent in the file is unknown: damages carry {@code offset} and length 0. Prefer
     * {@link #decode(LogicalRecord, DamageSink)}.
     *
     * @param payload  the logical record's bytes
     * @param resource the log's name, for damages
     * @param offset   file offset of the logical record (its first header), for damages
     * @param sink     receives count mismatches, unknown tags, truncated entries, impossible sequence numbers
     * @return the batch with every entry decoded before the first damage; never null. A payload shorter than
     *         {@value #HEADER_SIZE} bytes gives an empty batch with sequence -1 and count -1
     */
    public static WriteBatch decode(byte[] payload, String resource, long offset, DamageSink sink) {
        return decode(payload, resource, offset, 0, sink);
    }

    /** Decodes a logical record's payload; damages span the record in the file. */
    public static WriteBatch decode(LogicalRecord record, DamageSink sink) {
        return decode(record.payload(), record.resource(), record.offset(), record.length(), sink);
    }

    /**
     * Decodes a batch; damages are located at {@code [offset, offset+length)} (the whole logical record: offsets
     * inside a fragmented payload do not map linearly to the file) and name the payload position in their detail.
     */
    public static WriteBatch decode(byte[] payload, String resource, long offset, long length, DamageSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(sink, "sink");
        if (payload.length < HEADER_SIZE) {
            sink.report(new Damage(resource, offset, length, DamageKind.TRUNCATED, HEADER_SIZE + " bytes",
                    payload.length + " bytes", "write batch shorter than its sequence/count header"));
            return new WriteBatch(-1, -1, new ArrayList<>(), false);
        }
        long sequence = ByteCursor.getFixed64(payload, 0);
        int count = ByteCursor.getFixed32(payload, 8);
        boolean complete = true;
        if (Long.compareUnsigned(sequence, LogFormat.MAX_SEQUENCE) > 0) {
            sink.report(new Damage(resource, offset, length, DamageKind.BAD_RECORD,
                    "<= " + LogFormat.MAX_SEQUENCE, Long.toUnsignedString(sequence),
                    "write batch sequence number is impossible (over 56 bits; damaged header)"));
            complete = false;
        }
        List<BatchEntry> entries = new ArrayList<>();
        ByteCursor in = new ByteCursor(payload, HEADER_SIZE, payload.length - HEADER_SIZE);
        while (in.hasRemaining()) {
            int index = entries.size();
            int at = in.position();
            int tag = in.readUnsignedByte();
            try {
                if (tag == TAG_PUT) {
                    byte[] key = lengthPrefixed(in, "key");
                    byte[] value = lengthPrefixed(in, "value");
                    entries.add(new BatchEntry(sequence + index, ValueType.VALUE, key, value, index));
                } else if (tag == TAG_DELETE) {
                    byte[] key = lengthPrefixed(in, "key");
                    entries.add(new BatchEntry(sequence + index, ValueType.DELETION, key, null, index));
                } else {
                    sink.report(new Damage(resource, offset, length, DamageKind.BAD_RECORD,
                            "0x00 (Delete) or 0x01 (Put)", String.format("0x%02x", tag),
                            "unknown write batch tag at payload +" + at + " (entry " + index + ")"));
                    complete = false;
                    break;
                }
            } catch (Malformed m) {
                // Built only on damage: the message costs an allocation per entry on the hot path otherwise.
                String what = (tag == TAG_PUT ? "Put" : "Delete") + " entry " + index + " (sequence "
                        + Long.toUnsignedString(sequence + index) + ") at payload +" + at;
                sink.report(new Damage(resource, offset, length, m.kind(), null, null,
                        "bad write batch " + what + ": " + m.detail() + " at payload +" + m.position()));
                complete = false;
                break;
            }
        }
        if (complete && entries.size() != count) {
            sink.report(new Damage(resource, offset, length, DamageKind.BAD_RECORD,
                    Integer.toUnsignedString(count), Integer.toString(entries.size()),
                    "write batch count does not match the entries present"));
            complete = false;
        }
        return new WriteBatch(sequence, count, entries, complete);
    }

    /**
     * A varint32 length and that many bytes (LevelDB's {@code GetLengthPrefixedSlice}); the length is checked against
     * the bytes left after the varint, so the message states exactly how many bytes are available.
     */
    static byte[] lengthPrefixed(ByteCursor in, String what) {
        int at = in.position();
        int n = in.readVarint32();
        if (n < 0 || n > in.remaining()) {
            throw new Malformed(DamageKind.BAD_LENGTH, at, what + " length " + Integer.toUnsignedString(n)
                    + " exceeds the " + in.remaining() + " bytes available");
        }
        return in.readBytes(n);
    }

    /** Sequence number of the first entry (unsigned 64-bit as stored), or -1 when the header is missing. */
    public long sequence() {
        return sequence;
    }

    /**
     * Entry count as stored in the header (unsigned 32-bit; use {@link Integer#toUnsignedLong} above 2<sup>31</sup>),
     * or -1 when the header is missing. May differ from {@code entries().size()} on damaged input.
     */
    public int count() {
        return count;
    }

    /** The entries decoded, in order (unmodifiable). */
    public List<BatchEntry> entries() {
        return entries;
    }

    /** True when every byte decoded, the count matched and no damage was reported. */
    public boolean complete() {
        return complete;
    }

    @Override
    public String toString() {
        return "WriteBatch[sequence=" + Long.toUnsignedString(sequence) + ", count=" + Integer.toUnsignedString(count)
                + ", entries=" + entries.size() + (complete ? "" : ", incomplete") + "]";
    }
}
