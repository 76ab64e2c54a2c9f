package dev.salvor.formats.leveldb;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.Mutations;
import dev.salvor.fixtures.Mutations.Mutant;
import dev.salvor.fixtures.Mutations.Op;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Structure-aware hostile-input properties for the LevelDB parsers, on files written by the real C++ LevelDB
 * ({@code fixtures/leveldb}): seeded mutations (flip, overwrite, insert, delete, truncate, splice, duplicated and
 * zeroed ranges), length/count/type fields set to extremes (0, 1, 2^31-1, 2^31, 2^32-1, max varint), and block
 * handles pointed at themselves, at the footer or past the end of the file.
 *
 * <p>Invariants for every input: nothing but damage reports leaves a reader used with a collecting sink (no
 * exception at all); every damage and record lies inside the input; a changed byte of a CRC-protected unit is
 * reported; and a field claiming gigabytes is refused through {@link Limits} (a {@code limit-exceeded},
 * {@code bad-length} or {@code bad-pointer} damage is reported, and the reading thread allocated far less than the
 * claim). Deterministic: fixed seeds; each failure message names the mutant.
 */
class LevelDbHostileSweepTest {
    private static final Limits LIMITS = Limits.DEFAULT;
    /** Bytes a reader may allocate on tiny inputs with gigabyte claims (the claim itself is >= 2 GiB). */
    private static final long ALLOCATION_BOUND = 48L << 20;

    private static final String[] LOGS = {"leveldb/uncompressed/db/000010.log", "leveldb/snappy/db/000014.log",
        "leveldb/open-log/db/000006.log"};
    private static final String[] MANIFESTS = {"leveldb/uncompressed/db/MANIFEST-000002",
        "leveldb/snappy/db/MANIFEST-000002", "leveldb/open-log/db/MANIFEST-000002"};
    private static final String[] TABLES = {"leveldb/uncompressed/db/000005.ldb",
        "leveldb/uncompressed/db/000009.ldb", "leveldb/snappy/db/000005.ldb", "leveldb/snappy/db/000009.ldb"};

    static byte[] fixture(String rel) {
        try {
            return Files.readAllBytes(Fixtures.path(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Random rnd(String file, Object what) {
        return new Random((file + "/" + what).hashCode());
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Runs {@code body}; any throwable is a failure that names the input. */
    private static <T> T noEscape(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (Throwable t) {
            throw new AssertionError("escaped the parser on " + what + ": " + t, t);
        }
    }

    /** Reads a log in salvage mode, decodes every record as a write batch or version edit; returns the damage. */
    static List<Damage> checkLog(byte[] data, String what, boolean manifest) {
        return noEscape(what, () -> {
            List<Damage> damage = new ArrayList<>();
            List<LogicalRecord> records = new ArrayList<>();
            LogStats s = new LogReader(ByteSource.of("x.log", data), DamageSink.collectingInto(damage), LIMITS)
                    .read(records::add);
            long last = 0;
            for (Damage d : damage) {
                assertTrue(d.offset() >= 0 && d.end() <= data.length, () -> what + ": " + d);
            }
            for (LogicalRecord r : records) {
                assertTrue(r.offset() >= last && r.end() <= data.length, () -> what + ": " + r);
                last = r.end();
                List<Damage> inner = new ArrayList<>();
                if (manifest) {
                    VersionEdit.decode(r, DamageSink.collectingInto(inner));
                } else {
                    WriteBatch b = WriteBatch.decode(r, DamageSink.collectingInto(inner));
                    assertTrue(b.entries().size() <= r.payload().length, what);
                }
                damage.addAll(inner);
            }
            assertEquals(records.size(), s.logicalRecords(), what);
            assertTrue(s.bytesVerified() <= data.length, what);
            return damage;
        });
    }

    /** Reads a table in salvage mode; returns what was read. */
    static Tables.Read checkTable(byte[] data, String what, Limits limits) {
        return noEscape(what, () -> {
            Tables.Read r = Tables.read("x.ldb", data, limits);
            for (Damage d : r.damage()) {
                assertTrue(d.offset() >= -1 && d.offset() <= data.length, () -> what + ": " + d);
            }
            for (TableEntry e : r.entries()) {
                assertTrue(e.blockOffset() >= 0 && e.blockOffset() < data.length, () -> what + ": " + e);
            }
            assertTrue(r.stats().bytesVerified() <= data.length, what);
            return r;
        });
    }

    /** Bytes allocated by the current thread while running {@code r}, or -1 where the JVM cannot tell. */
    static long allocatedBy(Runnable r) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b)
                || !b.isThreadAllocatedMemorySupported() || !b.isThreadAllocatedMemoryEnabled()) {
            r.run();
            return -1;
        }
        long id = Thread.currentThread().getId();
        long before = b.getThreadAllocatedBytes(id);
        r.run();
        return b.getThreadAllocatedBytes(id) - before;
    }

    private static boolean any(List<Damage> damage, Set<DamageKind> kinds) {
        return damage.stream().anyMatch(d -> kinds.contains(d.kind()));
    }

    private static final Set<DamageKind> REFUSED = EnumSet.of(DamageKind.LIMIT_EXCEEDED, DamageKind.BAD_LENGTH,
            DamageKind.BAD_POINTER);

    // ------------------------------------------------------------------------------------- seeded mutations

    static Stream<Arguments> logMutations() {
        List<Arguments> a = new ArrayList<>();
        for (String f : LOGS) {
            for (Op op : Op.values()) {
                a.add(Arguments.of(f, op));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("logMutations")
    void mutatedRealLogsOnlyYieldDamage(String file, Op op) {
        byte[] a = fixture(file);
        byte[] other = fixture(file.equals(LOGS[0]) ? LOGS[1] : LOGS[0]);
        Random rnd = rnd(file, op);
        int n = a.length > 10_000 ? 15 : 120;
        for (int i = 0; i < n; i++) {
            Mutant m = Mutations.apply(op, a, other, rnd);
            List<Damage> damage = checkLog(m.bytes(), file + ": " + m.description(), false);
            if (op == Op.FLIP || op == Op.OVERWRITE) {
                // Every byte of a LevelDB log is a header, CRC-covered payload or zero trailer: a change is seen.
                assertFalse(damage.isEmpty(), file + ": " + m.description() + " went unnoticed");
            }
        }
    }

    static Stream<Arguments> manifestMutations() {
        List<Arguments> a = new ArrayList<>();
        for (String f : MANIFESTS) {
            for (Op op : Op.values()) {
                a.add(Arguments.of(f, op));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("manifestMutations")
    void mutatedRealManifestsOnlyYieldDamage(String file, Op op) {
        byte[] a = fixture(file);
        byte[] other = fixture(file.equals(MANIFESTS[0]) ? MANIFESTS[1] : MANIFESTS[0]);
        Random rnd = rnd(file, op);
        for (int i = 0; i < 120; i++) {
            Mutant m = Mutations.apply(op, a, other, rnd);
            List<Damage> damage = checkLog(m.bytes(), file + ": " + m.description(), true);
            if (op == Op.FLIP || op == Op.OVERWRITE) {
                assertFalse(damage.isEmpty(), file + ": " + m.description() + " went unnoticed");
            }
        }
    }

    static Stream<Arguments> tableMutations() {
        List<Arguments> a = new ArrayList<>();
        for (String f : TABLES) {
            for (Op op : Op.values()) {
                a.add(Arguments.of(f, op));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tableMutations")
    void mutatedRealTablesOnlyYieldDamage(String file, Op op) {
        byte[] a = fixture(file);
        byte[] other = fixture(file.equals(TABLES[0]) ? TABLES[2] : TABLES[0]);
        Footer footer = Footer.decode(Arrays.copyOfRange(a, a.length - 48, a.length), file, a.length - 48);
        int paddingStart = a.length - 48 + footer.handlesLength();
        int paddingEnd = a.length - 8;
        Random rnd = rnd(file, op);
        for (int i = 0; i < 60; i++) {
            Mutant m = Mutations.apply(op, a, other, rnd);
            Tables.Read r = checkTable(m.bytes(), file + ": " + m.description(), LIMITS);
            if (op == Op.FLIP || op == Op.OVERWRITE) {
                // Every byte is in a CRC-covered block, a trailer or the footer's handles or magic, except the
                // footer's zero padding, which no LevelDB reader looks at.
                int first = firstDifference(a, m.bytes());
                if (first < paddingStart || first >= paddingEnd) {
                    assertFalse(r.damage().isEmpty(), file + ": " + m.description() + " went unnoticed");
                }
            }
        }
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int i = Arrays.mismatch(a, b);
        return i < 0 ? a.length : i;
    }

    @Test
    void crossFormatSplicesOnlyYieldDamage() {
        byte[][] files = {fixture(LOGS[1]), fixture(MANIFESTS[1]), fixture(TABLES[0]), fixture(TABLES[2])};
        Random rnd = new Random(42);
        for (int i = 0; i < 200; i++) {
            int x = rnd.nextInt(files.length);
            int y = rnd.nextInt(files.length);
            Mutant m = Mutations.apply(Op.SPLICE, files[x], files[y], rnd);
            String what = "file " + x + " spliced with file " + y + ": " + m.description();
            checkLog(m.bytes(), what, false);
            checkLog(m.bytes(), what, true);
            checkTable(m.bytes(), what, LIMITS);
        }
    }

    // ------------------------------------------------------------------------------- log fields at extremes

    /** Offsets of the physical record headers of a clean log. */
    static List<Integer> headers(byte[] log) {
        List<Integer> out = new ArrayList<>();
        int pos = 0;
        while (pos + 7 <= log.length) {
            int left = LogFormat.BLOCK_SIZE - pos % LogFormat.BLOCK_SIZE;
            if (left < 7) {
                pos += left;
                continue;
            }
            int len = (log[pos + 4] & 0xff) | (log[pos + 5] & 0xff) << 8;
            out.add(pos);
            pos += 7 + len;
        }
        return out;
    }

    private static void fixRecordCrc(byte[] b, int pos) {
        int len = (b[pos + 4] & 0xff) | (b[pos + 5] & 0xff) << 8;
        if (pos + 7 + len <= b.length) {
            Mutations.putFixed32(b, pos, Crc32c.mask(Crc32c.of(b, pos + 6, 1 + len)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"leveldb/snappy/db/000014.log", "leveldb/uncompressed/db/MANIFEST-000002",
        "leveldb/open-log/db/000006.log"})
    void logLengthAndTypeFieldsAtExtremesAreReported(String file) {
        byte[] a = fixture(file);
        boolean manifest = file.contains("MANIFEST");
        List<Integer> headers = headers(a);
        assertFalse(headers.isEmpty());
        for (int h : headers.subList(0, Math.min(12, headers.size()))) {
            int inBlock = LogFormat.BLOCK_SIZE - h % LogFormat.BLOCK_SIZE - 7;
            int real = (a[h + 4] & 0xff) | (a[h + 5] & 0xff) << 8;
            for (int len : new int[] {0, 1, 0x7fff, 0xffff, inBlock + 1, a.length - h - 6}) {
                if (len == real || len < 0 || len > 0xffff) {
                    continue;
                }
                for (boolean fixCrc : new boolean[] {false, true}) {
                    byte[] b = a.clone();
                    b[h + 4] = (byte) len;
                    b[h + 5] = (byte) (len >>> 8);
                    if (fixCrc) {
                        fixRecordCrc(b, h);
                    }
                    String what = file + ": record at " + h + " length " + real + " -> " + len
                            + (fixCrc ? " (CRC recomputed)" : "");
                    assertFalse(checkLog(b, what, manifest).isEmpty(), what + " went unnoticed");
                }
            }
            for (int type : new int[] {0, 2, 3, 4, 5, 8, 9, 0x7f, 0xff}) {
                if (type == (a[h + 6] & 0xff)) {
                    continue;
                }
                for (boolean fixCrc : new boolean[] {false, true}) {
                    byte[] b = a.clone();
                    b[h + 6] = (byte) type;
                    if (fixCrc) {
                        fixRecordCrc(b, h);
                    }
                    String what = file + ": record at " + h + " type -> " + type + (fixCrc ? " (CRC recomputed)" : "");
                    assertFalse(checkLog(b, what, manifest).isEmpty(), what + " went unnoticed");
                }
            }
        }
    }

    @Test
    void writeBatchCountAtExtremesIsReportedInsideAVerifiedRecord() {
        byte[] log = fixture(LOGS[1]);
        int h = headers(log).get(0);
        int len = (log[h + 4] & 0xff) | (log[h + 5] & 0xff) << 8;
        long realCount = Integer.toUnsignedLong(dev.salvor.formats.core.ByteCursor.getFixed32(log, h + 7 + 8));
        for (long count : Mutations.EXTREMES) {
            byte[] b = log.clone();
            Mutations.putFixed32(b, h + 7 + 8, count);
            fixRecordCrc(b, h);
            String what = "first batch count " + realCount + " -> " + count;
            List<Damage> damage = checkLog(b, what, false);
            if (count == realCount) {
                assertEquals(List.of(), damage, what);
            } else {
                assertTrue(damage.stream().anyMatch(d -> d.kind() == DamageKind.BAD_RECORD
                        && Long.toString(count).equals(d.expected()) && d.offset() == h), what + ": " + damage);
            }
            assertTrue(len > 12, "batch payload");
        }
    }

    /** A write batch whose single Put has a key or value length field of {@code v}. */
    private static byte[] batchWithLength(long v, boolean valueField) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1});
        if (valueField) {
            out.writeBytes(Mutations.varint(3));
            out.writeBytes("key".getBytes());
        }
        out.writeBytes(Mutations.varint(v));
        out.writeBytes("some bytes".getBytes());
        return out.toByteArray();
    }

    @Test
    void writeBatchLengthsClaimingGigabytesAreRefusedWithoutAllocating() {
        for (long v : new long[] {0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 1_000}) {
            for (boolean valueField : new boolean[] {false, true}) {
                byte[] payload = batchWithLength(v, valueField);
                List<Damage> damage = new ArrayList<>();
                long allocated = allocatedBy(() -> WriteBatch.decode(payload, "x.log", 0,
                        DamageSink.collectingInto(damage)));
                String what = (valueField ? "value" : "key") + " length " + v;
                assertTrue(any(damage, REFUSED), what + ": " + damage);
                assertTrue(allocated < ALLOCATION_BOUND, what + " allocated " + allocated + " bytes");
            }
        }
        byte[] overlong = Mutations.concat(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1},
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
        List<Damage> damage = new ArrayList<>();
        WriteBatch.decode(overlong, "x.log", 0, DamageSink.collectingInto(damage));
        assertTrue(any(damage, EnumSet.of(DamageKind.BAD_VARINT)), damage::toString);
    }

    @Test
    void versionEditFieldsAtExtremesAreReported() {
        List<byte[]> edits = new ArrayList<>();
        for (long v : Mutations.EXTREMES) {
            // comparator name length
            edits.add(Mutations.concat(Mutations.varint(1), Mutations.varint(v), "leveldb".getBytes()));
            // tag itself
            edits.add(Mutations.concat(Mutations.varint(v), Mutations.varint(1)));
            // new file: level v, number and size at the varint64 maximum, keys with length v
            edits.add(Mutations.concat(Mutations.varint(7), Mutations.varint(v), Mutations.varint(-1L),
                    Mutations.varint(-1L), Mutations.varint(v), new byte[9]));
            // compact pointer with key length v; deleted file at level v
            edits.add(Mutations.concat(Mutations.varint(5), Mutations.varint(0), Mutations.varint(v), new byte[9]));
            edits.add(Mutations.concat(Mutations.varint(6), Mutations.varint(v), Mutations.varint(-1L)));
        }
        for (byte[] e : edits) {
            List<Damage> damage = new ArrayList<>();
            VersionEdit edit = noEscape(Arrays.toString(e), () -> VersionEdit.decode(e, "MANIFEST-000002", 0,
                    DamageSink.collectingInto(damage)));
            assertEquals(!edit.complete(), !damage.isEmpty(), () -> Arrays.toString(e) + " " + damage);
        }
        // The oversized ones specifically: a 2^31-1 or 2^32-1 byte comparator name is refused, not allocated.
        for (long v : new long[] {0x7fff_ffffL, 0xffff_ffffL}) {
            byte[] e = Mutations.concat(Mutations.varint(1), Mutations.varint(v), "leveldb".getBytes());
            List<Damage> damage = new ArrayList<>();
            long allocated = allocatedBy(() -> VersionEdit.decode(e, "MANIFEST-000002", 0,
                    DamageSink.collectingInto(damage)));
            assertTrue(any(damage, REFUSED), damage::toString);
            assertTrue(allocated < ALLOCATION_BOUND, "allocated " + allocated);
        }
    }

    @Test
    void logicalRecordOverTheRecordLimitIsCountedNotAssembled() {
        TracingLogWriter w = new TracingLogWriter();
        w.add(LogTesting.binary(300_000, 7));
        w.add(LogTesting.binary(100, 8));
        Limits small = Limits.DEFAULT.withMaxRecordBytes(64 << 10);
        List<Damage> damage = new ArrayList<>();
        List<LogicalRecord> records = new ArrayList<>();
        long allocated = allocatedBy(() -> new LogReader(ByteSource.of("x.log", w.bytes()),
                DamageSink.collectingInto(damage), small).read(records::add));
        assertTrue(any(damage, EnumSet.of(DamageKind.LIMIT_EXCEEDED)), damage::toString);
        assertEquals(1, records.size(), "the record after the oversized one is still recovered");
        assertEquals(100, records.get(0).payload().length);
        assertTrue(allocated < 300_000 + (4L << 20), "allocated " + allocated);
    }

    // ----------------------------------------------------------------------------- table fields at extremes

    /** A table with one block stored with compression type {@code type}. */
    private static byte[] oneBlockTable(byte[] stored, int type) {
        return TracingTableWriter.assemble(List.of(stored), List.of(type)).bytes();
    }

    @ParameterizedTest
    @ValueSource(longs = {0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, (64L << 20) + 1})
    void snappyPreambleClaimingGigabytesIsRefusedWithoutAllocating(long claim) {
        byte[] stored = Mutations.concat(Mutations.varint(claim), new byte[] {0x00, 'a', 'b', 'c'});
        byte[] table = oneBlockTable(stored, 1);
        long[] allocated = new long[1];
        Tables.Read[] r = new Tables.Read[1];
        allocated[0] = allocatedBy(() -> r[0] = checkTable(table, "snappy claim " + claim, LIMITS));
        assertTrue(any(r[0].damage(), EnumSet.of(DamageKind.LIMIT_EXCEEDED)), r[0].damageText()::toString);
        assertTrue(allocated[0] < ALLOCATION_BOUND, "allocated " + allocated[0]);
    }

    @Test
    void restartCountsAtExtremesAreReportedAndOtherBlocksSurvive() {
        TracingTableWriter.Written w = new TracingTableWriter().codec(TracingTableWriter.Codec.NONE).blockSize(300)
                .write(Tables.entries(40, 5));
        assertTrue(w.dataBlocks().size() >= 3);
        for (int blk = 0; blk < w.dataBlocks().size(); blk++) {
            BlockHandle h = w.dataBlocks().get(blk);
            int countAt = (int) (h.offset() + h.size() - 4);
            long real = Integer.toUnsignedLong(dev.salvor.formats.core.ByteCursor.getFixed32(w.bytes(), countAt));
            for (long v : Mutations.EXTREMES) {
                if (v == real) {
                    continue;
                }
                byte[] b = w.bytes().clone();
                Mutations.putFixed32(b, countAt, v);
                int crc = Crc32c.mask(Crc32c.of(b, (int) h.offset(), (int) h.size() + 1));
                Mutations.putFixed32(b, (int) (h.offset() + h.size() + 1), crc);
                String what = "block " + blk + " restart count " + real + " -> " + v;
                Tables.Read r = checkTable(b, what, LIMITS);
                // A count whose array cannot fit is a bad restart array; a small wrong count misplaces the entries'
                // end, which surfaces as whatever decoding then meets. Either way the damage is at this block.
                Set<DamageKind> expected = v >= 0x7fff_ffffL ? EnumSet.of(DamageKind.BAD_RESTART_ARRAY)
                        : EnumSet.allOf(DamageKind.class);
                assertTrue(r.damage().stream().anyMatch(d -> d.offset() == h.offset()
                        && expected.contains(d.kind())), what + ": " + r.damageText());
                Set<String> verified = r.verifiedPairs();
                for (int o = 0; o < w.dataBlocks().size(); o++) {
                    if (o != blk) {
                        assertTrue(verified.containsAll(Tables.pairs(w.blockEntries().get(o))),
                                "block " + o + " lost; " + what);
                    }
                }
            }
        }
    }

    @Test
    void blockEntryLengthsAtExtremesAreReportedWithoutAllocating() {
        for (long v : new long[] {0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 5_000}) {
            for (int field = 0; field < 3; field++) {
                long[] f = {0, 3, 2};
                f[field] = v;
                byte[] entry = Mutations.concat(Mutations.varint(f[0]), Mutations.varint(f[1]),
                        Mutations.varint(f[2]), "keyva".getBytes());
                byte[] block = Mutations.concat(entry, new byte[] {0, 0, 0, 0, 1, 0, 0, 0});
                List<Damage> damage = new ArrayList<>();
                Block[] out = new Block[1];
                String what = "entry field " + field + " = " + v;
                long allocated = allocatedBy(() -> out[0] = noEscape(what, () -> Block.decode(block, "x.ldb", 0,
                        DamageSink.collectingInto(damage), LIMITS)));
                assertFalse(out[0].clean(), what);
                assertTrue(any(damage, EnumSet.of(DamageKind.BAD_LENGTH, DamageKind.BAD_KEY,
                        DamageKind.LIMIT_EXCEEDED)), what + ": " + damage);
                assertTrue(allocated < ALLOCATION_BOUND, what + " allocated " + allocated);
            }
        }
    }

    /** Handles for the footer and the index that point at themselves, the footer, or past the end of the file. */
    private static List<BlockHandle> hostileHandles(int fileLength, long self) {
        long footer = fileLength - 48;
        return List.of(new BlockHandle(self, 0), new BlockHandle(self, 10), new BlockHandle(footer, 48),
                new BlockHandle(footer - 5, 48), new BlockHandle(0, fileLength), new BlockHandle(0, fileLength - 5),
                new BlockHandle(fileLength, 0), new BlockHandle(fileLength + 100L, 10),
                new BlockHandle(0, 0x7fff_ffffL), new BlockHandle(0, 0xffff_ffffL),
                new BlockHandle(0x7fff_ffffL, 16), new BlockHandle(0xffff_ffffL, 16),
                new BlockHandle(Long.MAX_VALUE, 1), new BlockHandle(1, Long.MAX_VALUE),
                new BlockHandle(-1, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"leveldb/uncompressed/db/000009.ldb", "leveldb/snappy/db/000009.ldb"})
    void footerHandlesAtSelfFooterOrPastTheEndAreReportedAndBlocksStillFound(String file) {
        byte[] a = fixture(file);
        Tables.Read clean = checkTable(a, file, LIMITS);
        assertEquals(List.of(), clean.damage());
        Set<String> all = clean.verifiedPairs();
        Footer f = Footer.decode(Arrays.copyOfRange(a, a.length - 48, a.length), file, a.length - 48);
        for (boolean index : new boolean[] {true, false}) {
            long self = index ? f.indexHandle().offset() : f.metaindexHandle().offset();
            for (BlockHandle h : hostileHandles(a.length, self)) {
                Footer bad = index ? new Footer(f.metaindexHandle(), h) : new Footer(h, f.indexHandle());
                byte[] b = a.clone();
                System.arraycopy(bad.encode(), 0, b, a.length - 48, 48);
                String what = file + ": " + (index ? "index" : "metaindex") + " handle -> " + h;
                long[] allocated = new long[1];
                Tables.Read[] r = new Tables.Read[1];
                allocated[0] = allocatedBy(() -> r[0] = checkTable(b, what, LIMITS));
                assertFalse(r[0].damage().isEmpty(), what + " went unnoticed");
                assertTrue(allocated[0] < ALLOCATION_BOUND, what + " allocated " + allocated[0]);
                assertTrue(r[0].verifiedPairs().containsAll(all), what + ": entries lost; " + r[0].damageText());
            }
        }
    }

    @Test
    void indexEntriesPointingAtThemselvesOrPastTheEndAreReportedAndRealBlocksKept() {
        TracingTableWriter.Written w = new TracingTableWriter().codec(TracingTableWriter.Codec.NONE).filter(false).blockSize(300)
                .write(Tables.entries(30, 11));
        BlockHandle lastData = w.dataBlocks().get(w.dataBlocks().size() - 1);
        int dataEnd = (int) lastData.endWithTrailer();
        byte[] emptyMeta = new TracingTableWriter.BlockBuilder(16).finish();
        long indexOffset = dataEnd + emptyMeta.length + 5L;
        Set<String> all = Tables.pairs(w.allEntries());
        for (int k = 0; k < hostileHandles(0, 0).size(); k++) {
            // Handles relative to the file length change the index size, hence the length: iterate to a fixpoint.
            int length = 1 << 20;
            BlockHandle h = null;
            byte[] table = null;
            for (int iter = 0; iter < 4 && (table == null || table.length != length); iter++) {
                if (table != null) {
                    length = table.length;
                }
                h = hostileHandles(length, indexOffset).get(k);
                table = tableWithIndex(w, dataEnd, emptyMeta, h);
            }
            String what = "index entry handle -> " + h;
            byte[] t = table;
            long[] allocated = new long[1];
            Tables.Read[] r = new Tables.Read[1];
            allocated[0] = allocatedBy(() -> r[0] = checkTable(t, what, LIMITS));
            assertTrue(r[0].damage().stream().anyMatch(d -> d.offset() == indexOffset
                    && REFUSED.contains(d.kind())), what + ": " + r[0].damageText());
            assertTrue(allocated[0] < ALLOCATION_BOUND, what + " allocated " + allocated[0]);
            assertTrue(r[0].verifiedPairs().containsAll(all), what + ": entries lost; " + r[0].damageText());
        }
    }

    /** The data blocks of {@code w}, an empty metaindex, an index naming every data block plus {@code extra}. */
    private static byte[] tableWithIndex(TracingTableWriter.Written w, int dataEnd, byte[] emptyMeta, BlockHandle extra) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(w.bytes(), 0, dataEnd);
        BlockHandle meta = TracingTableWriter.writeRaw(file, emptyMeta, 0);
        TracingTableWriter.BlockBuilder index = new TracingTableWriter.BlockBuilder(1);
        for (int i = 0; i < w.dataBlocks().size(); i++) {
            List<TracingTableWriter.Entry> es = w.blockEntries().get(i);
            index.add(es.get(es.size() - 1).rawKey(), w.dataBlocks().get(i).encode());
        }
        index.add(TracingTableWriter.ikey("zzzz-hostile", 1, ValueType.VALUE), extra.encode());
        BlockHandle idx = TracingTableWriter.writeRaw(file, index.finish(), 0);
        file.writeBytes(new Footer(meta, idx).encode());
        return file.toByteArray();
    }

    @Test
    void everyZeroLengthAndTinyPrefixOfEveryRealFileOnlyYieldsDamage() {
        Set<String> seen = new HashSet<>();
        for (String f : List.of(LOGS[1], MANIFESTS[1], TABLES[0], TABLES[2])) {
            byte[] a = fixture(f);
            for (int len = 0; len <= Math.min(64, a.length); len++) {
                byte[] b = Arrays.copyOf(a, len);
                if (!seen.add(Arrays.toString(b))) {
                    continue;
                }
                checkLog(b, f + " cut to " + len, false);
                checkLog(b, f + " cut to " + len, true);
                checkTable(b, f + " cut to " + len, LIMITS);
            }
        }
        if (seen.isEmpty()) {
            fail("no input");
        }
    }
}
