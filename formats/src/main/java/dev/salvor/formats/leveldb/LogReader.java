package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Salvaging reader of a LevelDB log ({@code *.log} write-ahead log or {@code MANIFEST-*}); the format is described
 * in {@link LogFormat}. Streams every logical record it can recover to a consumer and reports every damaged,
 * skipped or unexplained byte range to a {@link DamageSink} with its exact file offset and length.
 *
 * <p>Unlike LevelDB's own {@code log::Reader}, which drops the rest of a 32 KiB block after a bad record and treats a
 * torn tail as a normal end, this reader re-scans for the next valid record header and reports the truncation.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Verified record</b>: a header whose length fits its block and whose masked CRC32C (type byte + payload)
 *       matches. FULL is delivered; FIRST, MIDDLE..., LAST are joined and delivered with {@code crcOk=true}.</li>
 *   <li><b>Trailer</b>: fewer than 7 bytes left in a full block are padding and must be zero; non-zero padding is
 *       reported ({@code unrecognised}) and reading continues in the next block without disturbing an assembly.</li>
 *   <li><b>Zero header</b> (seven zero bytes): if only zeros follow up to the end of the file, that is a preallocated
 *       or never-written tail and a clean end. If anything non-zero follows (a valid record, or bytes that are not
 *       one), the zero run is damage ({@code zeroed}, plus an {@code unrecognised} span for non-record bytes):
 *       LevelDB itself never writes zeros where a header belongs, so zeros between records mean wiped or lost writes
 *       (or a preallocated log that was appended to after a crash).</li>
 *   <li><b>Checksum mismatch with a plausible length</b> (known type, length inside the block): reported
 *       ({@code crc-mismatch}, stored vs computed masked CRC). A FULL record is still delivered with
 *       {@code crcOk=false}; FIRST/MIDDLE/LAST fragments are dropped together with any partial assembly (a
 *       multi-fragment record is never delivered unless every fragment verified). The reader then looks for the next
 *       verified header starting one byte after the damaged header: if one starts inside the damaged record's claimed
 *       extent, the length field was the damaged part and the record is cut there.</li>
 *   <li><b>Bad length, unknown type</b>: the header is reported ({@code bad-length} / {@code bad-record-type}, its 7
 *       bytes), then the bytes up to the next verified header are reported as one span ({@code unrecognised}, or
 *       {@code zeroed} when all zero).</li>
 *   <li><b>Resynchronisation</b>: the next verified header is found by testing every byte offset after the damage
 *       (within the block, then in the following blocks) for a known type, a length inside the block and a matching
 *       CRC; such a false positive in damaged bytes has probability 2<sup>-32</sup> per offset tested. After a damaged
 *       unit the reader is <em>resynchronising</em> until the next verified record: a header seen then is trusted
 *       only if it ends exactly where a verified record or zero padding begins; otherwise its bytes belong to the
 *       unrecognised span (this avoids reporting the inside of a damaged payload as a series of bad headers).</li>
 *   <li><b>Fragment sequence</b>: MIDDLE/LAST without a FIRST are reported ({@code bad-fragment-sequence}; a run of
 *       such orphans is one damage); a FIRST interrupted by FULL, FIRST or damage is reported over the fragments
 *       dropped.</li>
 *   <li><b>Truncation</b>: the file ending inside a header or payload (in its last, partial block) is reported
 *       ({@code truncated}, with the bytes missing), as is a fragmented record whose LAST never comes; the stats then
 *       say {@code cleanEnd=false}.</li>
 *   <li><b>Size bound</b>: a logical record larger than {@link Limits#maxRecordBytes()} is never assembled: its
 *       fragments are counted, not stored, and it is reported once ({@code limit-exceeded}).</li>
 *   <li><b>RocksDB</b>: recyclable records (types 5-8, 11-byte header carrying a log number) whose CRC verifies are
 *       reported as {@code bad-record-type} "RocksDB recyclable record" over their exact extent and skipped, not
 *       decoded (their meaning depends on the log number of the live file, which a salvager does not know). A record
 *       of any other type whose 7-byte-header CRC verifies is reported and skipped the same way.</li>
 * </ol>
 *
 * <p>The file is read one 32 KiB block at a time into reused arrays. Memory is bounded by two blocks plus the largest
 * assembled record ({@link Limits#maxRecordBytes()}). Worst-case time is linear in the file size times the CRC work
 * at offsets whose type byte and length look plausible (at most one block per offset tested). A reader keeps no
 * state between calls of {@link #read}; separate instances may read one source concurrently.
 *
 * @see <a href="https://github.com/google/leveldb/blob/main/doc/log_format.md">leveldb doc/log_format.md</a>
 * @see <a href="https://github.com/google/leveldb/blob/main/db/log_reader.cc">leveldb db/log_reader.cc</a>
 */
public final class LogReader {
    private static final int BS = LogFormat.BLOCK_SIZE;
    private static final int HS = LogFormat.HEADER_SIZE;
    private static final String LEVELDB_TYPES = "1..4 (FULL, FIRST, MIDDLE, LAST)";

    private final ByteSource source;
    private final DamageSink sink;
    private final Limits limits;

    /**
     * @param source the log, read-only
     * @param sink   receives every damage; a strict sink stops the read at the first one by throwing
     * @param limits {@link Limits#maxRecordBytes()} bounds the size of an assembled logical record
     */
    public LogReader(ByteSource source, DamageSink sink, Limits limits) {
        this.source = Objects.requireNonNull(source, "source");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Reads the whole log once, handing each recovered logical record to {@code consumer} in file order.
     *
     * @return what was seen
     * @throws CorruptionException only if the sink throws (strict mode) or the source fails
     */
    public LogStats read(Consumer<LogicalRecord> consumer) {
        return new Pass(Objects.requireNonNull(consumer, "consumer")).run();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The state of one pass over the log; nothing outlives {@link #run()}. */
    private final class Pass {
        private final Consumer<LogicalRecord> consumer;
        private final String name = source.name();
        private final long size = source.size();

        // Two-slot block cache: the main loop and the resynchronisation scan each keep their block.
        private final byte[][] slotData = new byte[2][];
        private final long[] slotBlock = {-1, -1};
        private int lru;

        // Assembly of a fragmented record (FIRST, MIDDLE..., LAST).
        private boolean assembling;
        private byte[] asm = new byte[0];
        private int asmLen;
        private long asmStart;
        private long asmEnd;
        private int asmFragments;

        // A fragmented record that outgrew limits.maxRecordBytes(): counted, not stored.
        private boolean oversized;
        private long ovStart;
        private long ovEnd;
        private long ovBytes;
        private int ovFragments;

        // A run of MIDDLE/LAST fragments without a FIRST, reported as one damage when the run ends.
        private boolean orphans;
        private long orStart;
        private long orEnd;
        private int orCount;
        private LogRecordType orFirst;
        private LogRecordType orLast;

        private boolean resyncing;
        private boolean lastDamaged;
        private boolean truncated;

        // Cache of the last resynchronisation scan: no verified header in [searchFrom, searchResult).
        private long searchFrom = -1;
        private long searchResult = -1;

        private long physical;
        private long logical;
        private long verified;
        private long damagedBytes;
        private long damages;

        Pass(Consumer<LogicalRecord> consumer) {
            this.consumer = consumer;
        }

        LogStats run() {
            long pos = 0;
            while (pos < size) {
                long next = step(pos);
                assert next > pos;
                pos = next;
            }
            finish();
            long blocks = (size + BS - 1) / BS;
            return new LogStats(blocks, physical, logical, verified, damagedBytes, damages,
                    !lastDamaged && !truncated);
        }

        // ---------------------------------------------------------------- blocks

        private int blockLength(long b) {
            return (int) Math.min(BS, size - b * BS);
        }

        /** The bytes of block {@code b} (valid until two other blocks are loaded). */
        private byte[] block(long b) {
            for (int s = 0; s < 2; s++) {
                if (slotBlock[s] == b) {
                    lru = 1 - s;
                    return slotData[s];
                }
            }
            int s = lru;
            if (slotData[s] == null) {
                slotData[s] = new byte[(int) Math.min(BS, size)];
            }
            source.read(b * BS, slotData[s], 0, blockLength(b));
            slotBlock[s] = b;
            lru = 1 - s;
            return slotData[s];
        }

        /** First offset in {@code [from, to)} holding a non-zero byte, or {@code to}. */
        private long firstNonZero(long from, long to) {
            long p = from;
            while (p < to) {
                long b = p / BS;
                byte[] blk = block(b);
                int i = (int) (p - b * BS);
                int n = (int) Math.min(blockLength(b), to - b * BS);
                for (; i < n; i++) {
                    if (blk[i] != 0) {
                        return b * BS + i;
                    }
                }
                p = b * BS + n;
            }
            return to;
        }

        /** One past the last non-zero byte in {@code [from, to)}, or {@code from} if all are zero. */
        private long endOfNonZero(long from, long to) {
            long p = to;
            while (p > from) {
                long b = (p - 1) / BS;
                byte[] blk = block(b);
                int lo = (int) (Math.max(from, b * BS) - b * BS);
                for (int i = (int) (p - b * BS) - 1; i >= lo; i--) {
                    if (blk[i] != 0) {
                        return b * BS + i + 1;
                    }
                }
                p = b * BS + lo;
            }
            return from;
        }

        // ---------------------------------------------------------------- main loop

        /** Handles the unit starting at {@code pos}; returns the offset after it (always > pos). */
        private long step(long pos) {
            long b = pos / BS;
            long bStart = b * BS;
            long bEnd = Math.min(bStart + BS, size);
            boolean fullBlock = bStart + BS <= size;
            byte[] blk = block(b);
            int i = (int) (pos - bStart);
            int left = (int) (bEnd - pos);
            if (left < HS) {
                if (fullBlock) {
                    trailer(blk, i, pos, left);
                    return bEnd;
                }
                return tailFragment(blk, i, pos, left);
            }
            int stored = ByteCursor.getFixed32(blk, i);
            int len = u16(blk, i + 4);
            int code = blk[i + 6] & 0xff;
            if (stored == 0 && len == 0 && code == 0) {
                return zeroRun(pos);
            }
            LogRecordType type = LogRecordType.of(code);
            if (type == null || type == LogRecordType.ZERO) {
                return unknownType(blk, i, pos, bEnd, len, code);
            }
            int hs = type.headerSize();
            if (left < hs) {
                return badHeader(pos, DamageKind.BAD_RECORD_TYPE, LEVELDB_TYPES, code + " (" + type + ")",
                        "RocksDB recyclable record header does not fit in the rest of its block");
            }
            long end = pos + hs + len;
            if (end <= bEnd) {
                int computed = Crc32c.mask(Crc32c.of(blk, i + 6, hs - 6 + len));
                if (computed == stored) {
                    return verifiedRecord(blk, i, pos, type, hs, len, end);
                }
                return crcMismatch(pos, type, hs, len, end, stored, computed);
            }
            if (!fullBlock && end <= bStart + BS) {
                return pastEndOfFile(pos, type, hs, len, end);
            }
            return badHeader(pos, DamageKind.BAD_LENGTH, "<= " + (bStart + BS - pos - hs), Integer.toString(len),
                    type + " record length runs past the end of its 32 KiB block");
        }

        private void trailer(byte[] blk, int i, long pos, int left) {
            // Rule 2: the writer pads the last 1-6 bytes of a block with zeros. Damage here does not affect the
            // records around it, so an assembly in progress continues in the next block.
            if (!allZero(blk, i, i + left)) {
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < left; k++) {
                    sb.append(String.format("%02x", blk[i + k] & 0xff));
                }
                report(new Damage(name, pos, left, DamageKind.UNRECOGNISED, left + " zero bytes", sb.toString(),
                        "block trailer is not zero padding"));
            }
        }

        /** Fewer than 7 bytes left at the end of the file (last block partial). */
        private long tailFragment(byte[] blk, int i, long pos, int left) {
            if (allZero(blk, i, i + left)) {
                return size; // zero padding or preallocation at the very end: a normal end
            }
            if (resyncing) {
                return skip(pos, -1);
            }
            truncatedTail(pos, HS, HS - left, "a record header");
            return size;
        }

        private long zeroRun(long pos) {
            // Rule 3: seven zero bytes where a header belongs. Look for the next verified record; the zero run is a
            // clean end only if nothing but zeros follows up to the end of the file.
            long q = nextValid(pos + 1);
            long to = q < 0 ? size : q;
            long z = firstNonZero(pos, to);
            if (z == to && q < 0) {
                return size;
            }
            interrupt(pos, "a zero-filled region");
            String after = q < 0 ? "no valid record follows" : "a valid record follows at " + hex(q);
            if (z == to) {
                report(new Damage(name, pos, to - pos, DamageKind.ZEROED, "record headers", (to - pos)
                        + " zero bytes", "zero-filled region where records were expected, " + after
                        + " (wiped or lost writes)"));
            } else {
                report(new Damage(name, pos, z - pos, DamageKind.ZEROED, "record headers", (z - pos)
                        + " zero bytes", "zero-filled region where records were expected, followed by non-zero"
                        + " bytes that are not a record (wiped or lost writes)"));
                span(z, to, q < 0);
            }
            resyncing = false;
            return to;
        }

        private long unknownType(byte[] blk, int i, long pos, long bEnd, int len, int code) {
            long end = pos + HS + len;
            if (end <= bEnd && Crc32c.mask(Crc32c.of(blk, i + 6, 1 + len)) == ByteCursor.getFixed32(blk, i)) {
                // Rule 10: the type byte is covered by the CRC, so a verifying record of another type is a
                // well-formed unit of some other log dialect, not damage of a LevelDB record. Skip it whole.
                interrupt(pos, "a record of unknown type " + code);
                report(new Damage(name, pos, end - pos, DamageKind.BAD_RECORD_TYPE, LEVELDB_TYPES,
                        Integer.toString(code), "record of unknown type with a valid checksum (another log"
                        + " dialect); not decoded"));
                resyncing = false;
                return end;
            }
            return badHeader(pos, DamageKind.BAD_RECORD_TYPE, LEVELDB_TYPES, Integer.toString(code),
                    "unknown record type");
        }

        private long verifiedRecord(byte[] blk, int i, long pos, LogRecordType type, int hs, int len, long end) {
            if (type.recyclable()) {
                // Rule 10: a RocksDB recyclable record, verified over type + log number + payload.
                long logNumber = ByteCursor.getFixed32(blk, i + 7) & 0xffffffffL;
                interrupt(pos, "a RocksDB recyclable record");
                report(new Damage(name, pos, end - pos, DamageKind.BAD_RECORD_TYPE, LEVELDB_TYPES,
                        type.code() + " (" + type + ")", "RocksDB recyclable record (11-byte header, log number "
                        + logNumber + "); not decoded"));
                resyncing = false;
                return end;
            }
            physical++;
            verified += end - pos;
            resyncing = false;
            int off = i + hs;
            switch (type) {
                case FULL -> {
                    interrupt(pos, "FULL");
                    flushOrphans();
                    if (fitsLimit(len, pos, end, "record")) {
                        deliver(new LogicalRecord(name, pos, end - pos, Arrays.copyOfRange(blk, off, off + len),
                                true, 1));
                        lastDamaged = false;
                    }
                }
                case FIRST -> {
                    interrupt(pos, "FIRST");
                    flushOrphans();
                    assembling = true;
                    asmStart = pos;
                    asmEnd = end;
                    asmFragments = 1;
                    asmLen = 0;
                    append(blk, off, len, end);
                    lastDamaged = false;
                }
                case MIDDLE, LAST -> {
                    if (oversized) {
                        ovEnd = end;
                        ovBytes += len;
                        ovFragments++;
                        if (type == LogRecordType.LAST) {
                            reportOversized(null, 0);
                        }
                    } else if (assembling) {
                        asmFragments++;
                        append(blk, off, len, end);
                        if (assembling && type == LogRecordType.LAST) {
                            assembling = false;
                            deliver(new LogicalRecord(name, asmStart, end - asmStart, Arrays.copyOf(asm, asmLen),
                                    true, asmFragments));
                            lastDamaged = false;
                        } else if (oversized && type == LogRecordType.LAST) {
                            reportOversized(null, 0);
                        }
                    } else {
                        // Rule 7: a fragment whose FIRST is missing; collected into one damage per run.
                        if (!orphans) {
                            orphans = true;
                            orStart = pos;
                            orCount = 0;
                            orFirst = type;
                        }
                        orEnd = end;
                        orCount++;
                        orLast = type;
                    }
                }
                default -> throw new IllegalStateException(type.toString());
            }
            return end;
        }

        private long crcMismatch(long pos, LogRecordType type, int hs, int len, long end, int stored,
                                 int computed) {
            long q = nextValid(pos + 1);
            // Rule 6: right after damage, a header is trusted only if its extent ends where verified data or zero
            // padding begins; otherwise it is most likely part of the damaged bytes.
            if (resyncing && !consistentEnd(end, q)) {
                return skip(pos, q);
            }
            long e = end;
            String detail = type + " record checksum mismatch (masked CRC32C of type byte + " + len
                    + " payload bytes)";
            if (q >= 0 && q < end) {
                // Rule 4: a verified record starts inside the claimed extent, so the length field is damaged (or
                // this is not a header at all when the verified record starts inside its 7 bytes).
                if (q < pos + hs) {
                    return skip(pos, q);
                }
                e = q;
                detail += "; its length field claims " + len + " payload bytes but a valid record starts at "
                        + hex(q) + ", so it is cut there";
            }
            interrupt(pos, type + " fragment with a checksum mismatch");
            if (type == LogRecordType.FULL) {
                detail += "; delivered with crcOk=false";
            } else if (!type.recyclable()) {
                detail += "; fragment dropped";
            }
            report(new Damage(name, pos, e - pos, DamageKind.CRC_MISMATCH, Damage.hex32(stored),
                    Damage.hex32(computed), detail));
            if (type == LogRecordType.FULL) {
                long b = pos / BS;
                int off = (int) (pos - b * BS) + hs;
                int n = (int) (e - pos) - hs;
                if (fitsLimit(n, pos, e, "record")) {
                    byte[] blk = block(b);
                    deliver(new LogicalRecord(name, pos, e - pos, Arrays.copyOfRange(blk, off, off + n), false, 1));
                }
            }
            resyncing = true;
            return e;
        }

        /** The header at {@code pos} announces a record that would fit a full block but runs past the file's end. */
        private long pastEndOfFile(long pos, LogRecordType type, int hs, int len, long end) {
            long q = nextValid(pos + 1);
            if (q >= 0) {
                // A verified record follows, so the file is not torn here: the length field is damaged.
                return badHeader(pos, DamageKind.BAD_LENGTH, "<= " + (size - pos - hs), Integer.toString(len),
                        type + " record length runs past the end of the file, yet a valid record follows at "
                                + hex(q));
            }
            if (resyncing) {
                return skip(pos, -1);
            }
            truncatedTail(pos, hs + len, end - size, "a " + type + " record of " + len + " payload bytes");
            return size;
        }

        /** Rule 8: the file ends inside the unit at {@code pos}, which needed {@code needed} bytes. */
        private void truncatedTail(long pos, long needed, long missing, String what) {
            long start = pos;
            String detail = "file ends inside " + what + " (the writer stopped mid-write or the file was cut)";
            if (assembling) {
                start = asmStart;
                detail += "; it continues a fragmented record started by FIRST at " + hex(asmStart) + " ("
                        + asmFragments + " fragment(s), " + asmLen + " payload bytes), dropped";
                assembling = false;
            } else if (oversized) {
                start = ovStart;
                detail += "; it continues a fragmented record over the size limit started at " + hex(ovStart)
                        + ", dropped";
                oversized = false;
            }
            report(new Damage(name, start, size - start, DamageKind.TRUNCATED, needed + " bytes from " + hex(pos),
                    (size - pos) + " bytes (" + missing + " missing)", detail));
            truncated = true;
        }

        private long badHeader(long pos, DamageKind kind, String expected, String actual, String detail) {
            // Rule 5: report the 7 header bytes, then resynchronise and report what was skipped as one span.
            long q = nextValid(pos + 1);
            if (resyncing) {
                return skip(pos, q);
            }
            long to = q < 0 ? size : q;
            interrupt(pos, "a damaged record header");
            long headerEnd = Math.min(pos + HS, to);
            report(new Damage(name, pos, headerEnd - pos, kind, expected, actual, detail));
            if (headerEnd < to) {
                span(headerEnd, to, q < 0);
            }
            resyncing = false;
            return to;
        }

        /** Skips {@code [pos, q)} (to the end of the file if {@code q < 0}) as one unrecognised span. */
        private long skip(long pos, long q) {
            long to = q < 0 ? size : q;
            interrupt(pos, "unrecognised bytes");
            span(pos, to, q < 0);
            resyncing = false;
            return to;
        }

        /**
         * Reports {@code [from, to)} as skipped: {@code zeroed} if all zero, else {@code unrecognised}. At the end of
         * the file, trailing zeros are left out (they look like preallocation, not like data).
         */
        private void span(long from, long to, boolean atEof) {
            if (atEof) {
                to = endOfNonZero(from, to);
            }
            if (to <= from) {
                return;
            }
            if (firstNonZero(from, to) == to) {
                report(new Damage(name, from, to - from, DamageKind.ZEROED, "record headers", (to - from)
                        + " zero bytes", "zero-filled bytes skipped while resynchronising"));
            } else {
                report(Damage.of(name, from, to - from, DamageKind.UNRECOGNISED,
                        "unrecognised bytes skipped while resynchronising (no record header with a valid checksum"
                                + " starts in them)"));
            }
        }

        /** True if a record ending at {@code end} is followed directly by verified data, zeros, or the file's end. */
        private boolean consistentEnd(long end, long q) {
            if (q == end) {
                return true;
            }
            if (q >= 0 && q < end) {
                return false;
            }
            long to = q < 0 ? size : q;
            return firstNonZero(end, to) == to;
        }

        /**
         * Rule 6: the first offset {@code >= from} where a verified record header starts (known type 1-8, length
         * inside the block, matching CRC), or -1. Offsets whose block has fewer than 7 bytes left are trailers and
         * are skipped.
         */
        private long nextValid(long from) {
            if (searchFrom >= 0 && from >= searchFrom && (searchResult < 0 || from <= searchResult)) {
                return searchResult;
            }
            long result = -1;
            long p = from;
            scan:
            while (p < size) {
                long b = p / BS;
                int n = blockLength(b);
                int i = (int) (p - b * BS);
                if (n - i >= HS) {
                    byte[] blk = block(b);
                    for (; i <= n - HS; i++) {
                        if (LogRecordHeader.verifiedEnd(blk, i, n, true) >= 0) {
                            result = b * BS + i;
                            break scan;
                        }
                    }
                }
                p = (b + 1) * BS;
            }
            searchFrom = from;
            searchResult = result;
            return result;
        }

        // ---------------------------------------------------------------- assembly

        private void append(byte[] blk, int off, int len, long end) {
            long newLen = (long) asmLen + len;
            if (!fitsLimitQuietly(newLen)) {
                // Rule 9: stop storing; keep counting until LAST (or an interruption) and report once.
                assembling = false;
                oversized = true;
                ovStart = asmStart;
                ovEnd = end;
                ovBytes = newLen;
                ovFragments = asmFragments;
                asm = new byte[0];
                asmLen = 0;
                return;
            }
            if (newLen > asm.length) {
                long cap = Math.max(newLen, Math.max(2L * asm.length, 4096));
                asm = Arrays.copyOf(asm, (int) Math.min(cap, limits.maxRecordBytes()));
            }
            System.arraycopy(blk, off, asm, asmLen, len);
            asmLen = (int) newLen;
            asmEnd = end;
        }

        private boolean fitsLimitQuietly(long n) {
            try {
                Limits.checkAllocation(n, limits.maxRecordBytes(), "log record", name, asmStart);
                return true;
            } catch (CorruptionException e) {
                return false;
            }
        }

        /** Checks a single record's payload against the limit; reports and returns false when over it. */
        private boolean fitsLimit(int n, long pos, long end, String what) {
            try {
                Limits.checkAllocation(n, limits.maxRecordBytes(), what, name, pos);
                return true;
            } catch (CorruptionException e) {
                report(new Damage(name, pos, end - pos, DamageKind.LIMIT_EXCEEDED, e.damage().expected(),
                        n + " bytes", "log record larger than the configured limit; not delivered (raise"
                        + " Limits.maxRecordBytes to keep it)"));
                return false;
            }
        }

        private void reportOversized(String interruption, long at) {
            oversized = false;
            String actual = ovBytes + (interruption == null ? "" : "+") + " bytes in " + ovFragments
                    + " fragment(s)";
            String detail = "fragmented record larger than the configured limit; dropped (raise"
                    + " Limits.maxRecordBytes to keep it)";
            if (interruption != null) {
                detail += "; it was never finished: interrupted by " + interruption + (at >= 0 ? " at " + hex(at)
                        : "");
            }
            report(new Damage(name, ovStart, ovEnd - ovStart, DamageKind.LIMIT_EXCEEDED,
                    "<= " + limits.maxRecordBytes() + " bytes", actual, detail));
        }

        /** Drops an assembly in progress because {@code what} at {@code at} interrupts it, and reports the loss. */
        private void interrupt(long at, String what) {
            if (assembling) {
                assembling = false;
                report(new Damage(name, asmStart, asmEnd - asmStart, DamageKind.BAD_FRAGMENT_SEQUENCE,
                        "MIDDLE or LAST fragment", what + " at " + hex(at), "fragmented record never finished: FIRST"
                        + " at " + hex(asmStart) + " and " + (asmFragments - 1) + " more fragment(s), " + asmLen
                        + " payload bytes, dropped"));
            } else if (oversized) {
                reportOversized(what, at);
            }
        }

        private void flushOrphans() {
            if (orphans) {
                orphans = false;
                String actual = orCount == 1 ? orFirst.toString() : orCount + " fragments " + orFirst + ".." + orLast;
                emit(new Damage(name, orStart, orEnd - orStart, DamageKind.BAD_FRAGMENT_SEQUENCE,
                        "FIRST before " + orFirst, actual, "fragments without a FIRST (the start of their record is"
                        + " damaged or missing); dropped"));
            }
        }

        private void finish() {
            if (assembling) {
                assembling = false;
                report(new Damage(name, asmStart, asmEnd - asmStart, DamageKind.TRUNCATED, "LAST fragment",
                        "end of file", "file ends before the LAST fragment of a record started by FIRST at "
                        + hex(asmStart) + " (" + asmFragments + " fragment(s), " + asmLen
                        + " payload bytes), dropped"));
                truncated = true;
            } else if (oversized) {
                reportOversized("the end of the file", -1);
                truncated = true;
            }
            flushOrphans();
        }

        // ---------------------------------------------------------------- output

        private void report(Damage d) {
            flushOrphans();
            emit(d);
        }

        private void emit(Damage d) {
            damages++;
            damagedBytes += d.length();
            lastDamaged = true;
            sink.report(d);
        }

        private void deliver(LogicalRecord r) {
            logical++;
            consumer.accept(r);
        }
    }
}
