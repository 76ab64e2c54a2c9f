package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The decoded (uncompressed) contents of a data, index or metaindex block ({@code table/block_builder.cc},
 * {@code table/block.cc}).
 *
 * <pre>
 * entry*:        varint32 shared       bytes of the key shared with the previous key (0 at a restart point)
 *                varint32 non_shared   bytes of key that follow
 *                varint32 value_length
 *                byte[non_shared]      key delta
 *                byte[value_length]    value
 * restart array: fixed32[num_restarts] offsets of the entries where shared == 0 (the first is 0), ascending
 * num_restarts:  fixed32
 * </pre>
 *
 * <p>Decoding never throws on bad data: it reports damage and keeps every entry decoded so far. Resynchronisation:
 * <ul>
 * <li>After a bad entry (overlong varint, shared prefix longer than the previous key, a length past the entries,
 *     an empty key, an entry that runs over a restart point) decoding re-anchors at the next restart point whose
 *     offset is beyond the bad entry and whose entry has {@code shared == 0}: restart entries carry their whole key,
 *     so nothing from before the damage is needed to decode them.</li>
 * <li>If the restart count cannot be right (the array would not fit), the end of the entries is unknown: entries
 *     are decoded from offset 0 and decoding stops at the first position where the remaining bytes form a
 *     plausible restart array (0 first, ascending, each an entry already decoded), or at the first bad entry
 *     (without restart points there is nothing to re-anchor on).</li>
 * <li>Restart offsets that are out of range or not ascending are reported and left out; the rest still serve as
 *     re-anchoring points.</li>
 * </ul>
 * Every damage carries the block's file offset, the on-disk length of block plus trailer, and the offset inside
 * the decoded block in its detail ({@code at +N}).
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/table/block_builder.cc">block_builder.cc</a>
 */
public final class Block {
    private static final byte[] EMPTY = new byte[0];

    private final List<BlockEntry> entries;
    private final long restartCount;
    private final boolean clean;

    private Block(List<BlockEntry> entries, long restartCount, boolean clean) {
        this.entries = entries;
        this.restartCount = restartCount;
        this.clean = clean;
    }

    /**
     * Decodes a whole array as one block. Damage lengths are {@code contents.length + 5} (the on-disk length of an
     * uncompressed block and its trailer).
     */
    public static Block decode(byte[] contents, String resource, long blockOffset, DamageSink sink, Limits limits) {
        return decode(contents, contents.length, resource, blockOffset,
                contents.length + (long) BlockTrailer.ENCODED_LENGTH, sink, limits);
    }

    /**
     * Decodes {@code b[0, n)}; damages are located at {@code blockOffset} with length {@code damageLength} (block
     * plus trailer as stored on disk).
     */
    static Block decode(byte[] b, int n, String resource, long blockOffset, long damageLength, DamageSink sink,
                        Limits limits) {
        ArrayList<BlockEntry> out = new ArrayList<>();
        Decoder d = new Decoder(b, n, resource, blockOffset, damageLength, sink, limits, new Scratch(),
                (key, keyLength, block, valueOffset, valueLength, offsetInBlock) -> out.add(new BlockEntry(
                        Arrays.copyOf(key, keyLength), copy(block, valueOffset, valueLength), offsetInBlock)));
        long restartCount = d.run();
        out.trimToSize();
        return new Block(Collections.unmodifiableList(out), restartCount, d.clean);
    }

    private static byte[] copy(byte[] b, int from, int length) {
        return length == 0 ? EMPTY : Arrays.copyOfRange(b, from, from + length);
    }

    /** Receives each entry as it is decoded (internal fast path: no {@link BlockEntry} per entry). */
    @FunctionalInterface
    interface EntryConsumer {
        void accept(byte[] key, byte[] value, int offsetInBlock);
    }

    /**
     * Decodes {@code b[0, n)} handing each entry to {@code consumer} instead of collecting them; returns whether the
     * block decoded without damage.
     */
    static boolean decodeTo(byte[] b, int n, String resource, long blockOffset, long damageLength, DamageSink sink,
                            Limits limits, EntryConsumer consumer) {
        return decodeInPlace(b, n, resource, blockOffset, damageLength, sink, limits, new Scratch(),
                (key, keyLength, block, valueOffset, valueLength, offsetInBlock) -> consumer.accept(
                        Arrays.copyOf(key, keyLength), copy(block, valueOffset, valueLength), offsetInBlock));
    }

    /**
     * Receives each entry where it lies: the whole key in {@code key[0, keyLength)} (a buffer of the
     * {@link Scratch}, rebuilt in place for the next entry: valid only during the call) and the value in
     * {@code block[valueOffset, valueOffset + valueLength)} (the decoded block itself).
     */
    @FunctionalInterface
    public interface InPlaceConsumer {
        void accept(byte[] key, int keyLength, byte[] block, int valueOffset, int valueLength, int offsetInBlock);
    }

    /**
     * Buffers one thread reuses from block to block, so that decoding allocates nothing per entry: the key being
     * built (a key shares its prefix with the previous one, so only the non-shared bytes are written), the entry
     * offsets of a block whose restart array must be found, and the stored and decompressed block of
     * {@link TableReader#verifyDataBlock}. Never share one between threads.
     */
    public static final class Scratch {
        byte[] key = new byte[64];
        int[] offsets = new int[64];
        byte[] raw = new byte[0];
        byte[] contents = new byte[0];

        /** {@link #raw}, grown to at least {@code n} bytes (contents not kept). */
        byte[] raw(int n) {
            if (raw.length < n) {
                raw = new byte[grown(n)];
            }
            return raw;
        }

        /** {@link #contents}, grown to at least {@code n} bytes (contents not kept). */
        byte[] contents(int n) {
            if (contents.length < n) {
                contents = new byte[grown(n)];
            }
            return contents;
        }

        /** {@code n} and a quarter more, so that slightly larger blocks do not reallocate each time. */
        private static int grown(int n) {
            return (int) Math.min(Integer.MAX_VALUE - 8, (long) n + (n >> 2));
        }
    }

    /**
     * Decodes {@code b[0, n)} like {@link #decode} (the same entries, the same damage in the same order), handing
     * each entry to {@code consumer} in place: no array per key or value. Returns whether the block decoded without
     * damage.
     */
    public static boolean decodeInPlace(byte[] b, int n, String resource, long blockOffset, long damageLength,
                                        DamageSink sink, Limits limits, Scratch scratch, InPlaceConsumer consumer) {
        Decoder d = new Decoder(b, n, resource, blockOffset, damageLength, sink, limits, scratch, consumer);
        d.run();
        return d.clean;
    }

    /** The entries that decoded, in block order. */
    public List<BlockEntry> entries() {
        return entries;
    }

    /** The restart count as stored (unsigned), whether or not it was usable. */
    public long restartCount() {
        return restartCount;
    }

    /** Whether the block decoded without any damage. */
    public boolean clean() {
        return clean;
    }

    /** Decoding state for one block (per call; never shared). */
    private static final class Decoder {
        private final byte[] b;
        private final int n;
        private final String resource;
        private final long blockOffset;
        private final long damageLength;
        private final DamageSink sink;
        private final Limits limits;
        private final Scratch scratch;
        private final InPlaceConsumer consumer;
        /** Entry offsets (in {@link Scratch#offsets}), kept for restart-array recognition. */
        private int count;
        private boolean clean = true;
        /** Varint decoding position (set by {@link #varint}). */
        private int p;

        Decoder(byte[] b, int n, String resource, long blockOffset, long damageLength, DamageSink sink,
                Limits limits, Scratch scratch, InPlaceConsumer consumer) {
            this.scratch = scratch;
            this.consumer = consumer;
            this.b = b;
            this.n = n;
            this.resource = resource;
            this.blockOffset = blockOffset;
            this.damageLength = damageLength;
            this.sink = sink;
            this.limits = limits;
        }

        private void damage(DamageKind kind, String expected, String actual, String detail, int at) {
            clean = false;
            sink.report(new Damage(resource, blockOffset, damageLength, kind, expected, actual,
                    detail + " at +" + at));
        }

        /** Decodes the block; returns the restart count as stored (-1 if the block is too short to hold it). */
        long run() {
            if (n < 4) {
                damage(DamageKind.BAD_RESTART_ARRAY, ">= 4 bytes", n + " bytes",
                        "block too short for its restart count", 0);
                return -1;
            }
            long numRestarts = ByteCursor.getFixed32(b, n - 4) & 0xffffffffL;
            long maxRestarts = (n - 4) / 4;
            if (numRestarts > maxRestarts) {
                damage(DamageKind.BAD_RESTART_ARRAY, "<= " + maxRestarts, Long.toString(numRestarts),
                        "block restart count does not fit in the block", n - 4);
                entries(n - 4, null, true);
            } else if (numRestarts == 0) {
                if (n > 4) {
                    damage(DamageKind.BAD_RESTART_ARRAY, ">= 1", "0",
                            "block has entries but no restart points", n - 4);
                }
                entries(n - 4, new int[0], false);
            } else {
                int restartsStart = (int) (n - 4 - 4 * numRestarts);
                entries(restartsStart, restarts(restartsStart, (int) numRestarts), false);
            }
            return numRestarts;
        }

        /** Reads the restart array, reporting (once) and dropping offsets that are out of range or not ascending. */
        private int[] restarts(int restartsStart, int count) {
            int[] r = new int[count];
            int kept = 0;
            int firstBad = -1;
            long firstBadValue = 0;
            String firstBadWhy = null;
            for (int i = 0; i < count; i++) {
                long v = ByteCursor.getFixed32(b, restartsStart + 4 * i) & 0xffffffffL;
                String why = null;
                if (i == 0) {
                    if (v != 0) {
                        why = "0";
                    }
                } else if (v >= restartsStart) {
                    why = "< " + restartsStart + " (start of the restart array)";
                } else if (kept > 0 && v <= r[kept - 1]) {
                    why = "> " + r[kept - 1] + " (ascending)";
                }
                if (why == null) {
                    r[kept++] = (int) v;
                } else if (firstBad < 0) {
                    firstBad = i;
                    firstBadValue = v;
                    firstBadWhy = why;
                }
            }
            if (firstBad >= 0) {
                damage(DamageKind.BAD_RESTART_ARRAY, firstBadWhy, Long.toString(firstBadValue),
                        "block restart point " + firstBad + " of " + count + " impossible ("
                                + (count - kept) + " bad)", restartsStart + 4 * firstBad);
            }
            return kept == count ? r : Arrays.copyOf(r, kept);
        }

        /**
         * Reads one varint32 at {@link #p} bounded by {@code end}; returns it (as unsigned in a long) or -1 if it is
         * overlong or runs past {@code end}.
         */
        private long varint(int end) {
            long result = 0;
            for (int shift = 0; shift <= 28; shift += 7) {
                if (p >= end) {
                    return -1;
                }
                int x = b[p++] & 0xff;
                if (shift == 28 && x > 0x0f) {
                    return -1;
                }
                result |= (long) (x & 0x7f) << shift;
                if (x < 0x80) {
                    return result;
                }
            }
            return -1;
        }

        /**
         * Decodes entries in {@code [0, end)}.
         *
         * @param restarts        usable restart offsets (ascending), or {@code null} if the array is unknown
         * @param findRestartArray whether {@code end} is only an upper bound and the restart array must be found
         */
        private void entries(int end, int[] restarts, boolean findRestartArray) {
            int maxEntries = limits.maxEntriesPerBlock();
            // The previous key is the key buffer's first prevLength bytes: an entry's shared prefix is already in
            // place, only its non-shared bytes are copied in.
            byte[] key = scratch.key;
            int prevLength = 0;
            int pos = 0;
            int nextRestart = 0; // index of the first restart offset > current entry start
            while (pos < end) {
                if (findRestartArray && pos > 0 && looksLikeRestartArray(pos, end)) {
                    return;
                }
                if (count >= maxEntries) {
                    damage(DamageKind.LIMIT_EXCEEDED, "<= " + maxEntries + " entries", "more",
                            "block holds more entries than the configured limit (raise maxEntriesPerBlock)", pos);
                    return;
                }
                int start = pos;
                if (restarts != null) {
                    while (nextRestart < restarts.length && restarts[nextRestart] <= start) {
                        nextRestart++;
                    }
                }
                int shared;
                int nonShared;
                int valueLength;
                String error = null;
                DamageKind kind = null;
                String expected = null;
                String actual = null;
                if (end - pos >= 3 && (b[pos] | b[pos + 1] | b[pos + 2]) >= 0) {
                    // Fast path (as in block.cc DecodeEntry): all three lengths are single-byte varints.
                    shared = b[pos];
                    nonShared = b[pos + 1];
                    valueLength = b[pos + 2];
                    p = pos + 3;
                } else {
                    p = pos;
                    long s = varint(end);
                    long ns = s < 0 ? -1 : varint(end);
                    long vl = ns < 0 ? -1 : varint(end);
                    if (vl < 0) {
                        kind = DamageKind.BAD_VARINT;
                        expected = "varint32 of <= 5 bytes ending before +" + end;
                        actual = "overlong or cut off at +" + (p - 1);
                        error = "block entry header undecodable";
                        shared = nonShared = valueLength = 0;
                    } else {
                        // Values above 2^31 are caught by the bounds checks below.
                        shared = (int) Math.min(s, Integer.MAX_VALUE);
                        nonShared = (int) Math.min(ns, Integer.MAX_VALUE);
                        valueLength = (int) Math.min(vl, Integer.MAX_VALUE);
                    }
                }
                int keyStart = p;
                if (error == null) {
                    if (shared > prevLength) {
                        kind = DamageKind.BAD_KEY;
                        expected = "<= " + prevLength + " (previous key length)";
                        actual = Integer.toString(shared);
                        error = "block entry shares more key bytes than the previous key has";
                    } else if (nonShared > end - keyStart) {
                        kind = DamageKind.BAD_LENGTH;
                        expected = "<= " + (end - keyStart);
                        actual = Integer.toString(nonShared);
                        error = "block entry key runs past the entries";
                    } else if (valueLength > end - keyStart - nonShared) {
                        kind = DamageKind.BAD_LENGTH;
                        expected = "<= " + (end - keyStart - nonShared);
                        actual = Integer.toString(valueLength);
                        error = "block entry value runs past the entries";
                    } else if (shared + nonShared == 0) {
                        // LevelDB keys are never empty (internal keys carry 8 bytes; meta names are non-empty);
                        // a run of zero bytes decodes as endless empty entries.
                        kind = DamageKind.BAD_KEY;
                        expected = "> 0";
                        actual = "0";
                        error = "block entry has an empty key (zeroed bytes?)";
                    } else if (restarts != null && nextRestart < restarts.length
                            && restarts[nextRestart] < keyStart + nonShared + valueLength
                            && b[restarts[nextRestart]] == 0) {
                        // A well-formed entry ends at or before the next restart point; this one swallows it, so
                        // one of its lengths is damaged (the restart entry itself looks sound: shared == 0).
                        kind = DamageKind.BAD_LENGTH;
                        expected = "<= +" + restarts[nextRestart] + " (next restart point)";
                        actual = "+" + (keyStart + nonShared + valueLength);
                        error = "block entry runs over the next restart point";
                    }
                }
                if (error != null) {
                    damage(kind, expected, actual, error, start);
                    if (restarts == null) {
                        return;
                    }
                    // Re-anchor: next restart point beyond the bad entry whose entry has shared == 0.
                    int r = nextRestart;
                    while (r < restarts.length && (restarts[r] <= start || b[restarts[r]] != 0)) {
                        r++;
                    }
                    if (r >= restarts.length) {
                        return;
                    }
                    pos = restarts[r];
                    prevLength = 0;
                    continue;
                }
                int keyLength = shared + nonShared; // both bounded by the block: no overflow
                if (key.length < keyLength) {
                    key = Arrays.copyOf(key, Math.max(keyLength, 2 * key.length));
                    scratch.key = key;
                }
                System.arraycopy(b, keyStart, key, shared, nonShared);
                int valueStart = keyStart + nonShared;
                consumer.accept(key, keyLength, b, valueStart, valueLength, start);
                if (findRestartArray) {
                    if (count == scratch.offsets.length) {
                        scratch.offsets = Arrays.copyOf(scratch.offsets, Math.max(16, 2 * count));
                    }
                    scratch.offsets[count] = start;
                }
                count++;
                prevLength = keyLength;
                pos = valueStart + valueLength;
            }
        }

        /**
         * Whether {@code [pos, end)} could be this block's restart array: a multiple of 4 bytes, first offset 0,
         * ascending, every offset the start of an entry already decoded.
         */
        private boolean looksLikeRestartArray(int pos, int end) {
            int len = end - pos;
            if (len % 4 != 0 || ByteCursor.getFixed32(b, pos) != 0) {
                return false;
            }
            // The stored count is damaged (that is why we are here), so only the offsets themselves are checked.
            int count = len / 4;
            int prevOff = -1;
            int searchFrom = 0;
            for (int i = 0; i < count; i++) {
                int v = ByteCursor.getFixed32(b, pos + 4 * i);
                if (v < 0 || v <= prevOff || v >= pos) {
                    return false;
                }
                int idx = indexOfEntryAt(v, searchFrom);
                if (idx < 0) {
                    return false;
                }
                searchFrom = idx + 1;
                prevOff = v;
            }
            return true;
        }

        private int indexOfEntryAt(int offset, int from) {
            int lo = from;
            int hi = count - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int o = scratch.offsets[mid];
                if (o < offset) {
                    lo = mid + 1;
                } else if (o > offset) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -1;
        }
    }
}
